"""Office-local dates: each office counts "today" and its deadlines in its own time zone."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from homeward.accounts.clock import (
    COUNTRY_TIME_ZONES,
    default_time_zone,
    office_day,
    office_today,
    validate_time_zone,
)
from homeward.accounts.selectors import office_today as office_today_from_selectors

LATE_EVENING_UTC = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def test_every_demo_country_has_a_known_zone_and_others_fall_back_to_utc():
    for code in ("SN", "GN", "ML", "NE", "MA", "DE"):
        validate_time_zone(COUNTRY_TIME_ZONES[code])
    assert default_time_zone("NE") == "Africa/Niamey"
    assert default_time_zone("fr") == "UTC"
    assert default_time_zone(None) == "UTC"


def test_office_without_its_own_zone_uses_its_countrys(world):
    assert world.niamey.time_zone == ""
    assert world.niamey.time_zone_name == "Africa/Niamey"
    assert world.dakar.time_zone_name == "Africa/Dakar"


def test_office_today_across_midnight_utc(world):
    """At 23:30 UTC Niamey (UTC+1) is already on the next day; Dakar (UTC+0) is not."""
    assert office_today(world.niamey, LATE_EVENING_UTC) == date(2026, 3, 10)
    assert office_today(world.dakar, LATE_EVENING_UTC) == date(2026, 3, 9)
    assert office_day(world.niamey, LATE_EVENING_UTC) == date(2026, 3, 10)
    assert office_today_from_selectors is office_today


def test_office_own_zone_wins_over_its_countrys(world):
    world.dakar.time_zone = "Europe/Berlin"
    world.dakar.full_clean()
    world.dakar.save()
    assert office_today(world.dakar, LATE_EVENING_UTC) == date(2026, 3, 10)
    summer_evening = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # Berlin at UTC+2 in summer
    assert office_today(world.dakar, summer_evening) == date(2026, 7, 2)


@pytest.mark.parametrize("name", ["Africa/Atlantis", "../etc/passwd", "UTC+1"])
def test_unknown_time_zone_is_refused(world, name):
    world.niamey.time_zone = name
    with pytest.raises(ValidationError) as raised:
        world.niamey.full_clean()
    assert "time_zone" in raised.value.message_dict


def test_unknown_zone_in_the_database_falls_back_to_utc(world):
    world.niamey.time_zone = "Africa/Atlantis"  # saved without validation
    assert office_today(world.niamey, LATE_EVENING_UTC) == date(2026, 3, 9)


def test_admin_sets_the_office_time_zone(world, admin_client):
    page = admin_client.get(f"/admin/accounts/office/{world.niamey.pk}/change/")
    assert page.status_code == 200
    assert b'name="time_zone"' in page.content
    listing = admin_client.get("/admin/accounts/office/")
    assert b"Africa/Niamey" in listing.content
