"""Case services against the real database: creation, edits, transitions and their rules."""

import re
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from homeward.audit.models import AuditEvent
from homeward.cases.models import Case, CaseEvent, Phase
from homeward.cases.services import (
    case_create,
    case_link_family,
    case_transition,
    case_update,
    para_cases_create_bulk,
)
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    VersionConflict,
)
from homeward.movements.tests.travel import booked_case, depart, with_passport
from homeward.people.models import Person, PersonName
from homeward.programmes.models import ReturnScheme
from homeward.registration.tests.helpers import ready_case
from homeward.testing.factories import make_case, make_person


def open_case(world, *, scheme=ReturnScheme.AVRR, host="niamey", actor=None):
    host_office = getattr(world, host) if host else None
    person = make_person(host_office or world.dakar)
    actor = actor or world.user("counsellor", host or "dakar")
    return case_create(
        actor=actor,
        person=person,
        programme=world.programme,
        scheme=scheme,
        origin_office=world.dakar,
        host_office=host_office,
    )


def test_case_reference_is_origin_country_year_and_sequence(world):
    first, second = open_case(world), open_case(world)
    assert re.fullmatch(r"SN-\d{4}-\d{6}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_case_reference_year_is_the_opening_offices_year(world):
    # 23:30 UTC on 31 December is already New Year's Day in Niamey (UTC+1), still the old
    # year in Dakar (UTC+0).
    new_years_eve = timezone.now().replace(month=12, day=31, hour=23, minute=30, second=0)
    year = new_years_eve.year
    with time_machine.travel(new_years_eve, tick=True):
        opened_in_niamey = open_case(world, host="niamey")
        opened_in_dakar = open_case(
            world, scheme=ReturnScheme.FORCED, host=None, actor=world.user("counsellor", "dakar")
        )
    assert opened_in_niamey.reference.startswith(f"SN-{year + 1}-")
    assert opened_in_dakar.reference.startswith(f"SN-{year}-")


def test_case_opening_records_event_and_audit(world):
    case = open_case(world)
    assert case.phase == Phase.IDENTIFIED
    assert list(case.events.values_list("action", "to_phase")) == [("open", "identified")]
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="create").count() == 1


def test_assisted_return_needs_a_host_office(world):
    with pytest.raises(ValidationFailed) as exc:
        open_case(world, host=None, actor=world.user("counsellor", "dakar"))
    assert "host_office" in exc.value.field_errors
    assert Case.objects.count() == 0


def test_scheme_outside_programme_is_refused(world):
    world.programme.eligible_schemes = [ReturnScheme.AVRR]
    world.programme.save()
    with pytest.raises(ValidationFailed) as exc:
        open_case(world, scheme=ReturnScheme.EVACUATION)
    assert "scheme" in exc.value.field_errors


def test_roles_without_create_permission_cannot_open_cases(world):
    with pytest.raises(PermissionDenied):
        open_case(world, actor=world.user("movement_officer", "niamey"))
    with pytest.raises(PermissionDenied):
        open_case(world, actor=world.user("counsellor", "rabat"))


# R-ARR-3 -----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", [ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR])
def test_r_arr_3_forced_and_other_actor_returns_open_at_arrived(world, scheme):
    case = open_case(
        world, scheme=scheme, host=None, actor=world.user("reception_officer", "dakar")
    )
    assert case.phase == Phase.ARRIVED
    assert case.host_office is None


def test_r_arr_3_bulk_opening_refuses_people_the_officer_cannot_see_and_opens_none(world):
    reception = world.user("reception_officer", "dakar")
    here = make_person(world.dakar, "Awa", "Ndiaye")
    elsewhere = make_person(world.rabat, "Fatou", "Fall")

    with pytest.raises(ValidationFailed) as refused:
        para_cases_create_bulk(
            actor=reception,
            people=[here, elsewhere],
            programme=world.programme,
            scheme=ReturnScheme.FORCED,
            origin_office=world.dakar,
        )

    assert set(refused.value.field_errors) == {"1.person"}
    assert not Case.objects.exists()
    opened = para_cases_create_bulk(
        actor=reception,
        people=[here],
        programme=world.programme,
        scheme=ReturnScheme.FORCED,
        origin_office=world.dakar,
    )
    assert [c.phase for c in opened] == [Phase.ARRIVED]


def test_r_arr_3_pre_departure_counselling_refused_on_forced_return(world):
    # Even a forced-return record that somehow sits in a pre-departure phase is refused.
    case = world.case(scheme=ReturnScheme.FORCED, phase=Phase.IDENTIFIED)
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(actor=world.user("counsellor"), case_id=case.pk, action="start_counselling")
    assert any("forced or other-actor" in r for r in exc.value.reasons)
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED
    assert not case.events.filter(action="start_counselling").exists()


def test_r_arr_3_para_case_offers_no_pre_departure_action(world):
    case = open_case(
        world, scheme=ReturnScheme.FORCED, host=None, actor=world.user("reception_officer", "dakar")
    )
    for action in ("start_counselling", "register", "withdraw", "book_travel"):
        with pytest.raises((TransitionBlocked, PermissionDenied)):
            case_transition(
                actor=world.user("counsellor", "dakar"), case_id=case.pk, action=action, reason="x"
            )


