"""Writes of phase 1: counselling, profile, asylum referral, screening and referrals.

Special procedures and duplicate decisions are in `procedures.py` and `duplicate_services.py`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.roles import SENSITIVE_GROUPS, Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record, diff
from homeward.cases.models import Case, Phase, VulnerabilityCategory, category_group
from homeward.cases.policies import can_view_case, writable_groups_for_case
from homeward.cases.services import case_apply_screening_flags, case_transition
from homeward.core.concurrency import check_version
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, parse_uuid
from homeward.programmes.models import PARA_SCHEMES

from .models import (
    AsylumOutcome,
    AsylumReferral,
    CaseProfile,
    CounsellingSession,
    OfficeVulnerability,
    Referral,
    ReferralStatus,
    Screening,
    ScreeningFinding,
    ScreeningStage,
)

FIX_ERRORS = gettext_lazy("Please correct the errors below.")


def locked_case(actor, case_id, perm: Perm) -> Case:
    """The case, locked for the write; 404 when missing or not visible, 403 without `perm`."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "host_office", "origin_office")
        .filter(pk=parse_uuid(case_id, _("Case not found.")))
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    if perm not in access_for(actor).perms_at(case.office_ids):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    return case


def full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def collect_clean(obj, errors: dict, exclude=None) -> None:
    """Add the model's own validation messages to `errors` (all problems in one round)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def refuse(errors: dict) -> None:
    if errors:
        raise ValidationFailed(FIX_ERRORS, field_errors=errors)


def audit_case(actor, case: Case, action: str, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        offices=case.office_ids,
        case_reference=case.reference,
        **details,
    )


def refuse_on_assisted_return(case: Case) -> None:
    """R-ARR-3: no pre-departure counselling or assistance on forced or other-actor returns."""
    if case.scheme in PARA_SCHEMES:
        raise ValidationFailed(
            _(
                "This return was not organised by the programme (forced or other-actor return): "
                "no pre-departure counselling or assistance may be recorded."
            )
        )


def not_in_future(value, field: str, errors: dict, case: Case) -> None:
    """A day recorded on the case is the acting office's today at the latest."""
    if value and value > case.today():
        errors.setdefault(field, []).append(_("This date is in the future."))


def person_languages(case: Case) -> set[str]:
    return {lang.language.lower() for lang in case.person.languages.all()}


# --- Counselling (R-CNS-1, R-CNS-4) -------------------------------------------------------

SESSION_FIELDS = (
    "kind",
    "held_on",
    "place",
    "mode",
    "language",
    "interpreter",
    "interpreted_into",
    "participants",
    "notes",
    "direct_access",
    "spoke_freely",
)


@transaction.atomic
def counselling_session_record(*, actor, case_id, data: dict) -> CounsellingSession:
    """R-CNS-1: a session in a language the migrant understands (directly or through an
    interpreter); R-CNS-4: in detention, direct access and free speech are confirmed."""
    case = locked_case(actor, case_id, Perm.CASE_COUNSEL)
    refuse_on_assisted_return(case)
    values = {k: data[k] for k in SESSION_FIELDS if k in data}
    for key in ("language", "interpreted_into"):
        values[key] = (values.get(key) or "").strip().lower()
    session = CounsellingSession(case=case, counsellor=actor, **values)
    errors: dict = {}
    _check_session_language(case, session, errors)
    _check_detention_conditions(case, session, errors)
    not_in_future(session.held_on, "held_on", errors, case)
    collect_clean(session, errors, exclude=["case", "counsellor"])
    refuse(errors)
    session.save()
    audit_case(
        actor,
        case,
        AuditAction.CREATE,
        summary=gettext_lazy("Counselling session recorded"),
        changes={"kind": session.kind, "held_on": session.held_on, "language": session.language},
    )
    return session


def _check_session_language(case: Case, session: CounsellingSession, errors: dict) -> None:
    """R-CNS-1: counselling must be in a language the migrant understands."""
    understood = person_languages(case)
    if not understood:
        errors.setdefault("language", []).append(
            _("Record the languages the migrant understands on their person record first.")
        )
        return
    if session.language in understood:
        return
    if session.interpreter.strip() and session.interpreted_into in understood:
        return
    errors.setdefault("language", []).append(
        _(
            "The migrant does not understand this language (they understand: %(langs)s). "
            "Counsel in one of them, or record the interpreter and the language they used."
        )
        % {"langs": ", ".join(sorted(understood))}
    )


def _check_detention_conditions(case: Case, session: CounsellingSession, errors: dict) -> None:
    profile = CaseProfile.objects.filter(case=case).first()
    if profile is None or not profile.in_detention:
        return
    for field in ("direct_access", "spoke_freely"):
        if getattr(session, field) is None:
            errors.setdefault(field, []).append(
                _("The migrant is in detention: answer this question (R-CNS-4).")
            )


# --- Profile (R-CNS-2, R-CNS-4, R-UMC-2) --------------------------------------------------

PROFILE_FIELDS = (
    "current_situation",
    "left_home_on",
    "route",
    "months_abroad",
    "migration_cost",
    "debt",
    "cost_currency",
    "education",
    "occupation",
    "skills",
    "in_detention",
    "detention_grounds",
    "returns_with_one_parent",
)


