"""Office-local time: the time zone of an office and the day it is there.

Deadlines of the travel and arrival rules are days in the acting office's local time (see
``homeward.core.deadlines``), while the server runs on UTC (``TIME_ZONE``). An office at
UTC+1 (Niamey) is already on the next day at 23:30 UTC: its "today", the day a departure
leaves on and the day an answer arrived are read in the office's zone with the functions
below, never with ``timezone.localdate()``.

Each office may set an IANA zone (``Office.time_zone``); left empty, the usual zone of its
country applies (``COUNTRY_TIME_ZONES``, UTC for countries not listed).
"""

from __future__ import annotations

import datetime
import logging
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: The zone an office uses when it sets none: one per country of the demo and pilot offices.
COUNTRY_TIME_ZONES = {
    "SN": "Africa/Dakar",
    "GN": "Africa/Conakry",
    "ML": "Africa/Bamako",
    "NE": "Africa/Niamey",
    "MA": "Africa/Casablanca",
    "DE": "Europe/Berlin",
}
FALLBACK_TIME_ZONE = "UTC"


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def validate_time_zone(value: str) -> None:
    """An IANA time zone name known to this server (e.g. ``Africa/Niamey``)."""
    if value and _zone(value) is None:
        raise ValidationError(
            _("Unknown time zone: give an IANA name such as Africa/Dakar or Europe/Berlin."),
            code="invalid_time_zone",
        )


def default_time_zone(country_code: str | None) -> str:
    """The usual zone of a country (ISO code), UTC when the country is not listed."""
    return COUNTRY_TIME_ZONES.get((country_code or "").upper(), FALLBACK_TIME_ZONE)


def office_time_zone_name(office) -> str:
    """The office's own zone if set, else its country's."""
    return getattr(office, "time_zone", "") or default_time_zone(office.country_id)


def office_zone(office) -> ZoneInfo:
    """The ``ZoneInfo`` of an office (UTC if its zone is unknown to this server)."""
    name = office_time_zone_name(office)
    zone = _zone(name)
    if zone is None:
        logger.warning("Time zone %s of office %s unknown; using UTC", name, office.pk)
        zone = _zone(FALLBACK_TIME_ZONE) or datetime.UTC
    return zone


def office_localtime(office, moment: datetime.datetime | None = None) -> datetime.datetime:
    """``moment`` (default: now) as a wall-clock time in the office's zone."""
    return timezone.localtime(moment or timezone.now(), office_zone(office))


def office_day(office, moment: datetime.datetime) -> datetime.date:
    """The office-local day of an aware moment (a departure, an answer, a confirmation)."""
    return office_localtime(office, moment).date()


def office_today(office, now: datetime.datetime | None = None) -> datetime.date:
    """The day it is at the office now (or at ``now``)."""
    return office_localtime(office, now).date()
