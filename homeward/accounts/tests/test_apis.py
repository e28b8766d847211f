"""The offices API: the offices a user works in, and every origin office."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.urls("homeward.api.tests.urls")


def offices_for(user) -> dict:
    client = APIClient()
    client.force_login(user)
    response = client.get("/api/v1/offices/")
    assert response.status_code == 200
    return {row["code"]: row for row in response.json()}


def test_offices_are_the_users_own_plus_every_origin_office(world):
    offices = offices_for(world.user("counsellor", "niamey"))
    assert set(offices) == {"NIA", "DKR", "CKY"}
    assert offices["NIA"]["my_roles"] == ["counsellor"]
    assert offices["NIA"]["is_host"] is True
    assert offices["DKR"] == {
        "id": str(world.dakar.pk),
        "code": "DKR",
        "name": "Dakar",
        "country": "SN",
        "is_host": False,
        "is_transit": False,
        "is_origin": True,
        "my_roles": [],
    }


def test_an_origin_office_user_sees_only_origin_offices(world):
    assert set(offices_for(world.user("reception_officer", "dakar"))) == {"DKR", "CKY"}
