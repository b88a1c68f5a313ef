"""URLs of the procedures app: the setup part (list, detail, wizard, lifecycle, documents)."""

from django.urls import URLPattern, path

from allmende.procedures import views_setup as views

urlpatterns: list[URLPattern] = [
    path("", views.procedure_list, name="procedure_list"),
    path("neu/", views.procedure_create, name="procedure_create"),
    path("<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("<int:pk>/einrichten/<slug:step>/", views.procedure_setup, name="procedure_setup"),
    path("<int:pk>/verwalten/", views.procedure_manage, name="procedure_manage"),
    path("<int:pk>/aktion/<slug:action>/", views.procedure_action, name="procedure_action"),
    path("<int:pk>/dokumente/<int:doc_pk>/", views.procedure_document, name="procedure_document"),
    path(
        "<int:pk>/dokumente/<int:doc_pk>/entfernen/",
        views.procedure_document_delete,
        name="procedure_document_delete",
    ),
]
