"""Sign-in with throttling: repeated failures lock a username or an address for a while."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.core.errors import ApplicationError

from .models import LoginFailure


class LoginThrottled(ApplicationError):
    status_code = 429
    code = "throttled"


class LoginFailed(ApplicationError):
    status_code = 400
    code = "invalid_credentials"


def _recent_failures(username: str, ip_address: str | None) -> int:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    scope = Q(username=username.casefold())
    if ip_address:
        scope |= Q(ip_address=ip_address)
    return LoginFailure.objects.filter(scope, at__gte=since).count()


def login_authenticate(*, request, username: str, password: str, ip_address: str | None):
    """The user for these credentials, or LoginFailed / LoginThrottled.

    Checked before the password is: a locked username answers the same whether or not
    the password is right, so guessing cannot continue while locked.
    """
    username = (username or "").strip()
    if _recent_failures(username, ip_address) >= settings.LOGIN_FAILURE_LIMIT:
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise LoginThrottled(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username.casefold(), ip_address=ip_address)
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.user",
            summary=username[:150],
            ip_address=ip_address,
        )
        raise LoginFailed(_("The username or password is not correct."))
    LoginFailure.objects.filter(username=username.casefold()).delete()
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user, ip_address=ip_address)
    return user
