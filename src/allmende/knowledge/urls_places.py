"""Routes of the example places (Praxisbeispiele) under /wissen/praxisbeispiele/."""

from django.urls import URLPattern, path

from allmende.knowledge import views_places

urlpatterns: list[URLPattern] = [
    path("praxisbeispiele/", views_places.place_list, name="place_list"),
    path("praxisbeispiele/karte/", views_places.place_map, name="place_map"),
    path("praxisbeispiele/neu/", views_places.place_create, name="place_create"),
    path("praxisbeispiele/<slug:slug>/", views_places.place_detail, name="place_detail"),
    path("praxisbeispiele/<slug:slug>/bearbeiten/", views_places.place_edit, name="place_edit"),
    path(
        "praxisbeispiele/<slug:slug>/fotos/neu/",
        views_places.place_photo_create,
        name="place_photo_create",
    ),
    path(
        "praxisbeispiele/<slug:slug>/fotos/<int:photo_pk>/loeschen/",
        views_places.place_photo_delete,
        name="place_photo_delete",
    ),
]
