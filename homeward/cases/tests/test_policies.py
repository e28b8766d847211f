"""Permission matrix: role × action × own / other office, and R-DAT-2 row scope."""

import pytest

from homeward.accounts.roles import Role
from homeward.cases import workflow
from homeward.cases.models import Phase, VulnerabilityFlag
from homeward.cases.selectors import (
    CaseFilters,
    case_get_for,
    case_list_for,
    flag_choices_for,
    transition_options,
    visible_flags,
)
from homeward.cases.services import case_set_flags, case_transition, case_update
from homeward.core.errors import NotFound, PermissionDenied, TransitionBlocked
from homeward.registration.tests.helpers import ready_case

# Written from DOMAIN §1 (who does what), independently of roles.py.
ALLOWED_ACTIONS = {
    Role.COUNSELLOR: {
        "start_counselling",
        "register",
        "withdraw",
        "reopen",
        "mark_not_eligible",
        "decline_unsafe",
        "refer_asylum",
    },
    Role.MOVEMENT_OFFICER: {"start_pre_departure", "book_travel", "confirm_departure", "withdraw"},
    Role.RECEPTION_OFFICER: {"confirm_arrival", "close_secondary_movement"},
    Role.CASE_MANAGER: {"start_reintegration", "start_monitoring", "close", "mark_not_eligible"},
    Role.AVM_FOCAL_POINT: {"decline_unsafe"},
    Role.MEDICAL_OFFICER: set(),
    Role.COMMITTEE_MEMBER: set(),
    Role.FINANCE_OFFICER: set(),
    Role.ME_OFFICER: set(),
    Role.PROGRAMME_MANAGER: {"reopen", "mark_not_eligible", "close"},
    Role.PARTNER: set(),
    Role.AUDITOR: set(),
}
CAN_VIEW = set(Role.values) - {Role.PARTNER}
CAN_EDIT = {Role.COUNSELLOR, Role.RECEPTION_OFFICER, Role.CASE_MANAGER}


def outcome(fn):
    try:
        fn()
    except NotFound:
        return "not_found"
    except PermissionDenied:
        return "denied"
    except TransitionBlocked:  # permitted; guards checked after permission (book_travel needs
        return "ok"  # a ticketed booking: movements/tests)
    return "ok"


@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix_for_transitions(world, role):
    for transition in workflow.TRANSITIONS:
        start = sorted(transition.sources)[0]
        for office, own in (("niamey", True), ("rabat", False)):
            # Registration also needs the phase-1 records (tested in registration/tests).
            case = ready_case(world) if transition.name == "register" else world.case(phase=start)
            got = outcome(
                lambda c=case, o=office, t=transition: case_transition(
                    actor=world.user(role, o), case_id=c.pk, action=t.name, reason="matrix"
                )
            )
            if not own or role not in CAN_VIEW:
                expected = "not_found"
            elif transition.name in ALLOWED_ACTIONS[role]:
                expected = "ok"
            else:
                expected = "denied"
            assert got == expected, (role, transition.name, office)


@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix_for_view_and_edit(world, role):
    case = world.case(phase=Phase.COUNSELLING)
    for office, own in (("niamey", True), ("dakar", True), ("rabat", False), ("conakry", False)):
        user = world.user(role, office)
        viewed = outcome(lambda u=user: case_get_for(u, case_id=case.pk))
        assert viewed == ("ok" if own and role in CAN_VIEW else "not_found"), (role, office)
        edited = outcome(
            lambda u=user: case_update(
                actor=u, case_id=case.pk, version=case.version, data={"notes": "n"}
            )
        )
        if edited == "ok":
            case.refresh_from_db()
        expected = (
            "ok"
            if own and role in CAN_EDIT
            else ("denied" if own and role in CAN_VIEW else "not_found")
        )
        assert edited == expected, (role, office)


def test_r_dat_2_host_and_origin_office_share_a_case_others_do_not_see_it(world):
    case = world.case(phase=Phase.COUNSELLING)
    assert case in case_list_for(world.user("counsellor", "niamey"))
    assert case in case_list_for(world.user("case_manager", "dakar"))
    assert case not in case_list_for(world.user("counsellor", "rabat"))
    assert case not in case_list_for(world.user("case_manager", "conakry"))


