import pytest
from django.core import mail

from homeward.accounts.models import Membership
from homeward.accounts.roles import Perm, Role
from homeward.arrivals.models import OfficeNotice, SecondaryMovement
from homeward.arrivals.secondary import SECONDARY_CLOSE, secondary_movement_record
from homeward.cases import workflow
from homeward.cases.models import Case, CaseEvent, Phase
from homeward.cases.services import case_transition
from homeward.core.errors import PermissionDenied, TransitionBlocked, ValidationFailed

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


@pytest.fixture
def without_secondary_close(monkeypatch):
    """A workflow table without the R-ARR-2 closure: only `close`, with `case.close`."""
    monkeypatch.delitem(workflow.BY_NAME, SECONDARY_CLOSE, raising=False)


def test_r_arr_2_re_registers_notifies_and_asks_to_close_the_first_case_when_refused(
    dakar_hosts, without_secondary_close, django_capture_on_commit_callbacks
):
    """Without the R-ARR-2 closure in the table, a reception officer may not close cases
    (`close` needs `case.close`): the closure is refused, never bypassed; the first case
    stays open, the movement says why and the office of the country of return is asked to
    close it."""
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
    case.refresh_from_db()
    assert case.phase == Phase.ARRIVED
    movement.refresh_from_db()
    assert not movement.old_case_closed
    assert "Your role does not allow this action" in movement.closure_note
    assert not CaseEvent.objects.filter(case=case, action="close").exists()
    notices = {n.office.code: n.message for n in OfficeNotice.objects.filter(case=case)}
    assert set(notices) == {"NIA", "CKY", "DKR"}
    assert "still open" in notices["DKR"] and new_case.reference in notices["DKR"]
    [message] = mail.outbox  # the host and actual origin offices; no e-mail to itself
    assert set(message.to) == {"niamey@example.org", "conakry@example.org"}
    assert case.reference in message.subject and new_case.reference in message.body
    with pytest.raises(ValidationFailed):
        secondary_movement_record(actor=actor, case_id=case.pk, actual_country="GN", findings="x")


def test_r_arr_2_closes_the_first_case_in_the_same_transaction_when_the_actor_may(
    dakar_hosts, without_secondary_close
):
    world = dakar_hosts
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    Membership.objects.create(user=actor, office=world.dakar, role=Role.CASE_MANAGER)
    movement = secondary_movement_record(
        actor=actor, case_id=case.pk, actual_country="GN", findings="Guinean passport"
    )
    case.refresh_from_db()
    assert movement.old_case_closed and not movement.closure_note
    assert case.phase == Phase.CLOSED
    event = CaseEvent.objects.get(case=case, action="close")
    assert event.actor == actor and movement.new_case.reference in event.reason
    assert "Secondary movement" in event.reason
    assert not OfficeNotice.objects.filter(case=case, office=world.dakar).exists()
    assert SecondaryMovement.objects.get(case=case).new_case.reference in Case.objects.values_list(
        "reference", flat=True
    )


def test_r_arr_2_refused_re_registration_leaves_nothing_behind(world):
    """The office of the country of return does not act as a host office here, so the new
    case would have to be opened by the first host office: refused as a whole, the first
    case is neither closed nor marked."""
    case = world.case(phase=Phase.ARRIVED)
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    Membership.objects.create(user=actor, office=world.dakar, role=Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied) as exc:
        secondary_movement_record(
            actor=actor, case_id=case.pk, actual_country="GN", findings="Guinean passport"
        )
    assert "Niamey" in exc.value.message
    case.refresh_from_db()
    assert case.phase == Phase.ARRIVED
    assert not SecondaryMovement.objects.exists() and not OfficeNotice.objects.exists()
    assert Case.objects.filter(person=case.person).count() == 1


def test_r_arr_2_refused_after_arrival_phases(dakar_hosts):
    world = dakar_hosts
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    for phase in (Phase.TRAVEL_BOOKED, Phase.REINTEGRATION, Phase.CLOSED):
        case = world.case(phase=phase)
        with pytest.raises(ValidationFailed):
            secondary_movement_record(
                actor=actor, case_id=case.pk, actual_country="GN", findings="passport"
            )
    assert not SecondaryMovement.objects.exists()


@pytest.fixture
def secondary_close_in_table(monkeypatch):
    """The workflow transition of R-ARR-2: departed or arrived to closed, with the reception
    permission and the arrivals requirement (as the table has it, or added here)."""
    if SECONDARY_CLOSE in workflow.BY_NAME:
        return workflow.BY_NAME[SECONDARY_CLOSE]
    transition = workflow.Transition(
        SECONDARY_CLOSE,
        "Close: secondary movement",
        frozenset({Phase.DEPARTED, Phase.ARRIVED}),
        Phase.CLOSED,
        Perm.ARRIVAL_RECORD,
        guards=(lambda facts: list(facts.requirements.get(SECONDARY_CLOSE, ())),),
        reason_required=True,
        rule="R-ARR-2",
    )
    monkeypatch.setitem(workflow.BY_NAME, SECONDARY_CLOSE, transition)
    monkeypatch.setattr(
        workflow,
        "REQUIREMENT_TRANSITIONS",
        workflow.REQUIREMENT_TRANSITIONS | {SECONDARY_CLOSE},
    )
    return transition


def test_r_arr_2_reception_officer_closes_the_first_case_in_the_same_transaction(
    dakar_hosts, secondary_close_in_table
):
    """The reception officer who records the secondary movement closes the first case with
    it, through the workflow's R-ARR-2 closure, whether it had departed or arrived."""
    world = dakar_hosts
    assert secondary_close_in_table.permission == Perm.ARRIVAL_RECORD
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    for phase in (Phase.DEPARTED, Phase.ARRIVED):
        case = world.case(phase=phase)
        movement = secondary_movement_record(
            actor=actor, case_id=case.pk, actual_country="GN", findings="Guinean passport"
        )
        case.refresh_from_db()
        assert movement.old_case_closed and case.phase == Phase.CLOSED
        assert not movement.closure_note
        event = CaseEvent.objects.get(case=case, action=SECONDARY_CLOSE)
        assert event.from_phase == phase and event.actor == actor
        assert movement.new_case.reference in event.reason
        notified = OfficeNotice.objects.filter(case=case).values_list("office__code", flat=True)
        assert set(notified) == {"NIA", "CKY"}  # nothing left for the office to close


def test_r_arr_2_the_table_transition_is_refused_without_a_recorded_secondary_movement(
    world, secondary_close_in_table
):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(
            actor=world.user(Role.RECEPTION_OFFICER, "dakar"),
            case_id=case.pk,
            action=SECONDARY_CLOSE,
            reason="Not from here",
        )
    assert any("R-ARR-2" in r for r in exc.value.reasons)
    case.refresh_from_db()
    assert case.phase == Phase.ARRIVED
