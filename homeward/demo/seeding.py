"""Demo cases written through the services, as staff would: people registered, cases
opened, vulnerabilities recorded and phases changed by colleagues allowed to do each step."""

import datetime
import random
from dataclasses import dataclass

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases import workflow
from homeward.cases.models import Case, Phase, category_group
from homeward.cases.services import (
    case_create,
    case_link_family,
    case_set_flags,
    case_transition,
    case_update,
)
from homeward.movements.demo_travel import book_for_demo, depart_for_demo
from homeward.people.services import person_create
from homeward.programmes.models import PARA_SCHEMES, ReturnScheme

from . import phase_one, synth
from .arrivals import arrive_for_demo
from .reference import DEMO_USERS, STAFF_USERS, Reference

HOST_WEIGHTS = {"NIA": 40, "AGZ": 20, "RAB": 25, "BER": 15}
# The order in which flag groups are written; each writer re-sends every flag it may write.
FLAG_WRITERS = (
    FieldGroup.TRAFFICKING,
    FieldGroup.GBV,
    FieldGroup.MEDICAL,
    FieldGroup.VULNERABILITY,
)


class Team:
    """Picks, for each step of a case, a colleague allowed to take it in the case's offices;
    the demo logins are preferred so that their names show in the histories."""

    def __init__(self, reference: Reference, rng: random.Random):
        self.rng = rng
        self.demo = [reference.users[s.username] for s in DEMO_USERS]
        self.staff = [reference.users[s.username] for s in STAFF_USERS]
        self._candidates: dict = {}

    def _pick(self, key: tuple, allowed):
        if key not in self._candidates:
            self._candidates[key] = (
                [u for u in self.demo if allowed(access_for(u))],
                [u for u in self.staff if allowed(access_for(u))],
            )
        demo, staff = self._candidates[key]
        if demo and (not staff or self.rng.random() < 0.7):
            return self.rng.choice(demo)
        if staff:
            return self.rng.choice(staff)
        raise LookupError(f"Nobody in the demo team may do this: {key}")

    def with_perm(self, perm: Perm, office_ids):
        office_ids = tuple(office_ids)
        return self._pick((perm, office_ids), lambda a: perm in a.perms_at(office_ids))

    def writer_of(self, group: FieldGroup, office_ids):
        office_ids = tuple(office_ids)
        return self._pick((group, office_ids), lambda a: group in a.writable_at(office_ids))


@dataclass(frozen=True)
class Plan:
    scheme: str
    target: str
    country: str


# Every origin office expects returnees: a booked and a departed return for each, so that
# its reception officers have arrivals to plan and record.
EXPECTED_PHASES = (Phase.TRAVEL_BOOKED, Phase.DEPARTED)


def plans(rng: random.Random, count: int) -> list[Plan]:
    """Every phase under every scheme that can reach it first, returns expected at every
    origin office, then a realistic spread."""
    wanted = [
        (scheme, phase)
        for scheme in ReturnScheme.values
        for phase in (synth.PARA_TARGETS if scheme in PARA_SCHEMES else Phase.values)
    ]
    expected = [
        Plan(ReturnScheme.AVRR, phase, country)
        for country in synth.ORIGIN_COUNTRIES
        for phase in EXPECTED_PHASES
    ]
    while len(wanted) + len(expected) < count:
        scheme = synth.draw_scheme(rng)
        wanted.append((scheme, synth.draw_target(rng, scheme)))
    rng.shuffle(wanted)
    drawn = [Plan(s, t, rng.choice(synth.ORIGIN_COUNTRIES)) for s, t in wanted]
    return (expected + drawn)[:count]


def cases_seed(reference: Reference, *, count: int, seed: int) -> list[Case]:
    """`count` cases (at least the few named showcase ones), reproducible for a seed."""
    rng = random.Random(seed)
    team = Team(reference, rng)
    drawn = plans(rng, max(count - len(SHOWCASE), 0))
    cases = [_seed_case(reference, team, rng, plan) for plan in drawn]
    # Last, so that they head the lists (newest change first).
    cases += _showcase(reference, team, rng)
    return cases


