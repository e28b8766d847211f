"""The travel deadlines of DOMAIN phases 2 and 3, and their status on a worklist (pure).

Every deadline is a ``date``: the task is on time when done on or before that day (by the
end of the day, in the acting office's local time). Which office's calendar applies is the
caller's choice and is stated per rule below. Datetimes are accepted and their ``.date()``
used as is (convert aware datetimes to the office's local time first, with
``homeward.accounts.clock.office_day``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .working_days import Calendar, add_working_days

#: R-TRV-3: the ABN goes out at the latest this many working days before departure.
ABN_NOTICE_WORKING_DAYS = 5
#: R-TRV-4: the origin office confirms availability within this many working days.
COO_CONFIRMATION_WORKING_DAYS = 1
#: R-TRV-10: departure is confirmed in the system within this many (calendar) days.
DEPARTURE_CONFIRMATION_DAYS = 2


def abn_latest_send_date(departure: date, calendar: Calendar) -> date:
    """R-TRV-3: the last day the Advance Booking Notification may be sent.

    "At the latest 5 working days before departure": the fifth working day before the
    departure day, counted on the *sending* (host) office's calendar; the departure day
    itself never counts. A Monday departure on a Saturday-Sunday calendar without holidays
    gives the Monday before; a Saturday departure gives the Monday of the same week (in both
    cases four full working days lie between sending and departure).
    """
    return add_working_days(departure, -ABN_NOTICE_WORKING_DAYS, calendar)


def coo_confirmation_due(received_at: date, calendar: Calendar) -> date:
    """R-TRV-4: the day by whose end the origin office must confirm its availability.

    "Within 1 working day of receiving the ABN": the end of the next working day after the
    day of receipt, on the *origin* office's calendar, whatever the hour of receipt. An ABN
    received on a Friday afternoon (Saturday-Sunday weekend) is due on Monday; one received
    on a Saturday is due on Monday too.
    """
    return add_working_days(received_at, COO_CONFIRMATION_WORKING_DAYS, calendar)


def departure_confirmation_due(departed_on: date) -> date:
    """R-TRV-10: the day by whose end the departure must be confirmed in the system.

    "Within 2 days of departure" counts *calendar* days: the SOP (3.5.2: "within two
    days") says "working days" wherever it means them (2.4.4 "five working days", 2.4.5
    "one working day") and not here, and a departure is confirmed by the staff who
    accompanied the migrants that day. A departure on Friday is due by the end of Sunday,
    so the confirmation is in practice made on the day of departure or the next.
    """
    if isinstance(departed_on, datetime):
        departed_on = departed_on.date()
    return departed_on + timedelta(days=DEPARTURE_CONFIRMATION_DAYS)


class DeadlineStatus(StrEnum):
    """Where a task with a deadline stands, for worklists."""

    DUE = "due"  # not done; today is on or before the deadline
    OVERDUE = "overdue"  # not done; the deadline has passed
    DONE = "done"  # done on or before the deadline
    LATE = "late"  # done after the deadline (R-TRV-4 flags late confirmations)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in (DeadlineStatus.DUE, DeadlineStatus.OVERDUE)


_STATUS_LABELS = {
    DeadlineStatus.DUE: _("due"),
    DeadlineStatus.OVERDUE: _("overdue"),
    DeadlineStatus.DONE: _("done"),
    DeadlineStatus.LATE: _("done late"),
}


def deadline_status(due: date, *, today: date, done_on: date | None = None) -> DeadlineStatus:
    """The status of a task due by the end of ``due``.

    Not done (``done_on`` is None): DUE until the end of ``due``, OVERDUE from the next
    day. Done: DONE if ``done_on <= due``, else LATE. ``today`` is the acting office's
    current local date (``homeward.accounts.clock.office_today(office)``, not the server's
    ``timezone.localdate()``); it is ignored once done.
    """
    due = _as_date(due)
    if done_on is not None:
        return DeadlineStatus.DONE if _as_date(done_on) <= due else DeadlineStatus.LATE
    return DeadlineStatus.DUE if _as_date(today) <= due else DeadlineStatus.OVERDUE


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
