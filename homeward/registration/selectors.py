"""Reads of phase 1 records, scoped to the actor.

Functions named `*_for(actor, case)` take a case the caller already found visible (for
example with `case_for` or `homeward.cases.selectors.case_get_for`); they check visibility
again, raise `NotFound` if the case is not the actor's, and return only what the actor's
field groups allow for that case (R-DAT-2, R-VOT-3). Each runs a fixed number of queries.
`*_get_for(actor, *_id=...)` find one record by id; missing and forbidden are the same
`NotFound`. `latest_duplicate_check` and `duplicate_decisions_for` take no actor: callers
check that the case is visible.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases import workflow
from homeward.cases.models import Case
from homeward.cases.policies import can_run_transition, can_view_case, readable_groups_for_case
from homeward.cases.selectors import case_facts
from homeward.core.errors import NotFound, parse_uuid

from .checklist import Item, registration_checklist
from .models import (
    AsylumReferral,
    CaseProfile,
    ChildProtection,
    CounsellingSession,
    DuplicateCheck,
    DuplicateDecision,
    Guardian,
    HealthAssessment,
    OfficeVulnerability,
    ProtectionAssessment,
    Referral,
    Screening,
    ScreeningFinding,
)


def _visible(actor, case: Case) -> frozenset[FieldGroup]:
    """The field groups the actor may read for the case; NotFound if the case is not theirs."""
    if not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return readable_groups_for_case(actor, case)


def group_readable(actor, case: Case, group: FieldGroup) -> bool:
    """Whether the actor may read `group` for this case (False if the case is not visible)."""
    return can_view_case(actor, case) and group in readable_groups_for_case(actor, case)


def case_for(actor, *, reference: str) -> Case:
    """A case by reference with what phase-1 pages and the checklist read (person, programme,
    offices), without the case file's prefetches; NotFound for missing and forbidden alike."""
    case = (
        Case.objects.select_related("person", "programme", "host_office", "origin_office")
        .filter(reference=str(reference).strip().upper())
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return case


# --- Registration checklist ---------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationStatus:
    items: list[Item]
    # The actor may run `register` now: the case is in counselling, their role registers,
    # and nothing on the checklist (nor any other guard) blocks it.
    can_register: bool

    @property
    def reasons(self) -> list[str]:
        return [reason for item in self.items for reason in item.reasons]


def registration_status_for(actor, case: Case) -> RegistrationStatus:
    """R-VOL-1, R-VUL-1, R-DUP-1 and the special procedures: the checklist worded for the
    actor (R-VOT-3) and whether they may register the case now. Only when the checklist is
    clear are the workflow's own guards asked (every app's requirements, as `register` does)."""
    _visible(actor, case)
    items = registration_checklist(actor, case)
    register = next(t for t in workflow.TRANSITIONS if t.name == "register")
    can_register = (
        all(item.done for item in items)
        and can_run_transition(actor, case, register)
        and not workflow.blocking_reasons(register, case_facts(case, actor))
    )
    return RegistrationStatus(items=items, can_register=can_register)


# --- Counselling, profile, asylum ---------------------------------------------------------


def sessions_for(actor, case: Case) -> list[CounsellingSession]:
    """R-CNS-1: the case's counselling sessions, newest first."""
    _visible(actor, case)
    return list(CounsellingSession.objects.filter(case=case).select_related("counsellor"))


def profile_for(actor, case: Case) -> CaseProfile | None:
    """R-CNS-2: the migrant's situation and history, or None if not recorded yet."""
    _visible(actor, case)
    return CaseProfile.objects.filter(case=case).first()


def asylum_referrals_for(actor, case: Case) -> list[AsylumReferral]:
    """R-CNS-3: the case's asylum referrals, newest first."""
    _visible(actor, case)
    return list(AsylumReferral.objects.filter(case=case).select_related("recorded_by"))


def asylum_referral_get_for(actor, *, referral_id) -> AsylumReferral:
    referral = (
        AsylumReferral.objects.select_related("case", "recorded_by")
        .filter(pk=parse_uuid(referral_id, _("Referral not found.")))
        .first()
    )
    if referral is None or not can_view_case(actor, referral.case):
        raise NotFound(_("Referral not found."))
    return referral


# --- Screenings and referrals (R-VUL-1…3, R-VOT-3) ----------------------------------------


def _readable_findings(readable) -> Prefetch:
    findings = ScreeningFinding.objects.filter(field_group__in=readable).select_related("other")
    return Prefetch("findings", queryset=findings, to_attr="readable_findings")


def screenings_for(actor, case: Case) -> list[Screening]:
    """R-VUL-2: the screening history, newest first. Each screening's `readable_findings`
    holds only the findings of field groups the actor may read for this case (R-VOT-3);
    do not use `findings`, which holds them all."""
    readable = _visible(actor, case)
    return list(
        Screening.objects.filter(case=case)
        .select_related("screened_by")
        .prefetch_related(_readable_findings(readable))
    )


def screening_get_for(actor, *, screening_id) -> Screening:
    """One screening with its `readable_findings` (as in `screenings_for`)."""
    screening = (
        Screening.objects.select_related("case", "screened_by")
        .filter(pk=parse_uuid(screening_id, _("Screening not found.")))
        .first()
    )
    if screening is None or not can_view_case(actor, screening.case):
        raise NotFound(_("Screening not found."))
    readable = readable_groups_for_case(actor, screening.case)
    prefetch_related_objects([screening], _readable_findings(readable))
    return screening


def referrals_for(actor, case: Case) -> list[Referral]:
    """R-VUL-3: the case's referrals of field groups the actor may read, newest first."""
    readable = _visible(actor, case)
    return list(Referral.objects.filter(case=case, field_group__in=readable))


def referral_get_for(actor, *, referral_id) -> Referral:
    """One referral; NotFound if missing, of another office, or of an unreadable group."""
    referral = (
        Referral.objects.select_related("case")
        .filter(pk=parse_uuid(referral_id, _("Referral not found.")))
        .first()
    )
    if referral is None or not group_readable(actor, referral.case, referral.field_group):
        raise NotFound(_("Referral not found."))
    return referral


def office_vulnerabilities_for(actor, case: Case) -> list[OfficeVulnerability]:
    """R-VUL-2: the active "other vulnerabilities" configured by the case's offices."""
    _visible(actor, case)
    return list(OfficeVulnerability.objects.filter(office_id__in=case.office_ids, is_active=True))


# --- Special procedures (R-HLT-1, R-UMC-1, R-VOT-1…3, R-VOL-3) -----------------------------


def _record_of_group(actor, case: Case, model):
    if model.FIELD_GROUP not in _visible(actor, case):
        return None
    return model.objects.filter(case=case).first()


def health_for(actor, case: Case) -> HealthAssessment | None:
    """R-HLT-1: the health assessment; None if there is none or the actor may not read the
    medical group (use `group_readable` to tell the two apart)."""
    return _record_of_group(actor, case, HealthAssessment)


def child_protection_for(actor, case: Case) -> ChildProtection | None:
    """R-UMC-1: the child protection record; None if none or the vulnerability group is not
    readable."""
    return _record_of_group(actor, case, ChildProtection)


def protection_for(actor, case: Case) -> ProtectionAssessment | None:
    """R-VOT-1: the protection assessment; None if none or the trafficking group is not
    readable (R-VOT-3)."""
    return _record_of_group(actor, case, ProtectionAssessment)


def guardians_for(actor, case: Case) -> list[Guardian]:
    """R-VOL-3: the case's legal guardians, newest first."""
    _visible(actor, case)
    return list(Guardian.objects.filter(case=case).select_related("recorded_by"))


def guardian_get_for(actor, *, guardian_id) -> Guardian:
    guardian = (
        Guardian.objects.select_related("case", "recorded_by")
        .filter(pk=parse_uuid(guardian_id, _("Guardian not found.")))
        .first()
    )
    if guardian is None or not can_view_case(actor, guardian.case):
        raise NotFound(_("Guardian not found."))
    return guardian


# --- Duplicates (R-DUP-1) -----------------------------------------------------------------


def latest_duplicate_check(case: Case) -> DuplicateCheck | None:
    """The case's most recent duplicate check (the one decisions refer to)."""
    return (
        DuplicateCheck.objects.filter(case=case)
        .select_related("checked_by")
        .order_by("-checked_at", "-id")
        .first()
    )


def duplicate_decisions_for(case: Case) -> list[DuplicateDecision]:
    """The office's decisions on the case's duplicate candidates, newest first."""
    return list(DuplicateDecision.objects.filter(case=case).select_related("decided_by"))


def can_decide_duplicates(actor, case: Case) -> bool:
    return Perm.DUPLICATE_DECIDE in access_for(actor).perms_at(case.office_ids)