def _seed_case(reference, team, rng, plan: Plan, draft=None, host_code=None, flags=None) -> Case:
    draft = draft or synth.draw_person(rng, plan.country)
    origin = reference.office_for_origin(draft.country)
    para = plan.scheme in PARA_SCHEMES
    host = _host(reference, rng, plan.scheme, host_code)
    office = origin if para else host
    creator = team.with_perm(Perm.CASE_CREATE, [office.pk])
    person = person_create(actor=creator, office=office, data=draft.service_data())
    areas = reference.areas[draft.country]
    first_handler = Perm.REINTEGRATION_MANAGE if para else Perm.CASE_COUNSEL
    case = case_create(
        actor=creator,
        person=person,
        programme=reference.programme,
        scheme=plan.scheme,
        origin_office=origin,
        host_office=host,
        assigned_to=team.with_perm(first_handler, [office.pk]),
        intended_return_area=rng.choice(areas) if rng.random() < 0.85 else None,
    )
    flags = synth.draw_flags(rng, share=0.3) if flags is None else flags
    _record_flags(team, case, flags)
    steps = synth.path_to(rng, plan.target, plan.scheme)
    departs = any(step.action == "confirm_departure" for step in steps)
    for step in steps:
        if step.action == "register":
            phase_one.complete_phase_one(team, case, rng, flags)
        transition = workflow.BY_NAME[step.action]
        actor = team.with_perm(transition.permission, case.office_ids)
        if step.action == "book_travel":  # a ticketed booking books the case
            confirmer = team.with_perm(Perm.ABN_CONFIRM, [case.origin_office_id])
            case = book_for_demo(
                officer=actor, confirmer=confirmer, case=case, departs_soon=departs
            )
            continue
        if step.action == "confirm_departure":  # the movement departs with the case
            case = depart_for_demo(officer=actor, case=case)
            continue
        if step.action == "confirm_arrival":  # recording the arrival confirms it
            case = arrive_for_demo(team=team, case=case, rng=rng)
            case = _hand_over_to_origin(team, case)
            continue
        case = case_transition(actor=actor, case_id=case.pk, action=step.action, reason=step.reason)
    if case.phase == Phase.COUNSELLING and rng.random() < 0.6:
        phase_one.counselling_started(team, case, rng)
    return case


def _host(reference, rng, scheme: str, host_code: str | None):
    if host_code:
        return reference.offices[host_code]
    if scheme == ReturnScheme.OTHER_ACTOR or (scheme == ReturnScheme.FORCED and rng.random() < 0.5):
        return None
    if scheme == ReturnScheme.FORCED:
        return reference.offices[rng.choice(("BER", "RAB"))]
    codes = list(HOST_WEIGHTS)
    return reference.offices[rng.choices(codes, weights=list(HOST_WEIGHTS.values()))[0]]


def _record_flags(team: Team, case: Case, categories: list[str]) -> None:
    """Each sensitive group is recorded by a role allowed to write it (R-VUL-2)."""
    groups = {category_group(c) for c in categories}
    for group in FLAG_WRITERS:
        if group not in groups:
            continue
        actor = team.writer_of(group, case.office_ids)
        writable = access_for(actor).writable_at(case.office_ids)
        mine = [c for c in categories if category_group(c) in writable]
        case_set_flags(actor=actor, case_id=case.pk, categories=mine)


def _hand_over_to_origin(team: Team, case: Case) -> Case:
    """After arrival the origin office's case manager takes the case over."""
    manager = team.with_perm(Perm.REINTEGRATION_MANAGE, [case.origin_office_id])
    return case_update(
        actor=manager, case_id=case.pk, version=case.version, data={"assigned_to": manager}
    )


