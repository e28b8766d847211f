"""Writes of the special procedures: health, children, protection and guardianship.

Each record belongs to a field group; only roles that may write that group save it, and
others get the same 404 as for a missing record (R-DAT-2, R-VOT-3).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import SENSITIVE_GROUPS, FieldGroup, Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import diff
from homeward.cases.models import Case, Phase
from homeward.cases.policies import writable_groups_for_case
from homeward.cases.services import case_set_return_area, case_transition
from homeward.core.concurrency import check_version
from homeward.core.errors import NotFound

from .models import (
    BestInterests,
    ChildProtection,
    Guardian,
    HealthAssessment,
    HealthDecision,
    ProtectionAssessment,
    ProtectionOutcome,
)
from .services import audit_case, collect_clean, full_clean, locked_case, not_in_future, refuse

HEALTH_FIELDS = (
    "treatment_at_origin",
    "treatment_notes",
    "decision",
    "relocation_area",
    "needs_medication",
    "needs_wheelchair",
    "needs_stretcher",
    "needs_medical_escort",
    "travel_needs_notes",
)
CHILD_FIELDS = (
    "guardian_confirmed_host",
    "guardian_confirmed_origin",
    "family_assessment_on",
    "best_interests",
    "best_interests_on",
    "child_willing",
    "notes",
)
PROTECTION_FIELDS = (
    "interviewed_on",
    "risk_level",
    "outcome",
    "community_of_choice",
    "protection_notes",
)


def _case_for_group(actor, case_id, group: FieldGroup) -> Case:
    case = locked_case(actor, case_id, Perm.CASE_VIEW)
    if group not in writable_groups_for_case(actor, case):
        raise NotFound(_("Not found."))
    return case


def _save_record(actor, case, model, fields, version, data, *, author_field, validate):
    """Create or update the case's one record of `model`; returns (record, changes)."""
    record = model.objects.select_for_update().filter(case=case).first()
    creating = record is None
    if creating:
        record = model(case=case, **{author_field: actor})
    else:
        check_version(record, version)
    before = {k: getattr(record, k) for k in fields}
    for key in fields:
        if key in data:
            setattr(record, key, data[key])
    errors: dict = {}
    validate(record, errors, case)
    collect_clean(record, errors, exclude=["case", author_field])
    refuse(errors)
    after = {k: getattr(record, k) for k in fields}
    if not creating and before == after:
        return record, {}
    if not creating:
        record.version += 1
        setattr(record, author_field, actor)
    record.save()
    changes = diff(
        {k: _plain(v) for k, v in before.items()}, {k: _plain(v) for k, v in after.items()}
    )
    group = model.FIELD_GROUP
    audit_case(
        actor,
        case,
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        summary=model._meta.verbose_name,
        changes=changes,
        restricted_group=group if group in SENSITIVE_GROUPS else "",
    )
    return record, changes or {"created": True}


def _plain(value):
    return getattr(value, "pk", value)


# --- Health (R-HLT-1) ---------------------------------------------------------------------


@transaction.atomic
def health_assessment_save(*, actor, case_id, version: int | None, data: dict):
    """R-HLT-1: availability of treatment at origin, the decision and travel needs."""
    case = _case_for_group(actor, case_id, FieldGroup.MEDICAL)
    record, _changes = _save_record(
        actor,
        case,
        HealthAssessment,
        HEALTH_FIELDS,
        version,
        data,
        author_field="assessed_by",
        validate=_validate_health,
    )
    return record


def _validate_health(record: HealthAssessment, errors: dict, case: Case) -> None:
    decided = record.decision != HealthDecision.PENDING
    if decided and not record.treatment_at_origin:
        errors["treatment_at_origin"] = [
            _("Record whether treatment is available at origin before deciding.")
        ]
    if record.decision == HealthDecision.RELOCATE and record.relocation_area is None:
        errors["relocation_area"] = [_("Choose the area the migrant will relocate to.")]
    if record.decision != HealthDecision.RELOCATE:
        record.relocation_area = None
    _in_origin_country(record, "relocation_area", errors)


def _in_origin_country(record, field: str, errors: dict) -> None:
    """A return area lies in the country the case returns to."""
    area = getattr(record, field)
    if area is not None and area.country_id != record.case.origin_office.country_id:
        errors.setdefault(field, []).append(_("Choose an area in the country of return."))


# --- Unaccompanied or separated children (R-UMC-1) ----------------------------------------


