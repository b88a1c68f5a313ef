"""The procedures app's URLs, collected from its parts."""

from allmende.procedures import urls_applications, urls_decision, urls_jury, urls_setup

app_name = "procedures"

urlpatterns = [
    *urls_setup.urlpatterns,
    *urls_applications.urlpatterns,
    *urls_jury.urlpatterns,
    *urls_decision.urlpatterns,
]
