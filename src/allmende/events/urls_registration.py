"""Registration routes under /veranstaltungen/."""

from django.urls import path

from allmende.events import views_registration as views

urlpatterns = [
    path("abmelden/<str:token>/", views.cancel, name="registration_cancel"),
    path("<slug:slug>/anmelden/", views.register, name="register"),
    path("<slug:slug>/teilnehmende/", views.participants, name="participants"),
    path("<slug:slug>/teilnehmende.csv", views.participants_csv, name="participants_csv"),
    path(
        "<slug:slug>/teilnehmende/nachricht/",
        views.participants_message,
        name="participants_message",
    ),
]
