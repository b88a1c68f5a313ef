"""Pieces of the JSON API shared by every app's router: the error shape and authentication."""

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import HttpBearer, django_auth

from allmende.accounts.services import api_token_authenticate


class ErrorOut(Schema):
    """Every error answer of the API has this shape."""

    detail: str
    errors: list[dict[str, Any]] = []


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


token_auth = TokenAuth()
optional_auth = [token_auth, django_auth]
