from django.urls import path

from allmende.electioncheck import views, views_manage

app_name = "electioncheck"

urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("verwalten/", views_manage.manage_list, name="manage_list"),
    path("verwalten/neu/", views_manage.election_create, name="election_create"),
    path("<slug:slug>/", views.election_intro, name="election_intro"),
    path("<slug:slug>/these/<int:number>/", views.election_step, name="election_step"),
    path("<slug:slug>/ergebnis/", views.election_result, name="election_result"),
    path("<slug:slug>/zaehlen/", views.election_count, name="election_count"),
    path("<slug:slug>/bearbeiten/", views_manage.election_edit, name="election_edit"),
    path("<slug:slug>/thesen/", views_manage.theses_edit, name="theses_edit"),
    path("<slug:slug>/parteien/", views_manage.parties_edit, name="parties_edit"),
    path(
        "<slug:slug>/parteien/<int:pk>/positionen/",
        views_manage.party_positions,
        name="party_positions",
    ),
    path("<slug:slug>/import/", views_manage.matowahl_import, name="matowahl_import"),
    path(
        "<slug:slug>/export/fragen.csv",
        views_manage.matowahl_export,
        {"file": "fragen"},
        name="export_questions",
    ),
    path(
        "<slug:slug>/export/parteien.csv",
        views_manage.matowahl_export,
        {"file": "parteien"},
        name="export_parties",
    ),
    path("<slug:slug>/statistik/", views_manage.statistics, name="statistics"),
]
