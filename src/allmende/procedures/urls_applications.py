"""URLs of the procedures app: questions and answers, applications, eligibility."""

from django.urls import URLPattern, path

from allmende.procedures import views_applications as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/fragen/neu/", views.question_ask, name="question_ask"),
    path(
        "<int:pk>/fragen/<int:question_pk>/antwort/",
        views.question_answer,
        name="question_answer",
    ),
    path("<int:pk>/bewerbung/", views.application_start, name="application_start"),
    path("<int:pk>/bewerbung/neu/", views.application_create, name="application_create"),
    path("<int:pk>/bewerbungen/", views.application_list, name="application_list"),
    path("<int:pk>/bewerbungen/<int:app_pk>/", views.application_detail, name="application_detail"),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/bearbeiten/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/einreichen/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/zurueckziehen/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/eingangsbestaetigung/",
        views.application_receipt,
        name="application_receipt",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/anhaenge/neu/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/anhaenge/<int:att_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/anhaenge/<int:att_pk>/entfernen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "<int:pk>/bewerbungen/<int:app_pk>/zulassung/",
        views.eligibility_check,
        name="eligibility_check",
    ),
]
