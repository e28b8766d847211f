"""Every (phase, action) pair of the phase table, without a database."""

import itertools

import pytest

from homeward.cases import workflow
from homeward.cases.models import Phase
from homeward.programmes.models import ReturnScheme

# Written out from DOMAIN §2 independently of the table, so a change to the table that
# the domain does not allow fails here.
EXPECTED_ALLOWED = {
    Phase.IDENTIFIED: {"start_counselling", "withdraw", "mark_not_eligible", "refer_asylum"},
    Phase.COUNSELLING: {
        "register",
        "withdraw",
        "mark_not_eligible",
        "decline_unsafe",
        "refer_asylum",
    },
    Phase.REGISTERED: {"start_pre_departure", "withdraw", "mark_not_eligible", "decline_unsafe"},
    Phase.PRE_DEPARTURE: {"book_travel", "withdraw", "decline_unsafe"},
    Phase.TRAVEL_BOOKED: {"confirm_departure", "withdraw"},
    # R-ARR-2: a migrant not from the country of return is re-registered at the actual origin
    # office and the first case closed (by the secondary-movement service).
    Phase.DEPARTED: {"confirm_arrival", "close_secondary_movement"},
    Phase.ARRIVED: {"start_reintegration", "close", "close_secondary_movement"},
    Phase.REINTEGRATION: {"start_monitoring", "close"},
    Phase.MONITORING: {"close"},
    Phase.CLOSED: set(),
    Phase.WITHDRAWN: {"reopen"},
    Phase.NOT_ELIGIBLE: set(),
    Phase.DECLINED_UNSAFE: set(),
    Phase.REFERRED_ASYLUM: {"reopen"},
}
ALL_PAIRS = list(itertools.product(Phase, workflow.TRANSITIONS))


def facts(phase, scheme=ReturnScheme.AVRR):
    return workflow.CaseFacts(phase=phase, scheme=scheme)


def test_expectations_cover_every_phase_and_action():
    assert set(EXPECTED_ALLOWED) == set(Phase)
    named = set().union(*EXPECTED_ALLOWED.values())
    assert named == set(workflow.BY_NAME)


@pytest.mark.parametrize(("phase", "transition"), ALL_PAIRS, ids=lambda x: getattr(x, "name", x))
def test_every_phase_action_pair(phase, transition):
    reasons = workflow.blocking_reasons(transition, facts(phase))
    if transition.name in EXPECTED_ALLOWED[phase]:
        assert reasons == []
    else:
        assert len(reasons) == 1
        assert str(reasons[0])


@pytest.mark.parametrize(
    "phase", [Phase.DEPARTED, Phase.ARRIVED, Phase.REINTEGRATION, Phase.MONITORING, Phase.CLOSED]
)
def test_r_vol_2_withdrawal_refused_after_departure_with_its_reason(phase):
    reasons = workflow.blocking_reasons(workflow.BY_NAME["withdraw"], facts(phase))
    assert reasons and "before departure" in str(reasons[0])


@pytest.mark.parametrize("phase", sorted(workflow.PRE_DEPARTURE_PHASES))
def test_r_vol_2_withdrawal_allowed_before_departure_and_needs_a_reason(phase):
    withdraw = workflow.BY_NAME["withdraw"]
    assert workflow.blocking_reasons(withdraw, facts(phase)) == []
    assert withdraw.reason_required


@pytest.mark.parametrize("scheme", [ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR])
def test_r_arr_3_para_cases_open_at_arrival(scheme):
    assert workflow.initial_phase(scheme) == Phase.ARRIVED


@pytest.mark.parametrize("scheme", [ReturnScheme.AVRR, ReturnScheme.EVACUATION])
def test_assisted_returns_open_identified(scheme):
    assert workflow.initial_phase(scheme) == Phase.IDENTIFIED


PRE_DEPARTURE_ACTIONS = [
    "start_counselling",
    "register",
    "start_pre_departure",
    "book_travel",
    "confirm_departure",
    "reopen",
]


@pytest.mark.parametrize("action", PRE_DEPARTURE_ACTIONS)
@pytest.mark.parametrize("scheme", [ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR])
def test_r_arr_3_no_pre_departure_assistance_on_para_cases(action, scheme):
    transition = workflow.BY_NAME[action]
    phase = sorted(transition.sources)[0]
    reasons = workflow.blocking_reasons(transition, facts(phase, scheme))
    assert any("forced or other-actor" in str(r) for r in reasons)


@pytest.mark.parametrize("exit_phase", sorted(workflow.SIDE_EXITS))
def test_every_side_exit_requires_a_reason(exit_phase):
    into_exit = [t for t in workflow.TRANSITIONS if t.target == exit_phase]
    assert into_exit, f"no transition reaches {exit_phase}"
    assert all(t.reason_required for t in into_exit)


def test_generated_workflow_doc_is_current():
    from pathlib import Path

    from homeward.cases.workflow_doc import render_workflow_markdown

    doc = Path(__file__).resolve().parents[3] / "docs" / "workflow.md"
    assert doc.read_text(encoding="utf-8") == render_workflow_markdown(), (
        "docs/workflow.md is stale: run manage.py workflow_doc"
    )


def test_r_arr_2_secondary_closure_is_taken_by_its_service_not_offered_on_the_case_page():
    closure = workflow.BY_NAME["close_secondary_movement"]
    assert closure.reason_required and not closure.offered
    assert closure not in workflow.offered_from(Phase.ARRIVED)
    assert closure in workflow.transitions_from(Phase.ARRIVED)
    unmet = workflow.CaseFacts(
        phase=Phase.ARRIVED,
        scheme=ReturnScheme.AVRR,
        requirements={"close_secondary_movement": ("record the secondary movement",)},
    )
    assert workflow.blocking_reasons(closure, unmet) == ["record the secondary movement"]
