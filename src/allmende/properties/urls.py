from django.urls import path

from allmende.properties import views, views_map, views_media, views_transfer

app_name = "properties"

urlpatterns = [
    path("", views.property_list, name="property_list"),
    path("neu/", views.property_create, name="property_create"),
    path("pipeline/", views.pipeline_board, name="pipeline_board"),
    path("melden/", views.report_create, name="report_create"),
    path("melden/danke/", views.report_thanks, name="report_thanks"),
    path("meldungen/", views.report_list, name="report_list"),
    path("meldungen/<int:pk>/", views.report_decide, name="report_decide"),
    path("meldungen/<int:pk>/foto/", views.report_photo, name="report_photo"),
    path("karte/", views_map.property_map, name="property_map"),
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

urlpatterns += [
    path("<int:pk>/fotos/neu/", views_media.photo_create, name="photo_create"),
    path("<int:pk>/fotos/<int:photo_pk>/loeschen/", views_media.photo_delete, name="photo_delete"),
    path("<int:pk>/dokumente/neu/", views_media.document_create, name="document_create"),
    path(
        "<int:pk>/dokumente/<int:doc_pk>/", views_media.document_download, name="document_download"
    ),
    path(
        "<int:pk>/dokumente/<int:doc_pk>/loeschen/",
        views_media.document_delete,
        name="document_delete",
    ),
]
