"""The JSON API at /api/v1/: one NinjaAPI instance, one Router per app, one error shape."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from allmende.core.api import reject_nul_characters
from allmende.electioncheck.api import router as electioncheck_router
from allmende.events.api_events import router as events_router
from allmende.events.api_registrations import router as event_registrations_router
from allmende.knowledge.api_content import router as articles_router
from allmende.knowledge.api_places import router as places_router
from allmende.knowledge.api_toolbox import router as toolbox_router
from allmende.matching.api import router as matching_router
from allmende.needs.api import router as needs_router
from allmende.networks.api import router as networks_router
from allmende.newsletter.api import router as newsletter_router
from allmende.procedures.api import router as procedures_router
from allmende.procedures.api_private import router as procedure_private_router
from allmende.procedures.api_results import router as procedure_results_router
from allmende.properties.api import router as properties_router
from allmende.search.api import router as search_router

api = NinjaAPI(
    title="Allmende API",
    version="1.0.0",
    description=(
        "Public data of the networks on this Allmende installation. Read endpoints are open; "
        "write endpoints need a personal API token (`Authorization: Bearer …`) from the account "
        "page. Errors are JSON objects with a `detail` message."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(part) for part in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "The request is not valid.", errors)


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": [name], "msg": " ".join(str(m) for m in messages), "type": "invalid"}
            for name, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"loc": [], "msg": str(m), "type": "invalid"} for m in exc.messages]
    return _error(request, 422, "The request is not valid.", errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required: send a valid API token.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


api.add_decorator(reject_nul_characters)
api.add_router("/", networks_router)
api.add_router("/", properties_router)
api.add_router("/", needs_router)
api.add_router("/", matching_router)
api.add_router("/", procedures_router)
api.add_router("/", procedure_results_router)
api.add_router("/", procedure_private_router)
api.add_router("/", places_router)
api.add_router("/", articles_router)
api.add_router("/", search_router)
api.add_router("/", electioncheck_router)
api.add_router("/", toolbox_router)
api.add_router("/", event_registrations_router)
api.add_router("/", events_router)
api.add_router("/", newsletter_router)
