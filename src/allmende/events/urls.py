"""Event pages under /veranstaltungen/; each part keeps its routes in its own module."""

from allmende.events.urls_events import urlpatterns as event_urlpatterns
from allmende.events.urls_registration import urlpatterns as registration_urlpatterns

app_name = "events"

urlpatterns = [*registration_urlpatterns, *event_urlpatterns]