# Named people that make the demo's search and privacy features easy to show.
SHOWCASE = (
    # (country, sex, [(given, family, script)], scheme, target, host, flags)
    ("SN", "F", [("Aïssatou", "N'Diaye", "Latn"), ("Aissatou", "Ndiaye", "Latn"),
                 ("Aysatu", "Njaay", "Latn")],
     ReturnScheme.AVRR, Phase.REGISTERED, "NIA", ["trafficking", "pregnancy"]),
    ("ML", "M", [("Mohamed", "Haïdara", "Latn"), ("Mohammed", "Haidara", "Latn"),
                 ("Muhammad", "Haydara", "Latn"), ("محمد", "حيدرة", "Arab")],
     ReturnScheme.AVRR, Phase.PRE_DEPARTURE, "AGZ", ["chronic_illness"]),
    ("GN", "F", [("Fatoumata", "Diallo", "Latn"), ("Fatimata", "Jallow", "Latn"),
                 ("Fatima", "Djallo", "Latn")],
     ReturnScheme.FORCED, Phase.REINTEGRATION, "BER", ["gbv"]),
    ("ML", "M", [("Ousmane", "Traoré", "Latn"), ("Usman", "Traore", "Latn"),
                 ("Othmane", "Trawally", "Latn")],
     ReturnScheme.AVRR, Phase.COUNSELLING, "NIA", []),
    ("SN", "M", [("Modou", "N'Diaye", "Latn"), ("Moudou", "Ndiaye", "Latn")],
     ReturnScheme.AVRR, Phase.REGISTERED, "NIA", []),
)  # fmt: skip
# Aïssatou and Modou N'Diaye return together (their cases are linked); their children
# stayed in Pikine with Modou's mother.
SHOWCASE_FAMILIES = ((0, 4),)
SHOWCASE_PARTNER = {0: 4, 4: 0}
_CHILDREN = [
    ("Awa N'Diaye", "child", "F", datetime.date(2016, 5, 2), False),
    ("Moussa N'Diaye", "child", "M", datetime.date(2019, 11, 20), False),
]
SHOWCASE_HOUSEHOLDS = {
    0: [
        ("Modou N'Diaye", "spouse", "M", datetime.date(1990, 8, 14), True),
        *_CHILDREN,
        ("Coumba Sarr", "other", "F", datetime.date(1968, 3, 9), False),
    ],
    4: [
        ("Aïssatou N'Diaye", "spouse", "F", datetime.date(1995, 3, 14), True),
        *_CHILDREN,
        ("Coumba Sarr", "parent", "F", datetime.date(1968, 3, 9), False),
    ],
}


def _showcase(reference, team, rng) -> list[Case]:
    cases = []
    for index, (country, sex, spellings, scheme, target, host, flags) in enumerate(SHOWCASE):
        draft = synth.draw_person(rng, country)
        draft.sex = sex
        draft.names = [
            {
                "given_names": given,
                "family_name": family,
                "script": script,
                "is_transliteration": position > 0 and script == "Latn",
                "is_primary": position == 0,
            }
            for position, (given, family, script) in enumerate(spellings)
        ]
        draft.household = synth.draw_household(rng, spellings[0][1], sex, draft.age, synth.TODAY)
        if index in SHOWCASE_HOUSEHOLDS:
            draft.household = [_member(*m) for m in SHOWCASE_HOUSEHOLDS[index]]
            partner = SHOWCASE_HOUSEHOLDS[SHOWCASE_PARTNER[index]][0]
            draft.date_of_birth, draft.estimated_age = partner[3], None
        plan = Plan(scheme, target, country)
        cases.append(_seed_case(reference, team, rng, plan, draft, host, flags))
    for first, second in SHOWCASE_FAMILIES:
        case, other = cases[first], cases[second]
        editor = team.with_perm(Perm.CASE_EDIT, case.office_ids)
        case_link_family(actor=editor, case_id=case.pk, other_reference=other.reference)
    return cases


def _member(full_name, relationship, sex, born: datetime.date, migrated: bool) -> dict:
    return {
        "full_name": full_name,
        "relationship": relationship,
        "sex": sex,
        "date_of_birth": born,
        "is_dependant": relationship in ("child", "parent", "other"),
        "migrated": migrated,
    }
