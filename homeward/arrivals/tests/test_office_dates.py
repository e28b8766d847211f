"""Office-local dates of phase 4: pocket money is paid on the origin office's day and a
child's age is read on that day, not on the server's (UTC). The Dakar office of the test
world is set to UTC+1 (Africa/Lagos): at 23:30 UTC it is already the next day there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.arrivals.handover import is_child
from homeward.arrivals.services import pocket_money_record
from homeward.cases.models import Phase
from homeward.core.errors import ValidationFailed

from .conftest import paid

pytestmark = pytest.mark.django_db

LATE_EVENING_UTC = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC)
OFFICE_TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def dakar_ahead(world, monkeypatch):
    world.dakar.time_zone = "Africa/Lagos"
    world.dakar.save()
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    return world


def test_r_arr_4_paid_on_defaults_to_and_may_be_the_origin_offices_day(dakar_ahead, senegal_rate):
    world = dakar_ahead
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    first, second = world.case(phase=Phase.ARRIVED), world.case(phase=Phase.ARRIVED)
    assert pocket_money_record(actor=actor, case_id=first.pk, data=paid()).paid_on == OFFICE_TODAY
    payment = pocket_money_record(
        actor=actor, case_id=second.pk, data=paid(paid_on=OFFICE_TODAY.isoformat())
    )
    assert payment.paid_on == OFFICE_TODAY  # the server's day is still the 9th


def test_r_arr_4_a_day_after_the_origin_offices_is_in_the_future(dakar_ahead, senegal_rate):
    world = dakar_ahead
    case = world.case(phase=Phase.ARRIVED)
    tomorrow = (OFFICE_TODAY + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(
            actor=world.user(Role.RECEPTION_OFFICER, "dakar"),
            case_id=case.pk,
            data=paid(paid_on=tomorrow),
        )
    assert "paid_on" in exc.value.field_errors


def test_r_arr_4_pocket_money_form_is_prefilled_with_the_origin_offices_day(
    client, dakar_ahead, senegal_rate
):
    world = dakar_ahead
    case = world.case(phase=Phase.ARRIVED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    page = client.get(reverse("web:case_pocket_money", args=[case.reference]))
    assert 'value="2026-03-10"' in page.content.decode()


def test_r_arr_6_a_child_turns_eighteen_on_the_origin_offices_day(dakar_ahead):
    world = dakar_ahead
    case = world.case(phase=Phase.ARRIVED)
    case.person.date_of_birth = datetime.date(2008, 3, 10)
    case.person.save()
    assert not is_child(case)  # 18 today in Dakar, though still the 9th on the server
    world.dakar.time_zone = "UTC"
    world.dakar.save()
    case.origin_office.refresh_from_db()
    assert is_child(case)


def test_r_arr_5_arrival_page_reads_times_on_the_origin_offices_clock(client, world):
    """At an origin office at UTC+1, the arrival time typed on its clock now is now, not an
    hour ahead (which 'cannot be in the future' would refuse); the plan's time is shown on
    that clock too."""
    from zoneinfo import ZoneInfo

    from homeward.arrivals.models import ArrivalRecord, ReceptionPlan

    world.dakar.time_zone = "Africa/Lagos"
    world.dakar.save()
    case = world.case(phase=Phase.DEPARTED)
    ReceptionPlan.objects.create(
        case=case,
        reasons=["host_request"],
        place_kind="airport",
        place="DSS",
        expected_at=datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC),
        planned_by=world.user(Role.RECEPTION_OFFICER, "dakar"),
    )
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_arrival", args=[case.reference])
    page = client.get(url).content.decode()
    assert 'name="plan-expected_at" value="2026-11-24T10:00' in page
    local_now = timezone.localtime(timezone.now(), ZoneInfo("Africa/Lagos"))
    response = client.post(
        url,
        {
            "step": "arrival",
            "arrival-arrived_at": local_now.strftime("%Y-%m-%dT%H:%M"),
            "arrival-place_kind": "airport",
            "arrival-place": "DSS",
            "arrival-onward_transport": "not_needed",
            "arrival-accommodation": "not_needed",
        },
    )
    assert response.status_code == 302
    arrived_at = ArrivalRecord.objects.get(case=case).arrived_at
    assert abs(arrived_at - timezone.now()) < datetime.timedelta(minutes=2)
