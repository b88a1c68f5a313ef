from django.urls import path

from allmende.networks import views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="network_list"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="network_detail"),
    path("netzwerke/<slug:slug>/mitglieder/", views.network_members, name="network_members"),
    path("netzwerke/<slug:slug>/koordination/", views.network_office, name="network_office"),
    path("netzwerke/<slug:slug>/kontakt/", views.network_contact, name="network_contact"),
    path(
        "netzwerke/<slug:slug>/mitglied-werden/",
        views.application_create,
        name="application_create",
    ),
    path(
        "netzwerke/<slug:slug>/mitglied-werden/danke/",
        views.application_thanks,
        name="application_thanks",
    ),
    path(
        "netzwerke/<slug:slug>/antraege/", views.application_dashboard, name="application_dashboard"
    ),
    path(
        "netzwerke/<slug:slug>/antraege/<int:pk>/",
        views.application_review,
        name="application_review",
    ),
    path(
        "netzwerke/<slug:slug>/arbeitsgruppen/", views.working_group_list, name="working_group_list"
    ),
    path(
        "netzwerke/<slug:network>/arbeitsgruppen/<slug:slug>/",
        views.working_group_detail,
        name="working_group_detail",
    ),
    path("organisationen/", views.organisation_directory, name="organisation_directory"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisationen/<slug:slug>/bearbeiten/", views.organisation_edit, name="organisation_edit"
    ),
    path("karte/", views.organisation_map, name="organisation_map"),
]
