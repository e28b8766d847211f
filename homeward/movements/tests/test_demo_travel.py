"""The demo's travel: a case it takes to departed leaves and is confirmed the same day."""

import datetime

import time_machine
from django.utils import timezone

from homeward.accounts.clock import office_day, office_today
from homeward.cases.models import Phase
from homeward.movements.demo_travel import book_for_demo, depart_for_demo
from homeward.movements.models import Movement, MovementStatus

from .travel import ready_case


def _book_and_depart(world):
    case = book_for_demo(
        officer=world.user("movement_officer", "niamey"),
        confirmer=world.user("reception_officer", "dakar"),
        case=ready_case(world),
        departs_soon=True,
    )
    assert case.phase == Phase.TRAVEL_BOOKED
    return depart_for_demo(officer=world.user("movement_officer", "niamey"), case=case)


def test_r_trv_10_demo_departure_is_confirmed_on_its_planned_day(world):
    booked_at = timezone.now()
    case = _book_and_depart(world)
    movement = Movement.objects.get(bookings__case=case)
    assert case.phase == Phase.DEPARTED
    assert movement.status == MovementStatus.DEPARTED
    assert booked_at < movement.departs_at <= booked_at + datetime.timedelta(minutes=1, seconds=5)
    assert movement.departed_on == office_today(world.niamey)


def test_r_trv_10_demo_departure_seeded_in_the_last_minute_of_the_offices_day(world):
    # 23:59:30 in Niamey (UTC+1): a departure "in a minute" would be planned for tomorrow,
    # and R-TRV-10 refuses to confirm it today.
    late = timezone.now().replace(hour=22, minute=59, second=30, microsecond=0)
    with time_machine.travel(late, tick=True):
        today = office_today(world.niamey)
        case = _book_and_depart(world)
        movement = Movement.objects.get(bookings__case=case)
        assert case.phase == Phase.DEPARTED
        assert office_day(world.niamey, movement.departs_at) == today
        assert movement.departed_on == today
        assert movement.departs_at > late
