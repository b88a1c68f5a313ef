"""Site-wide pages: home, health check, legal pages, rate-limit answer."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from allmende.networks import selectors as network_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "networks": network_selectors.network_list(),
            "stats": network_selectors.directory_stats(),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with a JSON body when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "core/imprint.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer for django-ratelimit: JSON for the API, a page for people."""
    message = _("Too many requests. Please wait a few minutes and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "core/ratelimited.html", {"message": message}, status=429)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)
