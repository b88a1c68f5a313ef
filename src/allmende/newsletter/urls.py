from django.urls import path

from allmende.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.network_list, name="network_list"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("ausgaben/<int:pk>/", views.issue_preview, name="issue_preview"),
    path("ausgaben/<int:pk>/bearbeiten/", views.issue_edit, name="issue_edit"),
    path("ausgaben/<int:pk>/testversand/", views.issue_test_send, name="issue_test_send"),
    path("ausgaben/<int:pk>/senden/", views.issue_send, name="issue_send"),
    path("ausgaben/<int:pk>/versand/", views.issue_log, name="issue_log"),
    path("<slug:slug>/", views.subscribe, name="subscribe"),
    path("<slug:slug>/danke/", views.subscribe_thanks, name="subscribe_thanks"),
    path("<slug:slug>/ausgaben/", views.issue_list, name="issue_list"),
    path("<slug:slug>/ausgaben/neu/", views.issue_create, name="issue_create"),
]
