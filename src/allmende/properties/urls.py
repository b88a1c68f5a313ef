from django.urls import path

from allmende.properties import views, views_transfer

app_name = "properties"

urlpatterns = [
    path("", views.property_list, name="property_list"),
    path("neu/", views.property_create, name="property_create"),
    path("pipeline/", views.pipeline_board, name="pipeline_board"),
    path("melden/", views.report_create, name="report_create"),
    path("melden/danke/", views.report_thanks, name="report_thanks"),
    path("meldungen/", views.report_list, name="report_list"),
    path("meldungen/<int:pk>/", views.report_decide, name="report_decide"),
    path("<int:pk>/", views.property_detail, name="property_detail"),
    path("<int:pk>/bearbeiten/", views.property_edit, name="property_edit"),
    path("<int:pk>/status/", views.property_status, name="property_status"),
    path("<int:pk>/schritt/", views.pipeline_move, name="pipeline_move"),
]

urlpatterns += [
    path("export.csv", views_transfer.export_csv, name="export_csv"),
    path("export.geojson", views_transfer.export_geojson, name="export_geojson"),
    path("importieren/", views_transfer.import_csv, name="import_csv"),
]
