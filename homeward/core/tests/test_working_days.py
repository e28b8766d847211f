"""Working-day calendars: weekends, real public holidays, closures and the step conventions."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.core.working_days import (
    COUNTRY_WEEKENDS,
    DEFAULT_WEEKEND,
    WEEKEND_PATTERNS,
    Calendar,
    add_working_days,
    closed_dates,
    is_working_day,
    public_holidays,
    weekend_for_country,
    weekend_pattern,
    working_days_between,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- public holidays (the holidays package, checked against known dates) -------------------


@pytest.mark.parametrize(
    ("country", "day", "what"),
    [
        ("SN", "2025-04-04", "Senegal: Independence Day"),
        ("SN", "2026-05-27", "Senegal: Tabaski (estimated)"),
        ("NE", "2026-04-24", "Niger: Concord Day"),
        ("NE", "2026-12-18", "Niger: Republic Day"),
        ("NE", "2026-07-27", "Niger: 26 July anniversary, a Sunday, observed on Monday"),
        ("MA", "2026-07-30", "Morocco: Throne Day"),
        ("MA", "2026-11-06", "Morocco: Green March"),
        ("DE", "2025-10-03", "Germany: German Unity Day"),
        ("DE", "2026-12-25", "Germany: Christmas Day"),
        ("DE", "2026-12-26", "Germany: Boxing Day"),
        ("GN", "2026-10-02", "Guinea: Independence Day"),
    ],
)
def test_public_holidays_are_not_working_days(country, day, what):
    assert d(day) in public_holidays(country, d(day).year), what
    assert not is_working_day(d(day), Calendar(country))


def test_holidays_belong_to_their_country():
    # Christmas is a holiday in Niger and Germany, not in Morocco; Throne Day only in Morocco.
    christmas = d("2026-12-25")  # a Friday
    assert not is_working_day(christmas, Calendar("NE"))
    assert not is_working_day(christmas, Calendar("DE"))
    assert is_working_day(christmas, Calendar("MA"))
    assert is_working_day(d("2026-07-30"), Calendar("DE"))


def test_public_holidays_are_cached_and_per_year():
    assert public_holidays("sn", 2026) is public_holidays("SN", 2026)
    assert all(day.year == 2026 for day in public_holidays("DE", 2026))
    assert public_holidays("DE", 2026) != public_holidays("DE", 2027)


# --- weekends ------------------------------------------------------------------------------


def test_default_weekend_is_saturday_and_sunday():
    cal = Calendar("SN")
    assert cal.weekend == DEFAULT_WEEKEND == {SAT, SUN}
    assert not is_working_day(d("2026-03-07"), cal)  # Saturday
    assert not is_working_day(d("2026-03-08"), cal)  # Sunday
    assert is_working_day(d("2026-03-06"), cal)  # Friday


def test_friday_saturday_weekend_countries():
    cal = Calendar("EG")
    assert cal.weekend == {FRI, SAT}
    assert not is_working_day(d("2026-02-13"), cal)  # Friday
    assert not is_working_day(d("2026-02-14"), cal)  # Saturday
    assert is_working_day(d("2026-02-15"), cal)  # Sunday
    for country in ("SA", "KW", "QA", "OM", "BH", "DZ", "LY", "SD", "JO", "IQ", "YE"):
        assert weekend_for_country(country) == {FRI, SAT}, country


def test_friday_only_weekend():
    cal = Calendar("IR")
    assert cal.weekend == {FRI}
    assert not is_working_day(d("2026-02-13"), cal)  # Friday
    assert is_working_day(d("2026-02-14"), cal)  # Saturday
    assert is_working_day(d("2026-02-15"), cal)  # Sunday
    assert add_working_days(d("2026-02-12"), 1, cal) == d("2026-02-14")  # Thu → Sat


def test_table_corrects_the_package_rest_days():
    # The holidays package gives Niger a Sunday-only rest day and Mauritania Friday-Saturday;
    # their offices work Monday to Friday.
    assert weekend_for_country("NE") == {SAT, SUN}
    assert not is_working_day(d("2026-03-07"), Calendar("NE"))  # Saturday
    assert weekend_for_country("MR") == {SAT, SUN}
    assert is_working_day(d("2026-03-06"), Calendar("MR"))  # Friday
    assert weekend_for_country("AE") == {SAT, SUN}


def test_country_weekend_table_is_well_formed():
    for country, weekend in COUNTRY_WEEKENDS.items():
        assert len(country) == 2 and country.isupper()
        assert weekend in WEEKEND_PATTERNS.values(), country
        assert weekend != DEFAULT_WEEKEND, f"{country} need not be listed"


def test_office_weekend_override():
    cal = Calendar("MA", weekend=weekend_pattern("fri_sat"))
    assert not is_working_day(d("2026-03-06"), cal)  # Friday
    assert is_working_day(d("2026-03-08"), cal)  # Sunday
    with pytest.raises(ValueError):
        weekend_pattern("mon_tue")


# --- the Calendar value object -------------------------------------------------------------


def test_calendar_normalises_and_validates():
    cal = Calendar("sn", closed=[datetime(2026, 3, 2, 15, 0)])
    assert cal.country == "SN"
    assert cal.closed == {d("2026-03-02")}
    assert cal == Calendar("SN", weekend={SAT, SUN}, closed={d("2026-03-02")})
    assert hash(cal) == hash(Calendar("SN", closed=frozenset({d("2026-03-02")})))
    with pytest.raises(ValueError):
        Calendar("SEN")
    with pytest.raises(ValueError):
        Calendar("")
    with pytest.raises(ValueError):
        Calendar("SN", weekend=range(7))
    with pytest.raises(ValueError):
        Calendar("SN", weekend={7})


def test_unknown_country_has_no_public_holidays():
    assert public_holidays("XX", 2026) == frozenset()
    assert is_working_day(d("2026-12-25"), Calendar("XX"))


def test_closed_dates_expand_inclusive_ranges():
    ranges = [(d("2026-03-30"), d("2026-04-01")), (d("2026-05-05"), d("2026-05-05"))]
    assert closed_dates(ranges) == {
        d("2026-03-30"),
        d("2026-03-31"),
        d("2026-04-01"),
        d("2026-05-05"),
    }
    assert closed_dates([]) == frozenset()


def test_office_closures_are_not_working_days():
    cal = Calendar("SN", closed=closed_dates([(d("2026-03-02"), d("2026-03-04"))]))
    assert not is_working_day(d("2026-03-03"), cal)
    assert add_working_days(d("2026-02-27"), 1, cal) == d("2026-03-05")  # Fri → Thu
    assert working_days_between(d("2026-02-27"), d("2026-03-06"), cal) == 2


# --- add_working_days and working_days_between ---------------------------------------------


def test_add_working_days_skips_weekends_both_ways():
    cal = Calendar("SN")
    friday, saturday, monday = d("2026-03-06"), d("2026-03-07"), d("2026-03-09")
    assert add_working_days(friday, 1, cal) == monday
    assert add_working_days(saturday, 1, cal) == monday
    assert add_working_days(monday, -1, cal) == friday
    assert add_working_days(saturday, -1, cal) == friday
    assert add_working_days(monday, 5, cal) == d("2026-03-16")
    assert add_working_days(monday, -5, cal) == d("2026-03-02")


def test_zero_offset_returns_the_day_itself():
    cal = Calendar("SN")
    assert add_working_days(d("2026-03-07"), 0, cal) == d("2026-03-07")  # even a Saturday
    assert working_days_between(d("2026-03-07"), d("2026-03-07"), cal) == 0


def test_datetimes_are_taken_by_their_date():
    cal = Calendar("SN")
    assert add_working_days(datetime(2026, 3, 6, 23, 59), 1, cal) == d("2026-03-09")
    assert not is_working_day(datetime(2025, 4, 4, 9, 0), cal)


def test_working_days_between_counts_steps():
    cal = Calendar("SN")
    monday, next_monday = d("2026-03-02"), d("2026-03-09")
    assert working_days_between(monday, next_monday, cal) == 5
    assert working_days_between(next_monday, monday, cal) == -5
    assert working_days_between(d("2026-03-06"), d("2026-03-08"), cal) == 0  # Fri → Sun
    assert working_days_between(d("2026-03-06"), d("2026-03-09"), cal) == 1  # Fri → Mon


def test_year_boundary_counts_both_years_holidays():
    # Niger, 24 Dec 2026 (Thu) → 4 Jan 2027 (Mon): Christmas (Fri) and New Year (Fri) skipped.
    cal = Calendar("NE")
    assert add_working_days(d("2026-12-24"), 5, cal) == d("2027-01-04")
    assert working_days_between(d("2026-12-24"), d("2027-01-04"), cal) == 5
    assert add_working_days(d("2027-01-04"), -5, cal) == d("2026-12-24")


def test_long_ranges_match_the_day_by_day_count():
    cal = Calendar("MA", closed={d("2026-07-01"), d("2027-02-13")})  # a Wednesday, a Saturday
    start, end = d("2024-11-15"), d("2028-02-29")
    assert working_days_between(start, end, cal) == _naive_between(start, end, cal)


# --- properties ----------------------------------------------------------------------------

COUNTRIES = ("SN", "NE", "MA", "DE", "GN", "EG", "SA", "IR", "MR", "FR")
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31))


@st.composite
def calendars(draw):
    country = draw(st.sampled_from(COUNTRIES))
    weekend = draw(st.one_of(st.none(), st.sampled_from(sorted(WEEKEND_PATTERNS))))
    closed = draw(st.frozensets(days, max_size=20))
    return Calendar(
        country, weekend=None if weekend is None else WEEKEND_PATTERNS[weekend], closed=closed
    )


def _naive_between(start, end, cal):
    sign, (low, high) = (1, (start, end)) if start <= end else (-1, (end, start))
    count, day = 0, low
    while day < high:
        # (start, end] going forward, [end, start) going back.
        probe = day + timedelta(days=1) if sign == 1 else day
        count += is_working_day(probe, cal)
        day += timedelta(days=1)
    return sign * count


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(-40, 40).filter(bool), cal=calendars())
def test_property_result_is_a_working_day_on_the_right_side(day, n, cal):
    result = add_working_days(day, n, cal)
    assert is_working_day(result, cal)
    assert (result > day) if n > 0 else (result < day)


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(-40, 40), cal=calendars())
def test_property_between_inverts_add(day, n, cal):
    assert working_days_between(day, add_working_days(day, n, cal), cal) == n


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(-40, 40), cal=calendars())
def test_property_add_is_strictly_increasing_in_n(day, n, cal):
    # Holds through n == 0 too: add(day, -1) < day == add(day, 0) < add(day, 1).
    assert add_working_days(day, n, cal) < add_working_days(day, n + 1, cal)


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(-40, 40), cal=calendars())
def test_property_add_then_subtract_returns_to_a_working_day(day, n, cal):
    start = add_working_days(day, 1, cal)  # a working day
    assert add_working_days(add_working_days(start, n, cal), -n, cal) == start


@settings(max_examples=200, deadline=None)
@given(start=days, end=days, cal=calendars())
def test_property_between_matches_the_day_by_day_count(start, end, cal):
    assert working_days_between(start, end, cal) == _naive_between(start, end, cal)
