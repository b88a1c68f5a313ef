from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve

from allmende.api import api

handler403 = "allmende.core.views.permission_denied"
handler404 = "allmende.core.views.page_not_found"
handler500 = "allmende.core.views.server_error"

urlpatterns = [
    path("", include("allmende.core.urls")),
    path("konto/", include("allmende.accounts.urls")),
    path("", include("allmende.networks.urls")),
    path("", include("allmende.matching.urls")),
    path("objekte/", include("allmende.properties.urls")),
    path("raumgesuche/", include("allmende.needs.urls")),
    path("verfahren/", include("allmende.procedures.urls")),
    path("wissen/", include("allmende.knowledge.urls")),
    path("suche/", include("allmende.search.urls")),
    path("wahlcheck/", include("allmende.electioncheck.urls")),
    path("veranstaltungen/", include("allmende.events.urls")),
    path("newsletter/", include("allmende.newsletter.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if not settings.PRODUCTION:
    # The demo serves uploads itself; production serves them from its web server or S3.
    urlpatterns += [
        # Never the private folder: those files go through permission-checking views.
        re_path(r"^media/(?P<path>(?!private/).*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