@transaction.atomic
def case_profile_save(*, actor, case_id, version: int | None, data: dict) -> CaseProfile:
    """R-CNS-2: migration history, skills and situation; R-CNS-4: detention grounds."""
    case = locked_case(actor, case_id, Perm.CASE_EDIT)
    profile = CaseProfile.objects.select_for_update().filter(case=case).first()
    creating = profile is None
    if creating:
        profile = CaseProfile(case=case)
    else:
        check_version(profile, version)
    before = {k: getattr(profile, k) for k in PROFILE_FIELDS}
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(profile, key, data[key])
    profile.cost_currency = (profile.cost_currency or "").upper()
    errors: dict = {}
    not_in_future(profile.left_home_on, "left_home_on", errors, case)
    if profile.in_detention and not profile.detention_grounds:
        errors["detention_grounds"] = [_("Record the grounds of detention (R-CNS-4).")]
    if not profile.in_detention:
        profile.detention_grounds = ""
    collect_clean(profile, errors, exclude=["case"])
    refuse(errors)
    after = {k: getattr(profile, k) for k in PROFILE_FIELDS}
    if not creating and before == after:
        return profile
    if not creating:
        profile.version += 1
    profile.save()
    audit_case(
        actor,
        case,
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        summary=gettext_lazy("Migration history and situation recorded"),
        changes=diff(before, after),
    )
    return profile


# --- Asylum referral (R-CNS-3) ------------------------------------------------------------


@transaction.atomic
def asylum_referral_record(*, actor, case_id, data: dict) -> AsylumReferral:
    """R-CNS-3: a potential asylum seeker is referred to UNHCR; registration then waits."""
    case = locked_case(actor, case_id, Perm.CASE_COUNSEL)
    referral = AsylumReferral(
        case=case,
        recorded_by=actor,
        referred_on=data.get("referred_on"),
        referred_to=(data.get("referred_to") or "UNHCR").strip(),
        notes=data.get("notes", ""),
    )
    errors: dict = {}
    not_in_future(referral.referred_on, "referred_on", errors, case)
    collect_clean(referral, errors, exclude=["case", "recorded_by"])
    refuse(errors)
    referral.save()
    audit_case(
        actor,
        case,
        AuditAction.CREATE,
        summary=gettext_lazy("Referred for asylum counselling"),
        changes={"referred_to": referral.referred_to, "referred_on": referral.referred_on},
    )
    return referral


@transaction.atomic
def asylum_referral_decide(
    *, actor, referral_id, version: int | None, outcome: str, decided_on=None
) -> AsylumReferral:
    """R-CNS-3: record the migrant's decision; pursuing asylum takes the case out of AVRR."""
    referral = (
        AsylumReferral.objects.select_for_update()
        .filter(pk=parse_uuid(referral_id, _("Referral not found.")))
        .first()
    )
    if referral is None:
        raise NotFound(_("Referral not found."))
    case = locked_case(actor, referral.case_id, Perm.CASE_COUNSEL)
    check_version(referral, version)
    errors: dict = {}
    if outcome not in (AsylumOutcome.NOT_PURSUING, AsylumOutcome.PURSUING):
        errors["outcome"] = [_("Choose the migrant's decision.")]
    decided_on = decided_on or case.today()
    not_in_future(decided_on, "decided_on", errors, case)
    if decided_on < referral.referred_on:
        errors.setdefault("decided_on", []).append(_("The decision cannot precede the referral."))
    refuse(errors)
    before = referral.outcome
    referral.outcome, referral.decided_on = outcome, decided_on
    referral.version += 1
    referral.save()
    audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Asylum decision recorded"),
        changes={"outcome": [before, outcome]},
    )
    if outcome == AsylumOutcome.PURSUING and case.phase in (Phase.IDENTIFIED, Phase.COUNSELLING):
        case_transition(
            actor=actor,
            case_id=case.pk,
            action="refer_asylum",
            reason=_("The migrant is pursuing asylum."),
        )
    return referral


# --- Screening (R-VUL-1, R-VUL-2, R-VUL-3) ------------------------------------------------


@transaction.atomic
def screening_record(*, actor, case_id, data: dict) -> Screening:
    """R-VUL-1/2: a profile and vulnerability screening, kept as history; it sets the case's
    current flags and (R-VUL-3) proposes a referral for each newly identified vulnerability."""
    case = locked_case(actor, case_id, Perm.SCREENING_RECORD)
    stage = data.get("stage")
    if stage == ScreeningStage.PRE_DEPARTURE:
        refuse_on_assisted_return(case)
    categories = set(data.get("categories") or ())
    others = _office_vulnerabilities(case, data.get("other_vulnerabilities") or ())
    errors: dict = {}
    unknown = sorted(categories - set(VulnerabilityCategory.values))
    if unknown:
        errors["categories"] = [_("Unknown vulnerability: %s") % ", ".join(unknown)]
    if others:
        categories.add(VulnerabilityCategory.OTHER)
    screening = Screening(
        case=case,
        stage=stage,
        screened_on=data.get("screened_on"),
        screened_by=actor,
        capacity=data.get("capacity"),
        notes=data.get("notes", ""),
    )
    not_in_future(screening.screened_on, "screened_on", errors, case)
    collect_clean(screening, errors, exclude=["case", "screened_by"])
    refuse(errors)
    screening.save()
    notes = data.get("finding_notes") or {}
    _save_findings(screening, categories, others, notes)
    added = case_apply_screening_flags(actor=actor, case=case, categories=categories)
    _propose_referrals(case, screening, added)
    _audit_screening(actor, case, screening, categories)
    return screening


