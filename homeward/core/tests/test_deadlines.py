"""R-TRV-3, R-TRV-4 and R-TRV-10 deadlines on real national calendars, and worklist status."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.core.deadlines import (
    DeadlineStatus,
    abn_latest_send_date,
    coo_confirmation_due,
    deadline_status,
    departure_confirmation_due,
)
from homeward.core.working_days import (
    Calendar,
    closed_dates,
    is_working_day,
    weekend_pattern,
    working_days_between,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- R-TRV-3: ABN at the latest 5 working days before departure (sending office) ------------


def test_r_trv_3_plain_week_gives_the_same_weekday_a_week_earlier():
    # Monday 9 March 2026, Senegal: no holiday that fortnight.
    assert abn_latest_send_date(d("2026-03-09"), Calendar("SN")) == d("2026-03-02")


def test_r_trv_3_saturday_departure_gives_monday_of_the_same_week():
    assert abn_latest_send_date(d("2026-03-14"), Calendar("SN")) == d("2026-03-09")


def test_r_trv_3_skips_tabaski_in_senegal():
    # Departure Wed 3 June 2026; Tabaski (estimated) Wed 27 May is not a working day.
    assert abn_latest_send_date(d("2026-06-03"), Calendar("SN")) == d("2026-05-26")


def test_r_trv_3_skips_throne_day_and_green_march_in_morocco():
    rabat = Calendar("MA")
    # Thu 6 Aug 2026: Throne Day, Thu 30 July, is skipped.
    assert abn_latest_send_date(d("2026-08-06"), rabat) == d("2026-07-29")
    # Fri 13 Nov 2026: Green March, Fri 6 Nov, is skipped.
    assert abn_latest_send_date(d("2026-11-13"), rabat) == d("2026-11-05")


def test_r_trv_3_skips_nigers_holidays():
    niamey = Calendar("NE")
    # Tue 28 Apr 2026: Concord Day, Fri 24 April, is skipped.
    assert abn_latest_send_date(d("2026-04-28"), niamey) == d("2026-04-20")
    # Tue 22 Dec 2026: Republic Day, Fri 18 December, is skipped.
    assert abn_latest_send_date(d("2026-12-22"), niamey) == d("2026-12-14")


def test_r_trv_3_year_boundary_departure_on_2_january_2027():
    # Sat 2 Jan 2027: New Year's Day (Fri) and, where a holiday, Christmas (Fri 25 Dec) skipped.
    departure = d("2027-01-02")
    assert abn_latest_send_date(departure, Calendar("NE")) == d("2026-12-24")
    assert abn_latest_send_date(departure, Calendar("DE")) == d("2026-12-24")
    # Christmas is a working day in Morocco.
    assert abn_latest_send_date(departure, Calendar("MA")) == d("2026-12-25")


def test_r_trv_3_german_unity_day():
    # Wed 8 Oct 2025: German Unity Day, Fri 3 October, is skipped.
    assert abn_latest_send_date(d("2025-10-08"), Calendar("DE")) == d("2025-09-30")


def test_r_trv_3_friday_saturday_weekend():
    # Egypt, Sunday 15 Feb 2026: Thu, Wed, Tue, Mon, Sun → Sunday 8 February.
    assert abn_latest_send_date(d("2026-02-15"), Calendar("EG")) == d("2026-02-08")
    # A Moroccan office that works Sunday to Thursday gets the same answer.
    sun_thu = Calendar("MA", weekend=weekend_pattern("fri_sat"))
    assert abn_latest_send_date(d("2026-02-15"), sun_thu) == d("2026-02-08")


def test_r_trv_3_office_closure_moves_the_date_earlier():
    retreat = closed_dates([(d("2026-03-03"), d("2026-03-04"))])
    assert abn_latest_send_date(d("2026-03-09"), Calendar("SN", closed=retreat)) == d("2026-02-26")


def test_r_trv_3_uses_the_sending_office_calendar():
    # Same departure, different host countries: Green March (Fri 6 Nov 2026) is a working
    # day in Niamey, not in Rabat.
    departure = d("2026-11-13")
    assert abn_latest_send_date(departure, Calendar("NE")) == d("2026-11-06")
    assert abn_latest_send_date(departure, Calendar("MA")) == d("2026-11-05")


def test_r_trv_3_on_time_iff_sent_on_or_before_the_latest_date():
    cal = Calendar("SN")
    latest = abn_latest_send_date(d("2026-03-09"), cal)
    assert deadline_status(latest, today=d("2026-03-01"), done_on=d("2026-03-02")) == "done"
    assert deadline_status(latest, today=d("2026-03-05"), done_on=d("2026-03-03")) == "late"
    assert deadline_status(latest, today=d("2026-03-02")) == "due"
    assert deadline_status(latest, today=d("2026-03-03")) == "overdue"


@settings(max_examples=150, deadline=None)
@given(
    departure=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    country=st.sampled_from(["SN", "NE", "MA", "DE", "GN", "EG"]),
)
def test_r_trv_3_property_five_working_days_precede_departure(departure, country):
    cal = Calendar(country)
    latest = abn_latest_send_date(departure, cal)
    assert is_working_day(latest, cal)
    # Exactly four working days lie strictly between the latest send date and departure.
    between = working_days_between(latest, departure, cal) - is_working_day(departure, cal)
    assert between == 4


# --- R-TRV-4: origin office confirms within 1 working day of receipt (origin office) --------


def test_r_trv_4_received_monday_due_tuesday():
    assert coo_confirmation_due(d("2026-03-02"), Calendar("SN")) == d("2026-03-03")


def test_r_trv_4_received_friday_or_at_the_weekend_due_monday():
    dakar = Calendar("SN")
    assert coo_confirmation_due(datetime(2026, 3, 6, 17, 45), dakar) == d("2026-03-09")
    assert coo_confirmation_due(d("2026-03-07"), dakar) == d("2026-03-09")
    assert coo_confirmation_due(d("2026-03-08"), dakar) == d("2026-03-09")


def test_r_trv_4_skips_senegal_independence_day():
    # Thu 3 Apr 2025: Independence Day, Fri 4 April, is skipped.
    assert coo_confirmation_due(d("2025-04-03"), Calendar("SN")) == d("2025-04-07")
    # Fri 3 Apr 2026: weekend (4 April is a Saturday), then Easter Monday 6 April.
    assert coo_confirmation_due(d("2026-04-03"), Calendar("SN")) == d("2026-04-07")


def test_r_trv_4_skips_an_observed_holiday_in_niger():
    # Fri 24 July 2026: the 26 July anniversary falls on Sunday and is observed on Monday.
    assert coo_confirmation_due(d("2026-07-24"), Calendar("NE")) == d("2026-07-28")


def test_r_trv_4_skips_german_unity_day():
    assert coo_confirmation_due(d("2025-10-02"), Calendar("DE")) == d("2025-10-06")


def test_r_trv_4_friday_saturday_weekend():
    # Saudi Arabia: received Thursday 12 Feb 2026, due Sunday 15 February.
    assert coo_confirmation_due(d("2026-02-12"), Calendar("SA")) == d("2026-02-15")


def test_r_trv_4_across_the_year_boundary():
    # Thu 31 Dec 2026 in Conakry: New Year's Day (Fri), then the weekend.
    assert coo_confirmation_due(d("2026-12-31"), Calendar("GN")) == d("2027-01-04")


def test_r_trv_4_office_closure():
    cal = Calendar("SN", closed={d("2026-03-03")})
    assert coo_confirmation_due(d("2026-03-02"), cal) == d("2026-03-04")


def test_r_trv_4_late_confirmation_is_flagged():
    due = coo_confirmation_due(d("2026-03-06"), Calendar("SN"))  # due Monday 9 March
    assert deadline_status(due, today=d("2026-03-09"), done_on=d("2026-03-09")) == "done"
    assert deadline_status(due, today=d("2026-03-10"), done_on=d("2026-03-10")) == "late"
    assert deadline_status(due, today=d("2026-03-10")) is DeadlineStatus.OVERDUE


# --- R-TRV-10: departure confirmed within 2 (calendar) days ---------------------------------


@pytest.mark.parametrize(
    ("departed", "due"),
    [
        ("2026-03-04", "2026-03-06"),  # Wednesday → Friday
        ("2026-03-06", "2026-03-08"),  # Friday → Sunday: calendar days, weekend included
        ("2026-12-30", "2027-01-01"),  # across the year, New Year's Day included
        ("2028-02-28", "2028-03-01"),  # leap year
    ],
)
def test_r_trv_10_due_two_calendar_days_after_departure(departed, due):
    assert departure_confirmation_due(d(departed)) == d(due)


def test_r_trv_10_accepts_a_datetime():
    assert departure_confirmation_due(datetime(2026, 3, 4, 23, 30)) == d("2026-03-06")


def test_r_trv_10_status():
    due = departure_confirmation_due(d("2026-03-06"))
    assert deadline_status(due, today=d("2026-03-08")) == "due"
    assert deadline_status(due, today=d("2026-03-09")) == "overdue"
    assert deadline_status(due, today=d("2026-03-09"), done_on=d("2026-03-07")) == "done"


# --- deadline status ------------------------------------------------------------------------


def test_deadline_status_labels_and_open_flag():
    assert DeadlineStatus.DUE.is_open and DeadlineStatus.OVERDUE.is_open
    assert not DeadlineStatus.DONE.is_open and not DeadlineStatus.LATE.is_open
    assert str(DeadlineStatus.LATE.label) == "done late"
    assert deadline_status(d("2026-03-06"), today=datetime(2026, 3, 6, 23, 59)) == "due"
