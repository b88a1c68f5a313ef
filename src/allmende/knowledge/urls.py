"""Knowledge pages under /wissen/ (articles, toolboxes, example places, publications,
positions) and the news of the networks; each part keeps its routes in its own module."""

from allmende.knowledge.urls_content import urlpatterns as content_urlpatterns
from allmende.knowledge.urls_places import urlpatterns as places_urlpatterns
from allmende.knowledge.urls_toolbox import urlpatterns as toolbox_urlpatterns

app_name = "knowledge"

urlpatterns = [*toolbox_urlpatterns, *places_urlpatterns, *content_urlpatterns]
