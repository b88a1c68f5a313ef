from django.urls import path

from allmende.needs import views

app_name = "needs"

urlpatterns = [
    path("", views.space_need_list, name="space_need_list"),
    path("neu/", views.space_need_create, name="space_need_create"),
    path("<int:pk>/", views.space_need_detail, name="space_need_detail"),
    path("<int:pk>/bearbeiten/", views.space_need_edit, name="space_need_edit"),
]
