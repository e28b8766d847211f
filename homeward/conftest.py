"""Fixtures shared by every app: a small world of offices, a programme and role holders."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from homeward.accounts.roles import Role
from homeward.geo.services import countries_load
from homeward.testing.factories import (
    OfficeFactory,
    ProgrammeFactory,
    cover,
    make_case,
    make_person,
    user_with_role,
)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` prove what only the production database does (triggers,
    row locks across threads); the SQLite pass of `make test` leaves them out, the
    PostgreSQL pass runs them."""
    if connection.vendor == "postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@dataclass
class World:
    niamey: object  # host office, Niger
    rabat: object  # host office, Morocco
    dakar: object  # origin office, Senegal
    conakry: object  # origin office, Guinea
    programme: object
    users: dict

    def user(self, role: str, office: str = "niamey"):
        return self.users[(role, office)]

    def case(self, *, host=None, origin=None, **kwargs):
        host = self.niamey if host is None else host
        origin = origin or self.dakar
        person = make_person(host or origin)
        return make_case(
            person=person, programme=self.programme, host=host, origin=origin, **kwargs
        )


@pytest.fixture
def world(db) -> World:
    countries_load()  # transactional tests empty every table, migration data included
    niamey = OfficeFactory(code="NIA", name="Niamey", country_id="NE", is_host=True)
    rabat = OfficeFactory(code="RAB", name="Rabat", country_id="MA", is_host=True)
    dakar = OfficeFactory(code="DKR", name="Dakar", country_id="SN", is_host=False, is_origin=True)
    conakry = OfficeFactory(
        code="CKY", name="Conakry", country_id="GN", is_host=False, is_origin=True
    )
    programme = cover(ProgrammeFactory(code="WA-RETURN"), hosts=("NE", "MA"), origins=("SN", "GN"))
    offices = {"niamey": niamey, "rabat": rabat, "dakar": dakar, "conakry": conakry}
    users = {
        (role, name): user_with_role(role, office, username=f"{role}_{name}")
        for role in Role.values
        for name, office in offices.items()
    }
    return World(niamey, rabat, dakar, conakry, programme, users)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A French request leaves French active in the thread; later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
