"""Sign-in throttling and password validation."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from homeward.accounts.services import LoginFailed, LoginThrottled, login_authenticate
from homeward.audit.models import AuditEvent
from homeward.testing.factories import TEST_PASSWORD, UserFactory


def attempt(username, password, ip="192.0.2.1"):
    return login_authenticate(
        request=RequestFactory().post("/"), username=username, password=password, ip_address=ip
    )


def test_correct_password_signs_in_and_is_audited(db):
    user = UserFactory(username="amina")
    assert attempt("amina", TEST_PASSWORD) == user
    assert AuditEvent.objects.filter(action="login", actor_name="amina").exists()


def test_wrong_password_is_refused_and_audited(db):
    UserFactory(username="amina")
    with pytest.raises(LoginFailed):
        attempt("amina", "wrong")
    assert AuditEvent.objects.filter(action="login_failed", object_id="amina").exists()


def test_repeated_failures_lock_the_username_even_with_the_right_password(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(username="amina")
    for i in range(3):
        with pytest.raises(LoginFailed):
            attempt("amina", "wrong", ip=f"192.0.2.{i}")
    with pytest.raises(LoginThrottled):
        attempt("amina", TEST_PASSWORD, ip="198.51.100.7")


def test_one_users_typos_do_not_lock_colleagues_on_the_same_address(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(username="amina")
    for _ in range(3):
        with pytest.raises(LoginFailed):
            attempt("moussa", "wrong", ip="203.0.113.9")
    assert attempt("amina", TEST_PASSWORD, ip="203.0.113.9").username == "amina"


def test_attempts_while_locked_are_audited(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    UserFactory(username="amina")
    for _ in range(2):
        with pytest.raises(LoginFailed):
            attempt("amina", "wrong")
    for _ in range(3):
        with pytest.raises(LoginThrottled):
            attempt("amina", "wrong")
    assert AuditEvent.objects.filter(action="login_failed", object_id="amina").count() == 5


def test_many_failures_from_one_address_lock_the_address(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    UserFactory(username="amina")
    for name in ("a", "b", "c"):
        with pytest.raises(LoginFailed):
            attempt(name, "wrong", ip="203.0.113.9")
    with pytest.raises(LoginThrottled):
        attempt("amina", TEST_PASSWORD, ip="203.0.113.9")
    assert attempt("amina", TEST_PASSWORD, ip="203.0.113.10").username == "amina"


def test_failures_outside_the_window_do_not_count(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 0
    UserFactory(username="amina")
    for _ in range(3):
        with pytest.raises(LoginFailed):
            attempt("amina", "wrong")
    assert attempt("amina", TEST_PASSWORD).username == "amina"


@pytest.mark.parametrize("weak", ["short1", "password1234", "123456789012"])
def test_weak_passwords_are_rejected(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_sessions_expire(settings):
    from django.conf import settings as live

    assert live.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < live.SESSION_COOKIE_AGE <= 12 * 3600
