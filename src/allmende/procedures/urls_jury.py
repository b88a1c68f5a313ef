"""URLs of the procedures app: the jury part."""

from django.urls import URLPattern, path

from allmende.procedures import views_jury

urlpatterns: list[URLPattern] = [
    path("<int:pk>/jury/", views_jury.jury_desk, name="jury_desk"),
    path("<int:pk>/jury/befangenheit/", views_jury.jury_declare, name="jury_declare"),
    path(
        "<int:pk>/jury/bewerbung/<int:application_pk>/",
        views_jury.jury_score,
        name="jury_score",
    ),
    path("<int:pk>/jury/abschliessen/", views_jury.jury_submit, name="jury_submit"),
    path("<int:pk>/jury/verwalten/", views_jury.jury_manage, name="jury_manage"),
    path("<int:pk>/jury/einladen/", views_jury.jury_invite, name="jury_invite"),
    path(
        "<int:pk>/jury/<int:juror_pk>/entfernen/",
        views_jury.jury_remove,
        name="jury_remove",
    ),
]
