"""Working-day calendars behind every deadline (pure Python: no ORM, no settings).

A :class:`Calendar` says which days one office works. It is built once per office
(``homeward.accounts.selectors.calendar_for(office)``) and passed to the functions below.

Conventions
-----------
* Days are ``datetime.date``. Every function also accepts a ``datetime`` and uses its
  ``.date()`` as is, so convert an aware datetime to the office's local time first.
* Weekdays are numbered as ``date.weekday()`` does: Monday 0 ... Sunday 6.
* A **working day** is a day that is (1) not a weekend day of the calendar, (2) not a public
  holiday of the calendar's country and (3) not one of the calendar's closed dates (office
  closures).
* **Public holidays** come from the ``holidays`` package, category "public", for the
  country's national calendar (no subdivision: a regional holiday is entered as an office
  closure). They include the days the package adds when a holiday falling on a rest day
  is *observed* on another day, and Islamic holidays on the date the package *estimates*;
  where the moon sighting moves a holiday, the office records the real day as a closure.
* **Weekends** come from :data:`COUNTRY_WEEKENDS` (default Saturday-Sunday), not from the
  ``holidays`` package, whose ``weekend`` attribute is the statutory weekly rest day used to
  move holidays (e.g. Sunday alone for Niger, Friday-Saturday for Mauritania, which moved
  its working week to Monday-Friday in October 2014). An office may override its weekend
  with one of :data:`WEEKEND_PATTERNS`.
* ``add_working_days(day, n)`` counts **steps**: the n-th working day strictly after
  ``day`` (n > 0) or strictly before it (n < 0); ``day`` itself never counts, whether or not
  it is a working day. ``n == 0`` returns ``day`` unchanged.
* ``working_days_between(start, end)`` is its inverse: the number of steps from ``start``
  to ``end``, i.e. the working days in ``(start, end]`` when ``start <= end`` and minus the
  working days in ``[end, start)`` otherwise. For every day ``d`` and every ``n``,
  ``working_days_between(d, add_working_days(d, n)) == n``.

Deadline checks compare dates with the deadline computed by ``add_working_days`` (see
``homeward.core.deadlines``), never a count of working days with a number.
"""

from __future__ import annotations

import re
from calendar import FRIDAY, SATURDAY, SUNDAY, THURSDAY
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "COUNTRY_WEEKENDS",
    "DEFAULT_WEEKEND",
    "WEEKEND_PATTERNS",
    "Calendar",
    "add_working_days",
    "closed_dates",
    "is_working_day",
    "public_holidays",
    "weekend_for_country",
    "weekend_pattern",
    "working_days_between",
]

DEFAULT_WEEKEND: frozenset[int] = frozenset({SATURDAY, SUNDAY})

#: The weekends an office may choose instead of its country's (``Office.weekend``).
WEEKEND_PATTERNS: dict[str, frozenset[int]] = {
    "sat_sun": frozenset({SATURDAY, SUNDAY}),
    "fri_sat": frozenset({FRIDAY, SATURDAY}),
    "thu_fri": frozenset({THURSDAY, FRIDAY}),
    "fri_sun": frozenset({FRIDAY, SUNDAY}),
    "fri": frozenset({FRIDAY}),
    "sat": frozenset({SATURDAY}),
    "sun": frozenset({SUNDAY}),
}

_FRI_SAT = WEEKEND_PATTERNS["fri_sat"]

#: Countries (ISO 3166-1 alpha-2) whose offices do not close on Saturday and Sunday: the
#: public-sector working week as of 2026. Sources: the ``holidays`` package's weekends
#: (0.109) where they describe the working week, corrected where the package gives the
#: statutory rest day instead (see the module docstring); Libya, Palestine, Somalia and
#: Nepal, which the package leaves on Saturday-Sunday, from published working weeks.
#: Every other country closes on Saturday and Sunday, including Mauritania (since 1 October
#: 2014), the United Arab Emirates (since 1 January 2022), Morocco, Tunisia, Niger, Senegal
#: and Guinea. An office whose week differs (a regional weekend, a partner's premises)
#: sets ``Office.weekend``.
COUNTRY_WEEKENDS: dict[str, frozenset[int]] = {
    # Friday and Saturday: the Gulf, the Mashriq, Egypt, Libya, Algeria, Sudan, Yemen...
    "AF": _FRI_SAT,  # Afghanistan
    "BD": _FRI_SAT,  # Bangladesh
    "BH": _FRI_SAT,  # Bahrain
    "DJ": _FRI_SAT,  # Djibouti (as the holidays package; some sources say Friday only)
    "DZ": _FRI_SAT,  # Algeria (since 2009)
    "EG": _FRI_SAT,  # Egypt
    "IL": _FRI_SAT,  # Israel
    "IQ": _FRI_SAT,  # Iraq
    "JO": _FRI_SAT,  # Jordan
    "KW": _FRI_SAT,  # Kuwait
    "LY": _FRI_SAT,  # Libya
    "MV": _FRI_SAT,  # Maldives
    "OM": _FRI_SAT,  # Oman
    "PS": _FRI_SAT,  # Palestine (public sector)
    "QA": _FRI_SAT,  # Qatar
    "SA": _FRI_SAT,  # Saudi Arabia (since 2013)
    "SD": _FRI_SAT,  # Sudan (since 2008)
    "SY": _FRI_SAT,  # Syria
    "YE": _FRI_SAT,  # Yemen (since 2013)
    # Friday only.
    "IR": frozenset({FRIDAY}),  # Iran
    "SO": frozenset({FRIDAY}),  # Somalia (some offices also close on Thursday)
    # Other patterns.
    "BN": frozenset({FRIDAY, SUNDAY}),  # Brunei
    "NP": frozenset({SATURDAY}),  # Nepal
}

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def weekend_for_country(country: str) -> frozenset[int]:
    """The usual weekend of a country's offices (Saturday and Sunday unless listed)."""
    return COUNTRY_WEEKENDS.get(country.upper(), DEFAULT_WEEKEND)


