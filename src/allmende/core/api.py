"""Pieces of the JSON API shared by every app's router: the error shape, authentication and
the guard against NUL characters."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

from allmende.accounts.services import api_token_authenticate


class ErrorOut(Schema):
    """Every error answer of the API has this shape."""

    detail: str
    errors: list[dict[str, Any]] = []


class BodyIn(Schema):
    """Base of request bodies. ninja's Schema reads the attributes of anything, so without this
    a body of ``5``, ``[]`` or ``"x"`` passed as an empty object (a PATCH answered 200)."""

    @model_validator(mode="before")
    @classmethod
    def _require_an_object(cls, data: Any) -> Any:
        # Runs inside ninja's own validator, which has wrapped the input already.
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, dict):
            raise PydanticCustomError("model_type", "Input should be a JSON object")
        return data


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer alm_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """ninja's ``django_auth`` (same OpenAPI name), but its CSRF check only guards a session
    that logs someone in: a request with neither a valid token nor a logged-in session gets
    401, not ninja's 403 "CSRF check Failed"."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


token_auth = TokenAuth()
optional_auth = [token_auth, SessionAuth()]


def _contains_nul(value: Any) -> bool:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_contains_nul(v) for v in value)
    return False


def reject_nul_characters(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse validated input containing NUL characters, as Django's forms do: PostgreSQL cannot
    store or compare such text (psycopg raises DataError, a 500). A path value gives 404 (no
    object has it), a query or body value 422. Added to the API with ``add_decorator``."""

    @wraps(view_func)
    def wrapper(request: HttpRequest, **values: Any) -> Any:
        for name, value in values.items():
            if _contains_nul(value):
                if request.resolver_match and name in request.resolver_match.kwargs:
                    raise Http404
                validator = ProhibitNullCharactersValidator()
                raise ValidationError(validator.message, code=validator.code)
        return view_func(request, **values)

    return wrapper