def _office_vulnerabilities(case: Case, ids) -> list[OfficeVulnerability]:
    if not ids:
        return []
    found = list(
        OfficeVulnerability.objects.filter(pk__in=list(ids), office_id__in=case.office_ids)
    )
    if len(found) != len(set(ids)):
        raise ValidationFailed(
            FIX_ERRORS,
            field_errors={"other_vulnerabilities": [_("Unknown vulnerability for this office.")]},
        )
    return found


def _save_findings(screening, categories: set, others: list, notes: dict) -> None:
    for category in sorted(categories - {VulnerabilityCategory.OTHER}):
        ScreeningFinding.objects.create(
            screening=screening, category=category, note=str(notes.get(category, ""))[:255]
        )
    for other in others:
        ScreeningFinding.objects.create(
            screening=screening, category=VulnerabilityCategory.OTHER, other=other
        )
    if VulnerabilityCategory.OTHER in categories and not others:
        ScreeningFinding.objects.create(
            screening=screening,
            category=VulnerabilityCategory.OTHER,
            note=str(notes.get(VulnerabilityCategory.OTHER, ""))[:255],
        )


def _propose_referrals(case: Case, screening: Screening, added: set) -> None:
    """R-VUL-3: identified vulnerabilities trigger referral to adequate services."""
    open_statuses = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    already = set(
        Referral.objects.filter(case=case, status__in=open_statuses).values_list(
            "category", flat=True
        )
    )
    for category in sorted(added - already):
        Referral.objects.create(case=case, screening=screening, category=category)


def _audit_screening(actor, case: Case, screening: Screening, categories: set) -> None:
    """One line for the screening, plus one per sensitive group found (redacted for others)."""
    plain = sorted(c for c in categories if category_group(c) not in SENSITIVE_GROUPS)
    audit_case(
        actor,
        case,
        AuditAction.CREATE,
        summary=gettext_lazy("Vulnerability screening recorded"),
        changes={"stage": screening.stage, "findings": plain, "capacity": screening.capacity},
    )
    for group in sorted({category_group(c) for c in categories} & SENSITIVE_GROUPS):
        audit_case(
            actor,
            case,
            AuditAction.CREATE,
            summary=gettext_lazy("Restricted screening finding recorded"),
            changes={"findings": sorted(c for c in categories if category_group(c) == group)},
            restricted_group=group,
        )


REFERRAL_FIELDS = ("provider", "status", "urgent", "notes")


@transaction.atomic
def referral_update(*, actor, referral_id, version: int | None, data: dict) -> Referral:
    """R-VUL-3: follow a referral to its provider; sensitive ones only by their group."""
    referral = (
        Referral.objects.select_for_update()
        .filter(pk=parse_uuid(referral_id, _("Referral not found.")))
        .first()
    )
    if referral is None:
        raise NotFound(_("Referral not found."))
    case = locked_case(actor, referral.case_id, Perm.SCREENING_RECORD)
    if referral.field_group not in writable_groups_for_case(actor, case):
        raise NotFound(_("Referral not found."))
    check_version(referral, version)
    before = {k: getattr(referral, k) for k in REFERRAL_FIELDS}
    for key in REFERRAL_FIELDS:
        if key in data:
            setattr(referral, key, data[key])
    errors: dict = {}
    if referral.status != ReferralStatus.PROPOSED and not referral.provider.strip():
        errors["provider"] = [_("Name the service provider the migrant is referred to.")]
    collect_clean(referral, errors, exclude=["case", "screening"])
    refuse(errors)
    after = {k: getattr(referral, k) for k in REFERRAL_FIELDS}
    if before == after:
        return referral
    referral.version += 1
    referral.save()
    group = referral.field_group
    audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Referral updated"),
        changes=diff(before, after),
        restricted_group=group if group in SENSITIVE_GROUPS else "",
    )
    return referral


def registration_viewed(
    *, actor, case: Case, summary, restricted_group: str = "", ip_address: str | None = None
) -> None:
    """R-DAT-3: record that the actor read a phase-1 record of the case (`summary` says
    which); reads of a sensitive group's record carry that group (R-VOT-3)."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=case,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=summary,
        ip_address=ip_address,
        restricted_group=restricted_group,
    )


def age_on(person, day: datetime.date) -> int | None:
    """Age in whole years from the date of birth, or from the estimated age as it grows."""
    if person.date_of_birth:
        born = person.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.estimated_age is not None:
        since = person.age_estimated_on or person.created_at.date()
        return person.estimated_age + max(0, (day - since).days // 365)
    return None
