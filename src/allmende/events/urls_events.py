"""Routes of the event pages under /veranstaltungen/ (the registration part has its own)."""

from django.urls import URLPattern, path

from allmende.events import views_events as views

urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="event_list"),
    path("neu/", views.event_create, name="event_create"),
    path("programm/", views.programme_this_year, name="programme_this_year"),
    path("programm/<int:year>/", views.programme, name="programme"),
    path("karte/", views.event_map, name="event_map"),
    path("dokumentationen/", views.documentation_list, name="documentation_list"),
    path("reihe/neu/", views.series_create, name="series_create"),
    path("reihe/<slug:slug>/", views.series_detail, name="series_detail"),
    path("reihe/<slug:slug>/bearbeiten/", views.series_edit, name="series_edit"),
    path("netzwerk/<slug:network_slug>/kalender.ics", views.network_ics, name="network_ics"),
    path("<slug:slug>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/kalender.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/bearbeiten/", views.event_edit, name="event_edit"),
    path("<slug:slug>/absagen/", views.event_cancel, name="event_cancel"),
    path("<slug:slug>/dokumentation/", views.documentation_detail, name="documentation_detail"),
    path(
        "<slug:slug>/dokumentation/bearbeiten/",
        views.documentation_edit,
        name="documentation_edit",
    ),
    path(
        "<slug:slug>/dokumentation/dateien/neu/",
        views.documentation_file_add,
        name="documentation_file_add",
    ),
    path(
        "<slug:slug>/dokumentation/fotos/neu/",
        views.documentation_photo_add,
        name="documentation_photo_add",
    ),
    path(
        "<slug:slug>/dokumentation/<str:kind>/<int:pk>/loeschen/",
        views.documentation_attachment_delete,
        name="documentation_attachment_delete",
    ),
]
