"""One JSON error shape for every failure, and never a 500 for bad input."""

import pytest
from django.http import Http404
from rest_framework import exceptions
from rest_framework.test import APIClient

from homeward.api.errors import exception_handler, flatten_errors
from homeward.core.errors import NotFound, TransitionBlocked, ValidationFailed, VersionConflict

pytestmark = pytest.mark.urls("homeward.api.tests.urls")


def test_application_errors_keep_their_status_and_body():
    blocked = exception_handler(TransitionBlocked("Blocked.", reasons=["Too late."]), {})
    assert (blocked.status_code, blocked.data) == (
        409,
        {"code": "transition_blocked", "detail": "Blocked.", "reasons": ["Too late."]},
    )
    conflict = exception_handler(VersionConflict("Stale.", field_errors={"version": ["x"]}), {})
    assert conflict.status_code == 409
    assert conflict.data["errors"] == {"version": ["x"]}
    invalid = exception_handler(ValidationFailed("Bad.", field_errors={"names": ["y"]}), {})
    assert (invalid.status_code, invalid.data["errors"]) == (400, {"names": ["y"]})


def test_not_found_in_every_form_has_the_same_body():
    bodies = [
        exception_handler(exc, {}).data
        for exc in (Http404("secret detail"), exceptions.NotFound("Invalid page."))
    ]
    assert bodies == [{"code": "not_found", "detail": "Not found."}] * 2
    assert exception_handler(NotFound("Case not found."), {}).status_code == 404


def test_serializer_errors_are_flattened_to_field_paths():
    detail = {
        "names": [{}, {"given_names": ["This field is required."]}],
        "non_field_errors": ["Inconsistent."],
        "sex": ["Not a valid choice."],
    }
    assert flatten_errors(detail) == {
        "names.1.given_names": ["This field is required."],
        "__all__": ["Inconsistent."],
        "sex": ["Not a valid choice."],
    }
    response = exception_handler(exceptions.ValidationError(detail), {})
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["errors"]["sex"] == ["Not a valid choice."]


def test_other_exceptions_are_left_to_become_500s():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_unauthenticated_requests_are_refused_in_json(db):
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_unknown_api_address_is_a_json_404(world):
    client = APIClient()
    client.force_login(world.user("counsellor", "niamey"))
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_malformed_json_and_wrong_methods_are_client_errors(world):
    client = APIClient()
    client.force_login(world.user("counsellor", "niamey"))
    broken = client.post("/api/v1/cases/", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"
    assert client.delete("/api/v1/cases/").status_code == 405
    not_a_dict = client.post("/api/v1/people/", [1, 2], format="json")
    assert not_a_dict.status_code == 400
    assert "__all__" in not_a_dict.json()["errors"]
