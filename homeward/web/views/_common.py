"""Shared plumbing for page views: error mapping, pagination, htmx detection."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from homeward.core.errors import ApplicationError, NotFound, PermissionDenied


def client_ip(request) -> str | None:
    """The client's address as the server saw it (a proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


def private_page(view):
    """A signed-in page holding personal data: never stored by the browser or a proxy, so
    the back button on a shared computer shows nothing after sign-out."""
    return login_required(never_cache(view))


def maps_errors(view):
    """Turn NotFound into a 404 page and PermissionDenied into a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


def show_service_errors(exc: ApplicationError, form, *, field_map=None, formsets=None) -> None:
    """Put a service's field errors on the form: known keys beside their fields, lists on
    their formset, anything else at the top of the form."""
    field_map = field_map or {}
    formsets = formsets or {}
    shown = False
    for key, messages in exc.field_errors.items():
        if key in formsets:
            formsets[key].non_form_errors().extend(messages)
            shown = True
            continue
        name = field_map.get(key, key)
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            shown = True
        elif key != "version":
            for message in messages:
                form.add_error(NON_FIELD_ERRORS, message)
            shown = True
    if not shown and exc.message:
        form.add_error(NON_FIELD_ERRORS, exc.message)


class CappedPaginator(Paginator):
    """Counts rows only as far as the pages a user can reach from here.

    An exact COUNT(*) over tens of thousands of visible cases costs more than the page
    itself; counting up to `lookahead` pages past the requested one (SELECT COUNT(*) over
    a LIMIT) keeps lists fast and still lets the user page on. `is_capped` tells the
    template to say "more than N".
    """

    def __init__(self, object_list, per_page, *, requested_page: int = 1, lookahead: int = 10):
        super().__init__(object_list, per_page)
        self.cap = (max(requested_page, 1) + lookahead) * per_page
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)


def paginate(request, items, per_page: int, *, lookahead: int = 10):
    requested = request.GET.get("page", "1")
    requested_page = int(requested) if requested.isdigit() else 1
    paginator = CappedPaginator(items, per_page, requested_page=requested_page, lookahead=lookahead)
    return paginator.get_page(requested)


def is_htmx_fragment(request) -> bool:
    """An htmx request that swaps part of the page (a history restore wants the full page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