def weekend_pattern(name: str) -> frozenset[int]:
    """The weekdays of a named weekend pattern (``"fri_sat"``); ValueError if unknown."""
    try:
        return WEEKEND_PATTERNS[name]
    except KeyError:
        raise ValueError(f"unknown weekend pattern {name!r}") from None


def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of a country (ISO 3166-1 alpha-2) in a year, observed days included.

    Cached per (country, year). A country the ``holidays`` package does not know has none
    (its offices then rely on weekends and closures).
    """
    return _public_holidays(country.upper(), year)


@lru_cache(maxsize=2048)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(day for day in found if day.year == year)


@dataclass(frozen=True, slots=True)
class Calendar:
    """The working days of one office: its country's holidays, its weekend, its closures.

    ``country``: ISO 3166-1 alpha-2 code (any case; stored upper case).
    ``weekend``: weekday numbers (Monday 0 ... Sunday 6); ``None`` means the country's usual
    weekend (:func:`weekend_for_country`). At least one day of the week must be a working day.
    ``closed``: extra dates the office is closed (office closures, regional holidays, an
    Islamic holiday observed on another day than the estimated one).

    Build it once per office and reuse it; it is immutable and hashable.
    """

    country: str
    weekend: frozenset[int] | None = None
    closed: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        country = (self.country or "").upper()
        if not _COUNTRY_CODE.match(country):
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code, not {self.country!r}")
        weekend = weekend_for_country(country) if self.weekend is None else frozenset(self.weekend)
        if not weekend <= frozenset(range(7)):
            raise ValueError(f"weekend days must be 0 (Monday) to 6 (Sunday): {sorted(weekend)}")
        if len(weekend) == 7:
            raise ValueError("a calendar needs at least one working weekday")
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "weekend", weekend)
        object.__setattr__(self, "closed", frozenset(_as_date(day) for day in self.closed))


def closed_dates(ranges: Iterable[tuple[date, date]]) -> frozenset[date]:
    """Every day of the given inclusive ``(first, last)`` ranges (office closures)."""
    days: set[date] = set()
    for first, last in ranges:
        day = _as_date(first)
        last = _as_date(last)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def is_working_day(day: date, calendar: Calendar) -> bool:
    """True unless ``day`` is a weekend day, a public holiday or a closed date of the calendar."""
    day = _as_date(day)
    return (
        day.weekday() not in calendar.weekend
        and day not in calendar.closed
        and day not in _public_holidays(calendar.country, day.year)
    )


def add_working_days(day: date, n: int, calendar: Calendar) -> date:
    """The n-th working day after ``day`` (n > 0) or before it (n < 0); ``day`` if n == 0.

    ``day`` itself is never counted: ``add_working_days(friday, 1)`` is the next Monday (on a
    Saturday-Sunday calendar without holidays), and so is ``add_working_days(saturday, 1)``.
    ``add_working_days(departure, -5)`` is the fifth working day before departure.
    The result is always a working day when n != 0.
    """
    day = _as_date(day)
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: Calendar) -> int:
    """The number of working-day steps from ``start`` to ``end`` (negative when end < start).

    ``start <= end``: the working days in ``(start, end]``; ``start > end``: minus the working
    days in ``[end, start)``. So ``working_days_between(d, add_working_days(d, n)) == n``.
    Runs in time proportional to the number of years spanned, not of days.
    """
    start, end = _as_date(start), _as_date(end)
    if start <= end:
        return _working_days_in(start + timedelta(days=1), end, calendar)
    return -_working_days_in(end, start - timedelta(days=1), calendar)


def _working_days_in(first: date, last: date, calendar: Calendar) -> int:
    """The working days in the inclusive range [first, last] (0 when empty)."""
    if first > last:
        return 0
    total = (last - first).days + 1
    weeks, rest = divmod(total, 7)
    weekdays = weeks * (7 - len(calendar.weekend))
    weekdays += sum(
        1 for offset in range(rest) if (first.weekday() + offset) % 7 not in calendar.weekend
    )
    off: set[date] = {day for day in calendar.closed if first <= day <= last}
    for year in range(first.year, last.year + 1):
        off.update(day for day in _public_holidays(calendar.country, year) if first <= day <= last)
    return weekdays - sum(1 for day in off if day.weekday() not in calendar.weekend)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
