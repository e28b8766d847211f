"""Office-local dates in phases 2–3: "today", departure days and deadlines are read in the
acting office's time zone, not the server's (UTC). Niamey (host) is at UTC+1 all year,
Dakar (origin) at UTC+0: at 23:30 UTC Niamey is already on the next day."""

import datetime

import pytest
from django.utils import timezone

from homeward.core.deadlines import DeadlineStatus
from homeward.core.errors import ValidationFailed
from homeward.movements import selectors, services
from homeward.movements.models import Movement, MovementStatus

from .travel import book, confirm_abn, discuss, ready_case, ticket

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(monkeypatch, *args):
    moment = datetime.datetime(*args, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def movement_at(world, moment: datetime.datetime) -> Movement:
    return Movement.objects.create(
        host_office=world.niamey,
        origin_office=world.dakar,
        means="flight",
        departs_at=moment,
        departure_place="Niamey",
        arrival_place="Dakar",
        luggage_allowance="23 kg",
        created_by=world.user("movement_officer"),
    )


def test_departure_day_is_the_host_offices(world):
    # 23:15 UTC on Monday 7 December 2026 is 00:15 on Tuesday 8 in Niamey.
    mv = movement_at(world, datetime.datetime(2026, 12, 7, 23, 15, tzinfo=UTC))
    assert services.departure_day(mv) == datetime.date(2026, 12, 8)


def test_r_trv_10_departure_confirmed_on_the_host_offices_day(world, monkeypatch):
    """A flight leaving Niamey at 00:15 local time is confirmed at 00:30 local (23:30 UTC the
    day before): the departure day is Niamey's, not yet the server's."""
    at(monkeypatch, 2026, 12, 1, 9)
    mv = movement_at(world, datetime.datetime(2026, 12, 7, 23, 15, tzinfo=UTC))
    booking = book(world, mv, ready_case(world))
    confirm_abn(world, mv)
    ticket(world, booking)
    discuss(world, booking, held_on=datetime.date(2026, 12, 1))
    at(monkeypatch, 2026, 12, 7, 23, 30)
    officer = world.user("movement_officer")
    with pytest.raises(ValidationFailed):  # the 9th is still in the future in Niamey
        services.movement_confirm_departure(
            actor=officer, movement_id=mv.pk, departed_on=datetime.date(2026, 12, 9)
        )
    mv = services.movement_confirm_departure(
        actor=officer, movement_id=mv.pk, departed_on=datetime.date(2026, 12, 8)
    )
    assert mv.status == MovementStatus.DEPARTED
    assert mv.departed_on == datetime.date(2026, 12, 8)
    assert mv.departure_confirmed_late is False


def test_r_trv_10_late_confirmation_counted_on_the_host_offices_day(world, monkeypatch):
    """Due by the end of the 10th in Niamey: 23:30 UTC on the 10th is already the 11th."""
    at(monkeypatch, 2026, 12, 1, 9)
    mv = movement_at(world, datetime.datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    booking = book(world, mv, ready_case(world))
    confirm_abn(world, mv)
    ticket(world, booking)
    discuss(world, booking, held_on=datetime.date(2026, 12, 1))
    at(monkeypatch, 2026, 12, 10, 23, 30)
    items = selectors.worklist_for(world.user("movement_officer"))
    departure = next(i for i in items if i.kind == "confirm_departure")
    assert departure.due == datetime.date(2026, 12, 10)
    assert departure.status == DeadlineStatus.OVERDUE
    mv = services.movement_confirm_departure(
        actor=world.user("movement_officer"),
        movement_id=mv.pk,
        departed_on=datetime.date(2026, 12, 8),
    )
    assert mv.departure_confirmed_late is True


def test_r_trv_3_abn_sent_late_on_the_host_offices_day(world, monkeypatch):
    """The ABN of a Thursday 24 December departure is due Wednesday 16 (R-TRV-3): sent at
    23:30 UTC on the 16th it is already the 17th in Niamey, hence late."""
    mv = movement_at(world, datetime.datetime(2026, 12, 24, 10, tzinfo=UTC))
    at(monkeypatch, 2026, 12, 16, 23, 30)
    book(world, mv, ready_case(world))
    abn = services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)
    assert abn.send_due == datetime.date(2026, 12, 16)
    assert abn.sent_late is True


def test_r_trv_4_receipt_and_answer_on_the_origin_offices_day(world, monkeypatch):
    """Received at 23:30 UTC on Monday 7 December: still Monday in Dakar (UTC+0), due
    Tuesday; an origin office keeping Berlin time (UTC+1 in winter) received it on
    Tuesday, due Wednesday, and its answer at 23:30 UTC on Wednesday is late."""
    mv = movement_at(world, datetime.datetime(2026, 12, 24, 10, tzinfo=UTC))
    at(monkeypatch, 2026, 12, 7, 23, 30)
    book(world, mv, ready_case(world))
    abn = services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)
    assert abn.confirmation_due == datetime.date(2026, 12, 8)

    world.dakar.time_zone = "Europe/Berlin"
    world.dakar.save()
    abn = services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)
    assert abn.confirmation_due == datetime.date(2026, 12, 9)
    at(monkeypatch, 2026, 12, 9, 23, 30)
    inbox = {
        row.abn.pk: row for row in selectors.abn_inbox_for(world.user("reception_officer", "dakar"))
    }
    assert inbox[abn.pk].status == DeadlineStatus.OVERDUE
    answered = services.abn_respond(
        actor=world.user("reception_officer", "dakar"),
        abn_id=abn.pk,
        version=abn.version,
        confirm=True,
    )
    assert answered.responded_late is True


def test_r_trv_8_final_discussion_today_in_niamey_is_not_in_the_future(world, monkeypatch):
    at(monkeypatch, 2026, 12, 1, 9)
    mv = movement_at(world, datetime.datetime(2026, 12, 20, 10, tzinfo=UTC))
    booking = book(world, mv, ready_case(world))
    at(monkeypatch, 2026, 12, 7, 23, 30)  # the 8th in Niamey
    discussion = services.final_discussion_record(
        actor=world.user("movement_officer"),
        booking_id=booking.pk,
        held_on=datetime.date(2026, 12, 8),
        travel_details_confirmed=True,
        reintegration_reviewed=True,
        contacts_given=True,
    )
    assert discussion.held_on == datetime.date(2026, 12, 8)
    with pytest.raises(ValidationFailed):
        services.final_discussion_record(
            actor=world.user("movement_officer"),
            booking_id=booking.pk,
            held_on=datetime.date(2026, 12, 9),
            travel_details_confirmed=True,
            reintegration_reviewed=True,
            contacts_given=True,
        )


def test_r_trv_7_migrant_told_today_in_niamey(world, monkeypatch):
    at(monkeypatch, 2026, 12, 7, 23, 30)  # booked on the 8th in Niamey
    mv = movement_at(world, datetime.datetime(2026, 12, 20, 10, tzinfo=UTC))
    booking = book(world, mv, ready_case(world))
    with pytest.raises(ValidationFailed):  # the 7th is before the booking in Niamey
        services.booking_record_informed(
            actor=world.user("movement_officer"),
            booking_id=booking.pk,
            informed_on=datetime.date(2026, 12, 7),
        )
    booking = services.booking_record_informed(
        actor=world.user("movement_officer"),
        booking_id=booking.pk,
        informed_on=datetime.date(2026, 12, 8),
    )
    assert booking.informed_on == datetime.date(2026, 12, 8)