# R-VOL-2 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phase",
    [
        Phase.IDENTIFIED,
        Phase.COUNSELLING,
        Phase.REGISTERED,
        Phase.PRE_DEPARTURE,
        Phase.TRAVEL_BOOKED,
    ],
)
def test_r_vol_2_withdrawal_before_departure_records_reason_and_deletes_nothing(world, phase):
    case = world.case(phase=phase)
    person_id, names = case.person_id, PersonName.objects.count()
    case = case_transition(
        actor=world.user("counsellor"),
        case_id=case.pk,
        action="withdraw",
        reason="Decided to stay with family",
    )
    assert case.phase == Phase.WITHDRAWN
    event = case.events.get(action="withdraw")
    assert (event.from_phase, event.to_phase) == (phase, Phase.WITHDRAWN)
    assert event.reason == "Decided to stay with family"
    assert Person.objects.filter(pk=person_id).exists()
    assert PersonName.objects.count() == names
    assert case.events.filter(action="open").exists()


@pytest.mark.parametrize("phase", [Phase.DEPARTED, Phase.ARRIVED, Phase.REINTEGRATION])
def test_r_vol_2_withdrawal_after_departure_is_refused(world, phase):
    case = world.case(phase=phase)
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(
            actor=world.user("counsellor"),
            case_id=case.pk,
            action="withdraw",
            reason="Changed mind",
        )
    assert "before departure" in exc.value.reasons[0]
    case.refresh_from_db()
    assert case.phase == phase


def test_r_vol_2_withdrawal_needs_a_reason(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed) as exc:
        case_transition(
            actor=world.user("counsellor"), case_id=case.pk, action="withdraw", reason="  "
        )
    assert "reason" in exc.value.field_errors
    case.refresh_from_db()
    assert case.phase == Phase.COUNSELLING


def test_r_vol_2_reopening_a_withdrawn_case_is_a_recorded_transition(world):
    case = world.case(phase=Phase.REGISTERED)
    counsellor = world.user("counsellor")
    case_transition(actor=counsellor, case_id=case.pk, action="withdraw", reason="Wants time")
    case = case_transition(
        actor=counsellor, case_id=case.pk, action="reopen", reason="Asked to resume return"
    )
    assert case.phase == Phase.COUNSELLING
    actions = list(case.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["open", "withdraw", "reopen"]


@pytest.mark.parametrize(
    ("action", "start", "target"),
    [
        ("mark_not_eligible", Phase.COUNSELLING, Phase.NOT_ELIGIBLE),
        ("decline_unsafe", Phase.REGISTERED, Phase.DECLINED_UNSAFE),
        ("refer_asylum", Phase.COUNSELLING, Phase.REFERRED_ASYLUM),
        ("withdraw", Phase.IDENTIFIED, Phase.WITHDRAWN),
    ],
)
def test_side_exits_require_and_record_a_reason(world, action, start, target):
    case = world.case(phase=start)
    counsellor = world.user("counsellor")
    with pytest.raises(ValidationFailed):
        case_transition(actor=counsellor, case_id=case.pk, action=action, reason="")
    case = case_transition(actor=counsellor, case_id=case.pk, action=action, reason="Recorded")
    assert case.phase == target
    assert case.events.get(action=action).reason == "Recorded"


def test_unknown_action_is_a_validation_error(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed):
        case_transition(actor=world.user("counsellor"), case_id=case.pk, action="teleport")


def test_transition_writes_audit_with_phases(world):
    case = ready_case(world)
    case_transition(actor=world.user("counsellor"), case_id=case.pk, action="register")
    audit = AuditEvent.objects.get(object_id=str(case.pk), action="transition")
    assert audit.changes["phase"] == ["counselling", "registered"]
    assert audit.actor_name == "counsellor_niamey"


def test_full_journey_through_every_forward_phase(world):
    case = world.case()
    case_transition(actor=world.user("counsellor"), case_id=case.pk, action="start_counselling")
    case = ready_case(world)  # registration needs the phase-1 records (registration/tests)
    steps = [
        ("counsellor", "niamey", "register"),
        ("movement_officer", "niamey", "start_pre_departure"),
        ("movement_officer", "niamey", "book_travel"),
        ("movement_officer", "niamey", "confirm_departure"),
        ("reception_officer", "dakar", "confirm_arrival"),
        ("case_manager", "dakar", "start_reintegration"),
        ("case_manager", "dakar", "start_monitoring"),
    ]
    for role, office, action in steps:
        if action == "book_travel":  # a ticketed booking books the case (movements app)
            booking = booked_case(world, case=with_passport(case))
            continue
        if action == "confirm_departure":  # the case departs with its movement
            depart(world, booking)
            continue
        case = case_transition(actor=world.user(role, office), case_id=case.pk, action=action)
    case = case_transition(
        actor=world.user("case_manager", "dakar"),
        case_id=case.pk,
        action="close",
        reason="Plan completed",
    )
    assert case.phase == Phase.CLOSED
    assert case.events.count() == len(steps) + 2


# Editing and concurrency ---------------------------------------------------------------


def test_case_update_with_stale_version_is_refused(world):
    case = world.case(phase=Phase.COUNSELLING)
    counsellor = world.user("counsellor")
    case_update(actor=counsellor, case_id=case.pk, version=case.version, data={"notes": "first"})
    with pytest.raises(VersionConflict):
        case_update(
            actor=counsellor,
            case_id=case.pk,
            version=case.version,
            data={"notes": "second, from a stale copy"},
        )
    case.refresh_from_db()
    assert case.notes == "first"
    assert case.version == 2


def test_case_update_audits_before_and_after(world):
    case = world.case(phase=Phase.COUNSELLING)
    case_update(
        actor=world.user("counsellor"),
        case_id=case.pk,
        version=1,
        data={"notes": "Prefers phone calls"},
    )
    audit = AuditEvent.objects.get(object_id=str(case.pk), action="update")
    assert audit.changes == {"notes": ["", "Prefers phone calls"]}


def test_case_update_refuses_fields_outside_its_scope(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed) as exc:
        case_update(
            actor=world.user("counsellor"), case_id=case.pk, version=1, data={"phase": "closed"}
        )
    assert "phase" in exc.value.field_errors


def test_assignee_must_work_in_the_case_offices(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed) as exc:
        case_update(
            actor=world.user("counsellor"),
            case_id=case.pk,
            version=1,
            data={"assigned_to": world.user("counsellor", "rabat")},
        )
    assert "assigned_to" in exc.value.field_errors


@pytest.mark.parametrize("role", ["partner", "auditor", "committee_member", "finance_officer"])
def test_cases_are_assigned_only_to_people_who_work_on_case_files(world, role):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed) as exc:
        case_update(
            actor=world.user("counsellor"),
            case_id=case.pk,
            version=1,
            data={"assigned_to": world.user(role, "niamey")},
        )
    assert "assigned_to" in exc.value.field_errors
    case = case_update(
        actor=world.user("counsellor"),
        case_id=case.pk,
        version=1,
        data={"assigned_to": world.user("case_manager", "dakar")},
    )
    assert case.assigned_to.username == "case_manager_dakar"


