"""The case phase table (DOMAIN §2): every transition with its permission and guards.

Pure: no ORM writes. Guards take a `CaseFacts` snapshot and return the reasons a
transition is blocked (an empty list means allowed). `case_transition` in services.py is
the only code that changes a phase.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import Perm
from homeward.programmes.models import PARA_SCHEMES

from .models import Phase

P = Phase

PRE_DEPARTURE_PHASES = frozenset(
    {P.IDENTIFIED, P.COUNSELLING, P.REGISTERED, P.PRE_DEPARTURE, P.TRAVEL_BOOKED}
)
SIDE_EXITS = frozenset({P.WITHDRAWN, P.NOT_ELIGIBLE, P.DECLINED_UNSAFE, P.REFERRED_ASYLUM})


@dataclass(frozen=True)
class CaseFacts:
    """What guards may know about a case; built by the service from the database."""

    phase: str
    scheme: str
    has_person: bool = True
    # Unmet requirements contributed by other apps, per transition name (see requirements.py).
    requirements: Mapping[str, tuple] = field(default_factory=dict)


Guard = Callable[[CaseFacts], list]


def guard_assisted_return(facts: CaseFacts) -> list:
    """R-ARR-3: no pre-departure counselling or assistance on forced or other-actor returns."""
    if facts.scheme in PARA_SCHEMES:
        return [
            _(
                "This return was not organised by the programme (forced or other-actor return): "
                "no pre-departure counselling or assistance may be recorded."
            )
        ]
    return []


def guard_registration_requirements(facts: CaseFacts) -> list:
    """R-VOL-1, R-VOL-3, R-VUL-1, R-CNS-3, R-CNS-4, R-HLT-1, R-UMC-1, R-UMC-2, R-VOT-1,
    R-DUP-1: declaration signed, screening done, programme coverage, special procedures
    cleared and every likely duplicate decided (reasons from the registration app)."""
    return list(facts.requirements.get("register", ()))


def guard_booking_requirements(facts: CaseFacts) -> list:
    """R-HLT-1, R-UMC-1, R-UMC-2, R-VOT-1: special procedures still cleared at booking;
    R-TRV-1, R-TRV-2, R-TRV-6, R-SUS-1: a ticketed booking (reasons from the movements app)."""
    return list(facts.requirements.get("book_travel", ()))


def guard_arrival_requirements(facts: CaseFacts) -> list:
    """R-ARR-1: reception planned where the rules require it (reasons from the arrivals app)."""
    return list(facts.requirements.get("confirm_arrival", ()))


def guard_departure_requirements(facts: CaseFacts) -> list:
    """R-TRV-8, R-TRV-10: a booked case departs with its movement after its final
    discussion (reasons from the movements app)."""
    return list(facts.requirements.get("confirm_departure", ()))


def guard_secondary_movement_requirements(facts: CaseFacts) -> list:
    """R-ARR-2: a secondary movement is recorded for the case (reasons from the arrivals
    app)."""
    return list(facts.requirements.get("close_secondary_movement", ()))


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: Perm
    guards: tuple[Guard, ...] = ()
    reason_required: bool = False
    # Shown when the case is in a phase the transition does not start from.
    unavailable_reason: str = ""
    rule: str = ""
    style: str = field(default="primary")
    # False for a step that only a service takes as part of a larger record (the case page
    # does not offer it as a button).
    offered: bool = True


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_counselling",
        _("Start counselling"),
        frozenset({P.IDENTIFIED}),
        P.COUNSELLING,
        Perm.CASE_COUNSEL,
        guards=(guard_assisted_return,),
        rule="R-ARR-3",
    ),
    Transition(
        "register",
        _("Register for return"),
        frozenset({P.COUNSELLING}),
        P.REGISTERED,
        Perm.CASE_REGISTER,
        guards=(guard_assisted_return, guard_registration_requirements),
        rule="R-ARR-3, R-VOL-1, R-VUL-1, R-DUP-1",
    ),
    Transition(
        "start_pre_departure",
        _("Start pre-departure"),
        frozenset({P.REGISTERED}),
        P.PRE_DEPARTURE,
        Perm.TRAVEL_PREPARE,
        guards=(guard_assisted_return,),
        rule="R-ARR-3",
    ),
    Transition(
        "book_travel",
        _("Record travel booked"),
        frozenset({P.PRE_DEPARTURE}),
        P.TRAVEL_BOOKED,
        Perm.TRAVEL_BOOK,
        guards=(guard_assisted_return, guard_booking_requirements),
        rule="R-ARR-3, R-HLT-1, R-UMC-1, R-VOT-1, R-TRV-1, R-TRV-2, R-TRV-6, R-SUS-1",
    ),
    Transition(
        "confirm_departure",
        _("Confirm departure"),
        frozenset({P.TRAVEL_BOOKED}),
        P.DEPARTED,
        Perm.TRAVEL_DEPART,
        guards=(guard_assisted_return, guard_departure_requirements),
        rule="R-ARR-3, R-TRV-10",
    ),
    Transition(
        "confirm_arrival",
        _("Confirm arrival"),
        frozenset({P.DEPARTED}),
        P.ARRIVED,
        Perm.ARRIVAL_RECORD,
        guards=(guard_arrival_requirements,),
        rule="R-ARR-1",
    ),
    Transition(
        "start_reintegration",
        _("Start reintegration"),
        frozenset({P.ARRIVED}),
        P.REINTEGRATION,
        Perm.REINTEGRATION_MANAGE,
    ),
    Transition(
        "start_monitoring",
        _("Start monitoring"),
        frozenset({P.REINTEGRATION}),
        P.MONITORING,
        Perm.REINTEGRATION_MANAGE,
    ),
    Transition(
        "close",
        _("Close case"),
        frozenset({P.ARRIVED, P.REINTEGRATION, P.MONITORING}),
        P.CLOSED,
        Perm.CASE_CLOSE,
        reason_required=True,
        style="secondary",
    ),
    Transition(
        "close_secondary_movement",
        _("Close: re-registered after a secondary movement"),
        frozenset({P.DEPARTED, P.ARRIVED}),
        P.CLOSED,
        Perm.ARRIVAL_RECORD,
        guards=(guard_secondary_movement_requirements,),
        reason_required=True,
        rule="R-ARR-2",
        style="secondary",
        offered=False,
    ),
    Transition(
        "withdraw",
        _("Withdraw (migrant's decision)"),
        PRE_DEPARTURE_PHASES,
        P.WITHDRAWN,
        Perm.CASE_WITHDRAW,
        reason_required=True,
        rule="R-VOL-2",
        style="danger",
        unavailable_reason=_(
            "Withdrawal is possible only before departure; this case is past that point."
        ),
    ),
    Transition(
        "reopen",
        _("Re-open"),
        frozenset({P.WITHDRAWN, P.REFERRED_ASYLUM}),
        P.COUNSELLING,
        Perm.CASE_REOPEN,
        guards=(guard_assisted_return,),
        reason_required=True,
        rule="R-VOL-2",
        style="secondary",
    ),
    Transition(
        "mark_not_eligible",
        _("Not eligible"),
        frozenset({P.IDENTIFIED, P.COUNSELLING, P.REGISTERED}),
        P.NOT_ELIGIBLE,
        Perm.CASE_DECIDE_ELIGIBILITY,
        reason_required=True,
        style="danger",
    ),
    Transition(
        "decline_unsafe",
        _("Decline: return not safe"),
        frozenset({P.COUNSELLING, P.REGISTERED, P.PRE_DEPARTURE}),
        P.DECLINED_UNSAFE,
        Perm.CASE_DECLINE_UNSAFE,
        reason_required=True,
        rule="R-VOT-1",
        style="danger",
    ),
    Transition(
        "refer_asylum",
        _("Refer for asylum (UNHCR)"),
        frozenset({P.IDENTIFIED, P.COUNSELLING}),
        P.REFERRED_ASYLUM,
        Perm.CASE_COUNSEL,
        reason_required=True,
        rule="R-CNS-3",
        style="secondary",
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}

# Transitions with a guard that reads requirements contributed by other apps
# (requirements.py): only cases that can take one of them pay for collecting them.
REQUIREMENT_TRANSITIONS = frozenset(
    {"register", "book_travel", "confirm_departure", "confirm_arrival", "close_secondary_movement"}
)


def blocking_reasons(transition: Transition, facts: CaseFacts) -> list:
    """Why this transition cannot run now, whatever the actor: phase first, then guards."""
    if facts.phase not in transition.sources:
        default = _(
            "Not available in phase “%(phase)s”. If you opened this page earlier, someone may "
            "have moved the case since: reload it to see its current steps."
        ) % {"phase": Phase(facts.phase).label}
        return [transition.unavailable_reason or default]
    return [reason for guard in transition.guards for reason in guard(facts)]


def initial_phase(scheme: str) -> str:
    """R-ARR-3: forced and other-actor returns open directly at arrival (PARA)."""
    return P.ARRIVED if scheme in PARA_SCHEMES else P.IDENTIFIED


def transitions_from(phase: str) -> list[Transition]:
    return [t for t in TRANSITIONS if phase in t.sources]


def offered_from(phase: str) -> list[Transition]:
    """The transitions a case page offers in this phase (not those only services take)."""
    return [t for t in transitions_from(phase) if t.offered]
