from django.urls import path

from allmende.matching import views

app_name = "matching"

urlpatterns = [
    path("raumgesuche/<int:pk>/passende-objekte/", views.need_matches, name="need_matches"),
    path("objekte/<int:pk>/passende-gruppen/", views.property_matches, name="property_matches"),
    path(
        "abgleich/interesse/<int:property_pk>/<int:need_pk>/",
        views.interest_express,
        name="interest_express",
    ),
    path("abgleich/interesse/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("abgleich/zuordnung/", views.assignment, name="assignment"),
    path("abgleich/gewichte/<slug:slug>/", views.weights, name="weights"),
]