def test_other_office_cannot_change_or_move_a_case(world):
    case = world.case(phase=Phase.COUNSELLING)
    outsider = world.user("counsellor", "rabat")
    with pytest.raises(NotFound):
        case_update(actor=outsider, case_id=case.pk, version=1, data={"notes": "x"})
    with pytest.raises(NotFound):
        case_transition(actor=outsider, case_id=case.pk, action="register")


def test_malformed_case_id_is_not_found(world):
    with pytest.raises(NotFound):
        case_transition(actor=world.user("counsellor"), case_id="not-a-uuid", action="register")


@pytest.mark.django_db(transaction=True)
def test_reference_numbers_never_repeat_under_concurrent_creation(world):
    """Eight threads open cases at once; every reference is distinct (PostgreSQL row lock)."""
    people = [make_person(world.niamey) for _ in range(16)]
    counsellor_id = world.user("counsellor").pk
    references, errors = [], []
    barrier = threading.Barrier(8)

    def worker(batch):
        from homeward.accounts.models import User

        try:
            actor = User.objects.get(pk=counsellor_id)
            barrier.wait(timeout=10)
            for person in batch:
                case = case_create(
                    actor=actor,
                    person=person,
                    programme=world.programme,
                    scheme=ReturnScheme.AVRR,
                    origin_office=world.dakar,
                    host_office=world.niamey,
                )
                references.append(case.reference)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(people[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(references) == 16
    assert len(set(references)) == 16
    assert Case.objects.count() == 16
    assert CaseEvent.objects.filter(action="open").count() == 16


def test_make_case_factory_respects_scope(world):
    case = make_case(
        person=make_person(world.rabat),
        programme=world.programme,
        host=world.rabat,
        origin=world.conakry,
    )
    assert case.reference.startswith("GN-")
    assert connection.vendor in ("sqlite", "postgresql")


def test_family_members_returning_together_are_linked_both_ways(world):
    mother, child = world.case(phase=Phase.COUNSELLING), world.case(phase=Phase.COUNSELLING)
    counsellor = world.user("counsellor")
    case_link_family(actor=counsellor, case_id=mother.pk, other_reference=child.reference)
    assert list(child.family_members.all()) == [mother]
    case_link_family(
        actor=counsellor, case_id=child.pk, other_reference=mother.reference, linked=False
    )
    assert mother.family_members.count() == 0


def test_family_link_refuses_unknown_invisible_and_self(world):
    case = world.case(phase=Phase.COUNSELLING)
    hidden = world.case(host=world.rabat, origin=world.conakry, phase=Phase.COUNSELLING)
    counsellor = world.user("counsellor")
    for reference in ("SN-2026-999999", hidden.reference, case.reference):
        with pytest.raises(ValidationFailed) as exc:
            case_link_family(actor=counsellor, case_id=case.pk, other_reference=reference)
        assert "family_member" in exc.value.field_errors
    assert case.family_members.count() == 0
