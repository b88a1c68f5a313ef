"""URLs of the procedures app: the decision part."""

from django.urls import URLPattern, path

from allmende.procedures import views_decision

urlpatterns: list[URLPattern] = [
    path("<int:pk>/entscheidung/", views_decision.decision, name="procedure_decision"),
    path("<int:pk>/ergebnis/", views_decision.result, name="procedure_result"),
    path("<int:pk>/bericht/", views_decision.report_page, name="procedure_report"),
    path("<int:pk>/bericht.pdf", views_decision.report_pdf, name="procedure_report_pdf"),
]
