"""The suite's clock: no office's day changes while the suite runs."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from homeward.accounts.clock import COUNTRY_TIME_ZONES, office_today
from homeward.movements.tests.travel import TODAY as NIAMEY_TODAY_AT_IMPORT
from homeward.testing.factories import OfficeFactory
from homeward.testing.suite_clock import START_HOUR_UTC, suite_start


@pytest.mark.parametrize(
    "real_now",
    [
        dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC),  # after Niamey's midnight
        dt.datetime(2026, 12, 4, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 4, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ],
)
def test_the_suite_starts_at_ten_utc_on_the_utc_day_of_the_real_time(real_now):
    start = suite_start(real_now)
    assert start.tzinfo == dt.UTC
    assert (start.hour, start.minute, start.second) == (START_HOUR_UTC, 0, 0)
    assert start.date() == real_now.astimezone(dt.UTC).date()


def test_the_suite_runs_hours_away_from_every_office_zones_midnight():
    now = timezone.now()
    # Six hours is four times CI's limit for the whole run.
    assert START_HOUR_UTC <= now.hour < START_HOUR_UTC + 6
    for zone in [*COUNTRY_TIME_ZONES.values(), "UTC"]:
        local = now.astimezone(ZoneInfo(zone))
        assert local.date() == now.date(), zone
        assert local.hour < 20, f"{zone}: {local:%H:%M}, too close to midnight"


@pytest.mark.django_db
def test_dates_a_module_computed_at_import_are_the_offices_today():
    niamey = OfficeFactory(code="NIA", name="Niamey", country_id="NE", is_host=True)
    assert office_today(niamey) == NIAMEY_TODAY_AT_IMPORT


def test_every_clock_python_offers_reads_the_suites_time():
    now = timezone.now()
    assert abs(time.time() - now.timestamp()) < 60
    assert abs(dt.datetime.now(dt.UTC) - now) < dt.timedelta(seconds=60)
    assert dt.date.today() == now.date()
