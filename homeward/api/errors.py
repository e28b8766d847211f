"""One mapping from exceptions to JSON error bodies, for every API view.

Every error body has the same shape: ``{"code", "detail"}`` plus ``"errors"`` (field →
messages) for invalid input and ``"reasons"`` for blocked transitions:

- ApplicationError (raised by services and selectors) → its own status code and body;
- DRF ValidationError (serializer input) → 400 ``invalid`` with flattened field messages;
- Http404 / DRF NotFound → 404 ``not_found`` (missing and forbidden records alike);
- any other DRF APIException (401/403/405/406/415/429, parse errors) → its status and code.

Anything else propagates and becomes a 500: that is a bug, never a reply to bad input.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from homeward.core.errors import ApplicationError

NON_FIELD_KEYS = ("non_field_errors", "__all__")


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        # Services run in their own transactions and roll back themselves; some refusals
        # record a fact on purpose (a failed sign-in), so the request is not rolled back.
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, Http404 | exceptions.NotFound):
        set_rollback()
        return Response(not_found_body(), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        body = {
            "code": "invalid",
            "detail": _("Please correct the errors below."),
            "errors": flatten_errors(exc.detail),
        }
        return Response(body, status=400)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        return Response(
            {"code": _code_of(exc), "detail": _message_of(exc.detail)},
            status=exc.status_code,
            headers=_headers_of(exc),
        )
    return None


def not_found_body() -> dict:
    return {"code": "not_found", "detail": _("Not found.")}


def not_found_view(request, *args, **kwargs):
    """JSON 404 for unknown addresses under /api/ (instead of the HTML error page)."""
    return JsonResponse(not_found_body(), status=404)


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "names.0.given_names": [...]}.

    Errors that concern no single field are filed under "__all__", as services do.
    """
    errors: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "__all__" if key in NON_FIELD_KEYS else str(key)
            path = f"{prefix}.{name}" if prefix and name != "__all__" else (prefix or name)
            _merge(errors, flatten_errors(value, path))
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                path = f"{prefix}.{index}" if prefix else str(index)
                _merge(errors, flatten_errors(item, path))
            else:
                errors.setdefault(prefix or "__all__", []).append(str(item))
    else:
        errors.setdefault(prefix or "__all__", []).append(str(detail))
    return errors


def _merge(into: dict, more: dict) -> None:
    for key, messages in more.items():
        into.setdefault(key, []).extend(messages)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _message_of(detail) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(str(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(str(d) for d in detail.values())
    return str(detail)


def _headers_of(exc: exceptions.APIException) -> dict:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return headers
