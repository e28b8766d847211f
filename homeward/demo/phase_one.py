"""Demo records of phase 1: what a counsellor records before a case can be registered.

Every record goes through the same services as the pages, so a demo case reaches
`registered` only after the registration checklist is complete — as a real one would.
"""

import datetime

from django.utils import timezone

from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.models import Case
from homeward.consent.services import consent_record, document_record
from homeward.registration import procedures, services
from homeward.registration.checklist import HEALTH_TRIGGERS, PROTECTION_TRIGGERS, UMC_FORMS
from homeward.registration.duplicate_services import duplicate_decide, duplicates_check

FORM_VERSION = "2026-1"


def counselling_started(team, case: Case, rng) -> None:
    """A first return counselling session, as for most cases in counselling."""
    counsellor = team.with_perm(Perm.CASE_COUNSEL, case.office_ids)
    services.counselling_session_record(
        actor=counsellor,
        case_id=case.pk,
        data={
            "kind": "return",
            "held_on": _days_ago(rng.randint(1, 20)),
            "place": case.host_office.name,
            "mode": rng.choice(["in_person", "in_person", "phone"]),
            "language": _language(case),
            "participants": rng.choice(["", "", "brother", "spouse"]),
        },
    )


def complete_phase_one(team, case: Case, rng, flags: list[str]) -> None:
    """Everything the registration checklist asks for, each by the role that records it."""
    counsellor = team.with_perm(Perm.CASE_COUNSEL, case.office_ids)
    if not case.counselling_sessions.exists():
        counselling_started(team, case, rng)
    services.screening_record(
        actor=counsellor,
        case_id=case.pk,
        data={
            "stage": "pre_departure",
            "screened_on": _days_ago(1),
            "capacity": "able",
            "categories": flags,
        },
    )
    signatory = _guardian_if_needed(counsellor, case)
    _sign(counsellor, case, "voluntary_return_declaration", signatory)
    if set(flags) & HEALTH_TRIGGERS:
        _clear_health(team.writer_of(FieldGroup.MEDICAL, case.office_ids), case, signatory)
    if "umc" in flags:
        _clear_child(counsellor, case)
    if set(flags) & PROTECTION_TRIGGERS:
        _clear_protection(team.writer_of(FieldGroup.TRAFFICKING, case.office_ids), case)
    _decide_duplicates(counsellor, case)


def _guardian_if_needed(counsellor, case: Case) -> str:
    age = services.age_on(case.person, timezone.localdate())
    if age is None or age >= 18:
        return "migrant"
    guardian = procedures.guardian_record(
        actor=counsellor,
        case_id=case.pk,
        data={"reason": "minor", "name": "Legal guardian", "relationship": "uncle"},
    )
    procedures.guardian_confirm_identity(
        actor=counsellor, guardian_id=guardian.pk, version=guardian.version
    )
    return "guardian"


def _clear_health(medic, case: Case, signatory: str) -> None:
    for kind in ("fitness_to_travel", "medical_questionnaire"):
        _sign(medic, case, kind, signatory)
    consent_record(
        actor=medic,
        case_id=case.pk,
        data={
            "purpose": "medical_data_sharing",
            "scope": "Fitness to travel and treatment needs",
            "recipients": "Origin office medical partner; medical escort",
            "language": _language(case),
            "form_version": FORM_VERSION,
            "given_on": _days_ago(1),
            "signatory": signatory,
            "signatory_name": case.person.display_name,
        },
    )
    procedures.health_assessment_save(
        actor=medic,
        case_id=case.pk,
        version=None,
        data={"treatment_at_origin": "available", "decision": "return", "needs_medication": True},
    )


def _clear_child(counsellor, case: Case) -> None:
    procedures.child_protection_save(
        actor=counsellor,
        case_id=case.pk,
        version=None,
        data={
            "guardian_confirmed_host": True,
            "guardian_confirmed_origin": True,
            "family_assessment_on": _days_ago(5),
            "best_interests": "return",
            "best_interests_on": _days_ago(2),
            "child_willing": True,
        },
    )
    for kind in UMC_FORMS:
        _sign(counsellor, case, kind, "guardian")


def _clear_protection(avm, case: Case) -> None:
    procedures.protection_assessment_save(
        actor=avm,
        case_id=case.pk,
        version=None,
        data={"interviewed_on": _days_ago(3), "risk_level": "low", "outcome": "safe"},
    )


def _decide_duplicates(counsellor, case: Case) -> None:
    """The demo's people are all distinct: each likely match is recorded as another person."""
    check = duplicates_check(actor=counsellor, case_id=case.pk)
    for candidate in check.candidates:
        if candidate["likely"]:
            duplicate_decide(
                actor=counsellor,
                case_id=case.pk,
                candidate_id=candidate["person_id"],
                verdict="not_same",
                justification="Different parents' names and place of birth (checked in interview).",
            )


def _sign(actor, case: Case, kind: str, signatory: str) -> None:
    document_record(
        actor=actor,
        case_id=case.pk,
        data={
            "kind": kind,
            "language": _language(case),
            "form_version": FORM_VERSION,
            "signed_on": _days_ago(1),
            "signatory": signatory,
            "signatory_name": case.person.display_name,
        },
        signed_in_presence=True,
    )


def _language(case: Case) -> str:
    first = case.person.languages.first()
    return first.language if first else "fr"


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
