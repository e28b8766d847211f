"""Token sign-in: throttled and audited like the sign-in page; tokens then authenticate."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from homeward.audit.models import AuditEvent
from homeward.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.urls("homeward.api.tests.urls")

TOKEN = "/api/v1/auth/token/"


def sign_in(username, password):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def test_token_signs_in_and_authenticates_requests(world):
    case = world.case()
    response = sign_in("counsellor_niamey", TEST_PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/cases/")
    assert listed.status_code == 200
    assert [row["reference"] for row in listed.json()["results"]] == [case.reference]
    assert AuditEvent.objects.filter(action="login", actor_name="counsellor_niamey").exists()


def test_the_same_token_is_returned_on_each_sign_in(world):
    first = sign_in("counsellor_niamey", TEST_PASSWORD).json()["token"]
    assert sign_in("counsellor_niamey", TEST_PASSWORD).json()["token"] == first


def test_wrong_password_is_400_and_audited(world):
    response = sign_in("counsellor_niamey", "wrong")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


def test_missing_fields_are_400(db):
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_repeated_failures_are_throttled_even_with_the_right_password(world):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert sign_in("counsellor_niamey", "wrong").status_code == 400
    response = sign_in("counsellor_niamey", TEST_PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_an_invalid_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
