"""The programmes API lists active programmes with the countries they cover."""

import pytest
from rest_framework.test import APIClient

from homeward.testing.factories import ProgrammeFactory

pytestmark = pytest.mark.urls("homeward.api.tests.urls")


def test_programmes_lists_active_programmes_with_their_countries(world):
    ProgrammeFactory(code="OLD", is_active=False)
    client = APIClient()
    client.force_login(world.user("counsellor", "niamey"))
    response = client.get("/api/v1/programmes/")
    assert response.status_code == 200
    [programme] = response.json()
    assert programme["code"] == "WA-RETURN"
    assert {(a["kind"], a["country"]) for a in programme["actions"]} == {
        ("host", "NE"),
        ("host", "MA"),
        ("origin", "SN"),
        ("origin", "GN"),
    }