def test_r_dat_2_forbidden_and_missing_look_the_same(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(NotFound) as forbidden:
        case_get_for(world.user("counsellor", "rabat"), reference=case.reference)
    with pytest.raises(NotFound) as missing:
        case_get_for(world.user("counsellor", "rabat"), reference="SN-2026-999999")
    assert forbidden.value.as_dict() == missing.value.as_dict()


def test_r_dat_2_partner_sees_no_case_files(world):
    world.case(phase=Phase.COUNSELLING)
    assert list(case_list_for(world.user("partner", "niamey"))) == []


def _flag(case, category):
    VulnerabilityFlag.objects.create(case=case, category=category)


def test_r_dat_2_trafficking_flag_visible_only_to_avm_focal_point(world):
    case = world.case(phase=Phase.COUNSELLING)
    _flag(case, "trafficking")
    _flag(case, "elderly")
    for role in Role.values:
        user = world.user(role, "niamey")
        if role not in CAN_VIEW:
            continue
        shown = {f.category for f in visible_flags(user, case_get_for(user, case_id=case.pk))}
        assert ("trafficking" in shown) == (role == Role.AVM_FOCAL_POINT), role


def test_r_dat_2_sensitive_flag_filter_does_not_leak_through_search(world):
    flagged = world.case(phase=Phase.COUNSELLING)
    _flag(flagged, "trafficking")
    world.case(phase=Phase.COUNSELLING)
    counsellor, avm = world.user("counsellor"), world.user("avm_focal_point")
    assert list(case_list_for(counsellor, CaseFilters(flag="trafficking"))) == []
    assert list(case_list_for(avm, CaseFilters(flag="trafficking"))) == [flagged]
    assert "trafficking" not in dict(flag_choices_for(counsellor))
    assert "trafficking" in dict(flag_choices_for(avm))
    assert "medical_condition" in dict(flag_choices_for(world.user("medical_officer")))
    assert "medical_condition" not in dict(flag_choices_for(counsellor))


def test_r_dat_2_flags_only_written_in_writable_groups(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(PermissionDenied):
        case_set_flags(actor=world.user("counsellor"), case_id=case.pk, categories=["gbv"])
    case_set_flags(actor=world.user("avm_focal_point"), case_id=case.pk, categories=["gbv"])
    # The counsellor's own write leaves the GBV flag they cannot see untouched.
    case_set_flags(actor=world.user("counsellor"), case_id=case.pk, categories=["elderly"])
    assert set(case.flags.values_list("category", flat=True)) == {"gbv", "elderly"}


def test_transition_options_list_steps_of_other_roles_as_blocked_with_who_does_them(world):
    case = ready_case(world)
    options = {o.transition.name: o for o in transition_options(world.user("counsellor"), case)}
    assert options["register"].allowed
    assert "book_travel" not in options  # not a step from counselling
    movement = {
        o.transition.name: o for o in transition_options(world.user("movement_officer"), case)
    }
    assert movement["withdraw"].allowed
    assert not movement["register"].allowed
    assert movement["register"].reasons == ["Done by: Return counsellor."]


def test_transition_options_show_guard_reasons(world):
    case = world.case(scheme="forced", phase=Phase.IDENTIFIED)
    options = {o.transition.name: o for o in transition_options(world.user("counsellor"), case)}
    assert not options["start_counselling"].allowed
    assert "forced or other-actor" in str(options["start_counselling"].reasons[0])


@pytest.mark.parametrize("typed", ["full", "number", "prefix"])
def test_search_by_full_or_partial_reference(world, typed):
    case = world.case(phase=Phase.COUNSELLING)
    other = world.case(phase=Phase.COUNSELLING)
    query = {
        "full": case.reference.lower(),
        "number": case.reference[-6:],
        "prefix": case.reference[:8],
    }[typed]
    found = list(case_list_for(world.user("counsellor"), CaseFilters(q=query)))
    assert case in found
    assert (other in found) == (typed == "prefix")
