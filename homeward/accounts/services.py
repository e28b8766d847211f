"""Sign-in with throttling: repeated failures lock a username or an address for a while."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def _is_locked(username: str, ip_address: str | None) -> bool:
    """A username locks after a few failures; an address only after many, because a
    whole field office often shares one address and one user's typos must not lock out
    their colleagues."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.casefold()).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit


def login_authenticate(*, request, username: str, password: str, ip_address: str | None):
    """The user for these credentials, or LoginFailed / LoginThrottled.

    Checked before the password is: a locked username answers the same whether or not
    the password is right, so guessing cannot continue while locked.
    """
    username = (username or "").strip()
    if _is_locked(username, ip_address):
        _audit_failure(username, ip_address, locked=True)
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise LoginThrottled(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username.casefold(), ip_address=ip_address)
        _audit_failure(username, ip_address, locked=False)
        raise LoginFailed(_("The username or password is not correct."))
    LoginFailure.objects.filter(username=username.casefold()).delete()
    offices = user.memberships.values_list("office_id", flat=True)
    audit_record(
        actor=user, action=AuditAction.LOGIN, obj=user, ip_address=ip_address, offices=offices
    )
    return user


def _audit_failure(username: str, ip_address: str | None, *, locked: bool) -> None:
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=username[:64],
        summary=gettext_lazy("Sign-in refused: account locked")
        if locked
        else gettext_lazy("Wrong password"),
        changes={"username": username[:150]},
        ip_address=ip_address,
    )


def user_set_language(*, actor, language: str) -> None:
    """Keep the interface language the user chose, so it follows them to any computer."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(
            _("Unknown language."), field_errors={"language": [_("Unknown language.")]}
        )
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
