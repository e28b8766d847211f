import datetime

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.arrivals.models import ArrivalRecord, Provision, ReceptionReason
from homeward.arrivals.reception import arrival_record, reception_plan_save, reception_request
from homeward.cases.models import CaseEvent, Phase, VulnerabilityFlag
from homeward.core.errors import PermissionDenied, TransitionBlocked, ValidationFailed

pytestmark = pytest.mark.django_db


def reception(world):
    return world.user(Role.RECEPTION_OFFICER, "dakar")


def plan_data(**overrides):
    data = {
        "place_kind": "airport",
        "place": "Blaise Diagne International Airport",
        "expected_at": timezone.now() + datetime.timedelta(days=1),
    }
    data.update(overrides)
    return data


def arrival_data(**overrides):
    data = {
        "place_kind": "airport",
        "place": "Blaise Diagne International Airport",
        "immediate_needs": "Water, phone call to family",
        "onward_transport": Provision.PROVIDED,
        "onward_destination": "Kolda",
        "accommodation": Provision.NOT_NEEDED,
    }
    data.update(overrides)
    return data


def test_r_arr_1_plan_needs_a_reason_unless_the_record_gives_one(world):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    with pytest.raises(ValidationFailed) as exc:
        reception_plan_save(actor=reception(world), case_id=case.pk, data=plan_data())
    assert "reasons" in exc.value.field_errors
    plan = reception_plan_save(
        actor=reception(world),
        case_id=case.pk,
        data=plan_data(reasons=[ReceptionReason.LARGE_SCALE]),
    )
    assert plan.reasons == ["large_scale"]


def test_r_arr_1_host_request_and_vulnerability_are_kept_as_reasons(world):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    with pytest.raises(PermissionDenied):  # the origin office does not request
        reception_request(actor=reception(world), case_id=case.pk)
    reception_request(actor=world.user(Role.MOVEMENT_OFFICER, "niamey"), case_id=case.pk)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    plan = reception_plan_save(actor=reception(world), case_id=case.pk, data=plan_data())
    assert plan.reasons == ["host_request", "vulnerable"]


def test_r_arr_1_arrival_of_a_vulnerable_returnee_needs_a_planned_reception(world):
    case = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    with pytest.raises(TransitionBlocked) as exc:
        arrival_record(actor=reception(world), case_id=case.pk, data=arrival_data())
    assert "R-ARR-1" in exc.value.reasons[0]
    reception_plan_save(actor=reception(world), case_id=case.pk, data=plan_data())
    record = arrival_record(actor=reception(world), case_id=case.pk, data=arrival_data())
    assert record.vulnerable


def test_r_arr_5_arrival_moves_the_case_to_arrived(world):
    case = world.case(phase=Phase.DEPARTED)
    record = arrival_record(actor=reception(world), case_id=case.pk, data=arrival_data())
    case.refresh_from_db()
    assert case.phase == Phase.ARRIVED
    assert record.received_by == reception(world)
    assert CaseEvent.objects.filter(case=case, action="confirm_arrival").exists()
    with pytest.raises(ValidationFailed):
        arrival_record(actor=reception(world), case_id=case.pk, data=arrival_data())


def test_r_arr_5_vulnerable_returnees_are_always_offered_transport_and_a_night(world):
    case = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=case, category="disability")
    reception_plan_save(actor=reception(world), case_id=case.pk, data=plan_data())
    with pytest.raises(ValidationFailed) as exc:
        arrival_record(
            actor=reception(world),
            case_id=case.pk,
            data=arrival_data(
                onward_transport=Provision.NOT_PROVIDED,
                onward_transport_reason="No vehicle",
            ),
        )
    assert "onward_transport" in exc.value.field_errors
    record = arrival_record(
        actor=reception(world),
        case_id=case.pk,
        data=arrival_data(onward_transport=Provision.PROVIDED, accommodation=Provision.PROVIDED),
    )
    assert record.accommodation == Provision.PROVIDED


def test_r_arr_5_others_when_resources_allow_with_a_reason(world):
    case = world.case(phase=Phase.DEPARTED)
    with pytest.raises(ValidationFailed) as exc:
        arrival_record(
            actor=reception(world),
            case_id=case.pk,
            data=arrival_data(onward_transport=Provision.NOT_PROVIDED),
        )
    assert "onward_transport_reason" in exc.value.field_errors
    record = arrival_record(
        actor=reception(world),
        case_id=case.pk,
        data=arrival_data(
            onward_transport=Provision.NOT_PROVIDED,
            onward_transport_reason="No budget left this month",
        ),
    )
    assert record.onward_transport_reason


def test_arrival_refused_to_other_roles_and_before_departure(world):
    case = world.case(phase=Phase.DEPARTED)
    with pytest.raises(PermissionDenied):
        arrival_record(
            actor=world.user(Role.COUNSELLOR, "dakar"), case_id=case.pk, data=arrival_data()
        )
    booked = world.case(phase=Phase.TRAVEL_BOOKED)
    with pytest.raises(ValidationFailed):
        arrival_record(actor=reception(world), case_id=booked.pk, data=arrival_data())
    assert not ArrivalRecord.objects.exists()


def test_r_arr_1_confirm_arrival_on_the_case_is_guarded_too(world):
    from homeward.cases.services import case_transition

    case = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(actor=reception(world), case_id=case.pk, action="confirm_arrival")
    assert "R-ARR-1" in exc.value.reasons[0]
    reception_plan_save(actor=reception(world), case_id=case.pk, data=plan_data())
    case = case_transition(actor=reception(world), case_id=case.pk, action="confirm_arrival")
    assert case.phase == Phase.ARRIVED
