"""Pages of rebooking, lifting a suspension and the final discussion before departure."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from homeward.movements.models import Booking, BookingStatus, Suspension
from homeward.movements.services import suspension_create

from .travel import TODAY, book, booked_case, discuss, movement, ready_case

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_booking_page_rebooks_onto_another_movement(world, client):
    login(client, world.user("movement_officer"))
    old = booked_case(world, movement(world, days=10))
    later = movement(world, days=20)
    url = reverse("web:movement_booking", args=[old.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Rebook onto another movement" in page.content
    assert str(later.pk).encode() in page.content  # offered as a target
    refused = client.post(
        url, {"form": "rebook", "version": old.version, "movement": later.pk, "reason": ""}
    )
    assert refused.status_code == 400 and b"field--error" in refused.content
    stale = client.post(
        url,
        {"form": "rebook", "version": old.version - 1, "movement": later.pk, "reason": "Missed"},
    )
    assert stale.status_code == 409
    answer = client.post(
        url, {"form": "rebook", "version": old.version, "movement": later.pk, "reason": "Missed"}
    )
    new = Booking.objects.get(case=old.case, status=BookingStatus.BOOKED)
    assert answer.status_code == 302
    assert answer.url == reverse("web:movement_booking", args=[new.pk])
    page = client.get(answer.url)
    assert b'id="rebooked-from"' in page.content and b"R-TRV-7" in page.content
    assert b"The ticket cannot be issued yet" in page.content  # R-TRV-2 on the new movement
    old_page = client.get(url)
    assert b'id="cancelled"' in old_page.content and b"Missed" in old_page.content
    board = client.get(reverse("web:movement_board", args=[later.pk]))
    assert b'data-rebooked="yes"' in board.content and b"new ticket needed" in board.content


def test_booking_page_without_another_movement_says_to_plan_one(world, client):
    login(client, world.user("movement_officer"))
    booking = book(world, movement(world), ready_case(world))
    page = client.get(reverse("web:movement_booking", args=[booking.pk]))
    assert b"plan one first" in page.content


def test_r_trv_8_board_lists_cases_without_final_discussion(world, client):
    login(client, world.user("movement_officer"))
    mv = movement(world)
    booking = booked_case(world, mv)
    mv.refresh_from_db()
    mv.departs_at = timezone.now() - datetime.timedelta(hours=1)
    mv.save(update_fields=["departs_at"])
    url = reverse("web:movement_board", args=[mv.pk])
    page = client.get(url)
    assert b'id="departure-blockers"' in page.content
    assert booking.case.reference.encode() in page.content
    assert b'data-final-discussion="no"' in page.content and b'data-ready="no"' in page.content
    answer = client.post(url, {"form": "departure", "departed_on": TODAY.isoformat()})
    assert answer.status_code == 409 and b"R-TRV-8" in answer.content
    discuss(world, booking)
    page = client.get(url)
    assert b'id="departure-blockers"' not in page.content and b'data-ready="yes"' in page.content
    answer = client.post(url, {"form": "departure", "departed_on": TODAY.isoformat()})
    assert answer.status_code == 302


def test_r_sus_1_suspensions_page_lifts_a_suspension(world, client):
    manager = world.user("programme_manager")
    suspension = suspension_create(actor=manager, country_id="SN", starts_on=TODAY, reason="Floods")
    login(client, manager)
    url = reverse("web:movement_suspensions")
    page = client.get(url)
    assert page.status_code == 200 and b"Lift the suspension" in page.content
    prefix = f"lift-{suspension.pk}"
    refused = client.post(
        url,
        {
            "form": prefix,
            f"{prefix}-version": suspension.version,
            f"{prefix}-lifted_on": TODAY.isoformat(),
            f"{prefix}-reason": "",
        },
    )
    assert refused.status_code == 400
    answer = client.post(
        url,
        {
            "form": prefix,
            f"{prefix}-version": suspension.version,
            f"{prefix}-lifted_on": TODAY.isoformat(),
            f"{prefix}-reason": "Roads open again",
        },
    )
    assert answer.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.is_lifted and suspension.lift_reason == "Roads open again"
    page = client.get(url)
    assert b"Returns accepted again from" in page.content
    assert b"Lift the suspension" not in page.content
