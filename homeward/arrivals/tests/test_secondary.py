import pytest
from django.core import mail

from homeward.accounts.models import Membership
from homeward.accounts.roles import Role
from homeward.arrivals.models import OfficeNotice, SecondaryMovement
from homeward.arrivals.secondary import secondary_movement_record
from homeward.cases.models import Case, Phase
from homeward.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def dakar_hosts(world):
    """The office of the country of return acts as host of the onward movement."""
    world.dakar.is_transit = True
    world.dakar.email = "dakar@example.org"
    world.dakar.save()
    world.niamey.email = "niamey@example.org"
    world.niamey.save()
    world.conakry.email = "conakry@example.org"
    world.conakry.save()
    return world


def test_r_arr_2_refuses_the_country_of_return_and_missing_findings(world):
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    with pytest.raises(ValidationFailed) as exc:
        secondary_movement_record(actor=actor, case_id=case.pk, actual_country="SN", findings="")
    assert {"actual_country", "findings"} <= set(exc.value.field_errors)
    with pytest.raises(ValidationFailed) as exc:
        secondary_movement_record(
            actor=actor, case_id=case.pk, actual_country="ML", findings="Speaks Bambara"
        )
    assert "office_id" in exc.value.field_errors  # no origin office in Mali
    with pytest.raises(PermissionDenied):
        secondary_movement_record(
            actor=world.user(Role.COUNSELLOR, "dakar"),
            case_id=case.pk,
            actual_country="GN",
            findings="x",
        )


def test_r_arr_2_re_registers_notifies_and_says_the_first_case_is_still_open(
    dakar_hosts, django_capture_on_commit_callbacks
):
    world = dakar_hosts
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    with django_capture_on_commit_callbacks(execute=True):
        movement = secondary_movement_record(
            actor=actor,
            case_id=case.pk,
            actual_country="GN",
            findings="Guinean identity card found in luggage",
            needs="Two nights at the transit centre",
        )
    new_case = movement.new_case
    assert new_case.origin_office == world.conakry and new_case.person == case.person
    assert new_case.host_office == world.dakar
    assert not movement.old_case_closed and movement.closure_note
    offices = set(OfficeNotice.objects.filter(case=case).values_list("office__code", flat=True))
    assert offices == {"NIA", "CKY"}
    [message] = mail.outbox
    assert set(message.to) == {"niamey@example.org", "conakry@example.org"}
    assert case.reference in message.subject and new_case.reference in message.body
    with pytest.raises(ValidationFailed):
        secondary_movement_record(actor=actor, case_id=case.pk, actual_country="GN", findings="x")


def test_r_arr_2_closes_the_first_case_when_the_actor_may(dakar_hosts):
    world = dakar_hosts
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    Membership.objects.create(user=actor, office=world.dakar, role=Role.CASE_MANAGER)
    movement = secondary_movement_record(
        actor=actor, case_id=case.pk, actual_country="GN", findings="Guinean passport"
    )
    case.refresh_from_db()
    assert movement.old_case_closed and case.phase == Phase.CLOSED
    assert SecondaryMovement.objects.get(case=case).new_case.reference in Case.objects.values_list(
        "reference", flat=True
    )