@transaction.atomic
def child_protection_save(*, actor, case_id, version: int | None, data: dict):
    """R-UMC-1: guardians confirmed, family assessment, best interests, the child's will."""
    case = _case_for_group(actor, case_id, FieldGroup.VULNERABILITY)
    record, _changes = _save_record(
        actor,
        case,
        ChildProtection,
        CHILD_FIELDS,
        version,
        data,
        author_field="recorded_by",
        validate=_validate_child,
    )
    return record


def _validate_child(record: ChildProtection, errors: dict, case: Case) -> None:
    not_in_future(record.family_assessment_on, "family_assessment_on", errors, case)
    not_in_future(record.best_interests_on, "best_interests_on", errors, case)
    concluded = record.best_interests != BestInterests.PENDING
    if concluded and not record.best_interests_on:
        errors["best_interests_on"] = [_("Give the date the determination was concluded.")]


# --- Victims of trafficking, exploitation, abuse or violence (R-VOT-1, R-VOT-2) ------------


@transaction.atomic
def protection_assessment_save(*, actor, case_id, version: int | None, data: dict):
    """R-VOT-1: interview and risk assessment; an unsafe outcome declines the return.
    R-VOT-2: the community of choice becomes the case's return area."""
    case = _case_for_group(actor, case_id, FieldGroup.TRAFFICKING)
    record, changes = _save_record(
        actor,
        case,
        ProtectionAssessment,
        PROTECTION_FIELDS,
        version,
        data,
        author_field="assessed_by",
        validate=_validate_protection,
    )
    if "community_of_choice" in changes and record.community_of_choice_id:
        case_set_return_area(actor=actor, case_id=case.pk, area=record.community_of_choice)
    if "outcome" in changes and record.outcome == ProtectionOutcome.UNSAFE:
        _decline_unsafe(actor, case)
    return record


def _validate_protection(record: ProtectionAssessment, errors: dict, case: Case) -> None:
    not_in_future(record.interviewed_on, "interviewed_on", errors, case)
    if record.outcome != ProtectionOutcome.PENDING:
        if not record.interviewed_on:
            errors["interviewed_on"] = [_("The screening interview comes before the outcome.")]
        if not record.risk_level:
            errors["risk_level"] = [_("Record the risk level before the outcome.")]
    _in_origin_country(record, "community_of_choice", errors)


def _decline_unsafe(actor, case: Case) -> None:
    """R-VOT-1: an unsafe or unsustainable return is declined. The timeline reason stays
    generic: the timeline is read by roles that may not know why."""
    if case.phase in (Phase.COUNSELLING, Phase.REGISTERED, Phase.PRE_DEPARTURE):
        case_transition(
            actor=actor,
            case_id=case.pk,
            action="decline_unsafe",
            reason=_("Return assessed as not safe or not sustainable."),
        )


# --- Guardianship (R-VOL-3) ---------------------------------------------------------------

GUARDIAN_FIELDS = ("reason", "name", "relationship", "contact", "identity_confirmed")


@transaction.atomic
def guardian_record(*, actor, case_id, data: dict) -> Guardian:
    """R-VOL-3: the legal guardian of a child or of a person unable to decide."""
    case = locked_case(actor, case_id, Perm.CASE_EDIT)
    guardian = Guardian(case=case, recorded_by=actor)
    for key in GUARDIAN_FIELDS:
        if key in data:
            setattr(guardian, key, data[key])
    full_clean(guardian, exclude=["case", "recorded_by"])
    guardian.save()
    audit_case(
        actor,
        case,
        AuditAction.CREATE,
        summary=gettext_lazy("Legal guardian recorded"),
        changes={k: getattr(guardian, k) for k in GUARDIAN_FIELDS},
    )
    return guardian


@transaction.atomic
def guardian_confirm_identity(*, actor, guardian_id, version: int | None) -> Guardian:
    """R-VOL-3 / R-UMC-1: the guardian's identity was checked against a document."""
    guardian = Guardian.objects.select_for_update().filter(pk=guardian_id).first()
    if guardian is None:
        raise NotFound(_("Not found."))
    case = locked_case(actor, guardian.case_id, Perm.CASE_EDIT)
    check_version(guardian, version)
    if not guardian.identity_confirmed:
        guardian.identity_confirmed = True
        guardian.version += 1
        guardian.save()
        audit_case(
            actor,
            case,
            AuditAction.UPDATE,
            summary=gettext_lazy("Legal guardian's identity confirmed"),
            changes={"identity_confirmed": [False, True]},
        )
    return guardian
