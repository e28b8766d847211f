"""Writes to cases: creation, edits, flags and the single phase-changing path."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_today
from homeward.accounts.models import Office
from homeward.accounts.roles import SENSITIVE_GROUPS, FieldGroup, Perm
from homeward.accounts.selectors import case_workers_of
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record, audit_record_many, diff
from homeward.core.bulk import insert_new
from homeward.core.concurrency import check_version
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    parse_uuid,
)
from homeward.geo.models import AdminArea
from homeward.people.models import Person
from homeward.programmes.models import PARA_SCHEMES, Programme, ReturnScheme

from . import workflow
from .models import (
    Case,
    CaseEvent,
    ReferenceSequence,
    VulnerabilityCategory,
    VulnerabilityFlag,
    category_group,
)
from .policies import can_view_case, readable_groups_for_case, writable_groups_for_case
from .selectors import case_facts

EDITABLE_FIELDS = ("assigned_to", "intended_return_area", "notes")


def next_reference(country_code: str, year: int) -> str:
    """A never-repeating number such as SN-2026-000123; the sequence row is locked, so
    concurrent creations on PostgreSQL wait for each other instead of sharing a number."""
    return next_references(country_code, year, 1)[0]


def next_references(country_code: str, year: int, count: int) -> list[str]:
    """`count` never-repeating numbers in a row, reserved with one locked update."""
    ReferenceSequence.objects.bulk_create(
        [ReferenceSequence(country_code=country_code, year=year)], ignore_conflicts=True
    )
    sequence = ReferenceSequence.objects.select_for_update().get(
        country_code=country_code, year=year
    )
    sequence.last_number = F("last_number") + count
    sequence.save(update_fields=["last_number"])
    sequence.refresh_from_db(fields=["last_number"])
    last = sequence.last_number
    return [f"{country_code}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


@transaction.atomic
def case_create(
    *,
    actor,
    person: Person,
    programme: Programme,
    scheme: str,
    origin_office: Office,
    host_office: Office | None = None,
    assigned_to=None,
    intended_return_area=None,
    notes: str = "",
) -> Case:
    """Open a case; forced and other-actor returns open at arrival (R-ARR-3)."""
    _check_creation(actor, person, programme, scheme, origin_office, host_office)
    case = Case(
        person=person,
        programme=programme,
        scheme=scheme,
        host_office=host_office,
        origin_office=origin_office,
        assigned_to=assigned_to,
        intended_return_area=intended_return_area,
        notes=notes,
        phase=workflow.initial_phase(scheme),
        search_text=person.search_text,
    )
    _full_clean(case, exclude=["reference"])
    _check_assignee(case)
    case.reference = next_reference(origin_office.country_id, case.today().year)
    case.save()
    CaseEvent.objects.create(case=case, actor=actor, action="open", to_phase=case.phase)
    _audit_case(
        actor,
        case,
        AuditAction.CREATE,
        summary=gettext_lazy("Case opened"),
        changes={"phase": case.phase, "scheme": scheme},
    )
    return case


@transaction.atomic
def para_cases_create_bulk(
    *,
    actor,
    people: list[Person],
    programme: Programme,
    scheme: str,
    origin_office: Office,
    return_areas: list | None = None,
) -> list[Case]:
    """R-ARR-3: open forced or other-actor return cases at arrival for many people at once
    (authorities' notification lists), with `case_create`'s checks, one timeline event and
    one audit line per case. `return_areas` gives each case's intended return area id."""
    if not people:
        return []
    if scheme not in PARA_SCHEMES:
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"scheme": [_("Only forced and other-actor returns open at arrival.")]},
        )
    _check_creation(actor, people[0], programme, scheme, origin_office, None)
    from homeward.people.selectors import visible_person_ids

    visible = visible_person_ids(actor, [p.pk for p in people])
    areas = list(return_areas or [None] * len(people))
    wanted = {a for a in areas if a is not None}
    known = set(
        AdminArea.objects.filter(pk__in=wanted, country_id=origin_office.country_id).values_list(
            "pk", flat=True
        )
    )
    errors = {}
    for index, (person, area) in enumerate(zip(people, areas, strict=True)):
        if person.pk not in visible:
            errors[f"{index}.person"] = [_("Person not found.")]
        if area is not None and area not in known:
            errors[f"{index}.intended_return_area"] = [_("Unknown area of the origin country.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    year = office_today(origin_office).year
    references = next_references(origin_office.country_id, year, len(people))
    cases = [
        Case(
            person=person,
            programme=programme,
            scheme=scheme,
            origin_office=origin_office,
            intended_return_area_id=area,
            phase=workflow.initial_phase(scheme),
            search_text=person.search_text,
            reference=reference,
        )
        for person, area, reference in zip(people, areas, references, strict=True)
    ]
    # The shared references were checked above; each case's own fields here.
    related = ["person", "programme", "origin_office", "host_office", "assigned_to"]
    for case in cases:
        try:
            case.full_clean(
                exclude=[*related, "intended_return_area"],
                validate_unique=False,
                validate_constraints=False,
            )
        except DjangoValidationError as exc:
            raise ValidationFailed.from_django(exc) from exc
    insert_new(cases)
    insert_new([CaseEvent(case=c, actor=actor, action="open", to_phase=c.phase) for c in cases])
    audit_record_many(
        actor=actor,
        records=[
            {
                "action": AuditAction.CREATE,
                "obj": case,
                "offices": case.office_ids,
                "case_reference": case.reference,
                "summary": gettext_lazy("Case opened"),
                "changes": {"phase": case.phase, "scheme": scheme},
            }
            for case in cases
        ],
    )
    return cases


def _check_creation(actor, person, programme, scheme, origin_office, host_office) -> None:
    errors: dict[str, list[str]] = {}
    if scheme not in ReturnScheme.values:
        errors["scheme"] = [_("Choose a return scheme.")]
    elif programme.eligible_schemes and scheme not in programme.eligible_schemes:
        errors["scheme"] = [_("This programme does not cover this return scheme.")]
    if not origin_office.is_origin:
        errors["origin_office"] = [_("This office does not act as an origin office.")]
    if host_office is None and scheme not in PARA_SCHEMES:
        errors["host_office"] = [
            _("A host office is required for returns the programme organises.")
        ]
    if host_office is not None and not (host_office.is_host or host_office.is_transit):
        errors["host_office"] = [_("This office does not act as a host office.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    creating_office = origin_office if scheme in PARA_SCHEMES else host_office
    access = access_for(actor)
    if Perm.CASE_CREATE not in access.perms_at([creating_office.pk]):
        raise PermissionDenied(_("You may not open cases for this office."))
    from homeward.people.selectors import person_get_for

    person_get_for(actor, person_id=person.pk)


def _check_assignee(case: Case) -> None:
    if case.assigned_to is None:
        return
    if not case_workers_of(case.office_ids).filter(pk=case.assigned_to.pk).exists():
        message = _("The assignee must work on case files in one of the case's offices.")
        raise ValidationFailed(
            _("Please correct the errors below."), field_errors={"assigned_to": [message]}
        )


def _full_clean(case: Case, exclude=None) -> None:
    from django.core.exceptions import ValidationError

    try:
        case.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _locked_case(actor, case_id) -> Case:
    case = (
        Case.objects.select_for_update()
        .filter(pk=parse_uuid(case_id, _("Case not found.")))
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound(_("Case not found."))
    return case


@transaction.atomic
def case_update(*, actor, case_id, version: int | None, data: dict) -> Case:
    """Edit a case's assignment, intended return area and notes; refuses stale versions."""
    case = _locked_case(actor, case_id)
    if Perm.CASE_EDIT not in access_for(actor).perms_at(case.office_ids):
        raise PermissionDenied(_("You may not change this case."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here."),
            field_errors={k: [_("This field cannot be changed.")] for k in sorted(unknown)},
        )
    check_version(case, version)
    before = {k: _audit_value(getattr(case, k)) for k in EDITABLE_FIELDS}
    for key, value in data.items():
        setattr(case, key, value)
    _full_clean(case)
    _check_assignee(case)
    case.version += 1
    case.save()
    after = {k: _audit_value(getattr(case, k)) for k in EDITABLE_FIELDS}
    _audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Case changed"),
        changes=diff(before, after),
    )
    return case


def _audit_value(value):
    return str(value) if value is not None and not isinstance(value, str) else value


@transaction.atomic
def case_transition(*, actor, case_id, action: str, reason: str = "") -> Case:
    """The only way a phase changes: lock, check permission and guards, save, record."""
    transition = workflow.BY_NAME.get(action)
    if transition is None:
        raise ValidationFailed(
            _("Unknown action."), field_errors={"action": [_("Unknown action.")]}
        )
    case = _locked_case(actor, case_id)
    if transition.permission not in access_for(actor).perms_at(case.office_ids):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    reasons = workflow.blocking_reasons(transition, case_facts(case, actor, [transition]))
    if reasons:
        raise TransitionBlocked(_("This action is blocked."), reasons=reasons)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationFailed(
            _("Please give a reason."), field_errors={"reason": [_("A reason is required.")]}
        )
    return _apply_transition(actor, case, transition, reason)


def _apply_transition(actor, case: Case, transition: workflow.Transition, reason: str) -> Case:
    from_phase = case.phase
    case.phase = transition.target
    case.phase_changed_at = timezone.now()
    case.version += 1
    case.save(update_fields=["phase", "phase_changed_at", "version", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=transition.name,
        from_phase=from_phase,
        to_phase=case.phase,
        reason=reason,
    )
    _audit_case(
        actor,
        case,
        AuditAction.TRANSITION,
        summary=transition.label,
        changes={"phase": [from_phase, case.phase], "reason": reason},
    )
    return case


@transaction.atomic
def case_set_flags(*, actor, case_id, categories: list[str]) -> Case:
    """Set the case's current vulnerability flags in the groups the actor may write;
    flags of groups the actor cannot see are left untouched."""
    case = _locked_case(actor, case_id)
    unknown = sorted(set(categories) - set(VulnerabilityCategory.values))
    if unknown:
        raise ValidationFailed(
            _("Unknown vulnerability."), field_errors={"flags": [", ".join(unknown)]}
        )
    writable = access_for(actor).writable_at(case.office_ids)
    refused = sorted({c for c in categories if category_group(c) not in writable})
    if refused:
        raise PermissionDenied(
            _("You may not record these vulnerabilities."), field_errors={"flags": refused}
        )
    mine = [f for f in case.flags.all() if f.field_group in writable]
    before = {f.category for f in mine}
    VulnerabilityFlag.objects.filter(pk__in=[f.pk for f in mine]).delete()
    for category in sorted(set(categories)):
        VulnerabilityFlag.objects.create(case=case, category=category)
    _audit_flag_changes(actor, case, before, set(categories))
    return case


def _audit_flag_changes(actor, case: Case, before: set, after: set) -> None:
    """One audit line per field group changed, so that a trafficking, medical or GBV flag
    is readable in the log only by those who may read that group (R-VOT-3)."""
    groups = {category_group(c) for c in before ^ after}
    for group in sorted(groups):
        _audit_case(
            actor,
            case,
            AuditAction.UPDATE,
            summary=gettext_lazy("Vulnerability flags changed"),
            changes={"flags": [_in_group(before, group), _in_group(after, group)]},
            restricted_group=group if group in SENSITIVE_GROUPS else "",
        )


def _audit_case(actor, case: Case, action: str, **details) -> None:
    """An audit line about a case, scoped to its host and origin offices."""
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        offices=case.office_ids,
        case_reference=case.reference,
        **details,
    )


def _in_group(categories: set, group) -> list[str]:
    return sorted(c for c in categories if category_group(c) == group)


def case_viewed(*, actor, case: Case, ip_address: str | None = None) -> None:
    """R-DAT-3: record that the actor saw this case's personal data."""
    _audit_case(
        actor,
        case,
        AuditAction.VIEW,
        summary=gettext_lazy("Case file viewed"),
        ip_address=ip_address,
    )


@transaction.atomic
def case_link_family(*, actor, case_id, other_reference: str, linked: bool = True) -> Case:
    """Link (or unlink) two cases of family members returning together."""
    case = _locked_case(actor, case_id)
    other = Case.objects.select_for_update().filter(reference=other_reference.strip().upper())
    other = other.first()
    if other is None or not can_view_case(actor, other):
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"family_member": [_("No case with this reference number.")]},
        )
    for target in (case, other):
        if Perm.CASE_EDIT not in access_for(actor).perms_at(target.office_ids):
            raise PermissionDenied(_("You may not change this case."))
    if other.pk == case.pk:
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"family_member": [_("A case cannot be linked to itself.")]},
        )
    (case.family_members.add if linked else case.family_members.remove)(other)
    _audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Family member linked")
        if linked
        else gettext_lazy("Family member unlinked"),
        changes={"family_member": other.reference, "linked": linked},
    )
    return case


@transaction.atomic
def case_set_protection_sharing(*, actor, case_id, shared: bool) -> Case:
    """R-VOT-3: open or close the assigned case manager's view of trafficking detail; called
    by the consent service when the migrant gives or withdraws that consent."""
    case = _locked_case(actor, case_id)
    if case.protection_shared_with_assignee == shared:
        return case
    case.protection_shared_with_assignee = shared
    case.save(update_fields=["protection_shared_with_assignee", "updated_at"])
    _audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Protection detail shared with the assigned case manager")
        if shared
        else gettext_lazy("Protection detail no longer shared with the case manager"),
        changes={"protection_shared_with_assignee": [not shared, shared]},
        restricted_group="trafficking",
    )
    return case


def case_apply_screening_flags(*, actor, case: Case, categories: set[str]) -> set[str]:
    """R-VUL-2: a screening sets the case's current flags. The screener may raise any
    category (a counsellor must be able to report a suspected trafficking victim), but
    flags in groups the screener cannot read are kept, never silently removed.
    Call inside the caller's transaction with a locked case; returns the new categories."""
    readable = readable_groups_for_case(actor, case)
    current = {f.category for f in case.flags.all()}
    kept = {c for c in current if category_group(c) not in readable}
    after = kept | set(categories)
    VulnerabilityFlag.objects.filter(case=case).exclude(category__in=after).delete()
    for category in sorted(after - current):
        VulnerabilityFlag.objects.create(case=case, category=category)
    _audit_flag_changes(actor, case, current, after)
    return after - current


@transaction.atomic
def case_set_return_area(*, actor, case_id, area) -> Case:
    """R-VOT-2: a victim of trafficking may return to a community of their choice; the
    protection assessor (who may not edit the case otherwise) sets it as the return area."""
    case = _locked_case(actor, case_id)
    allowed = Perm.CASE_EDIT in access_for(actor).perms_at(case.office_ids) or (
        FieldGroup.TRAFFICKING in writable_groups_for_case(actor, case)
    )
    if not allowed:
        raise PermissionDenied(_("You may not change this case."))
    if case.intended_return_area_id == getattr(area, "pk", None):
        return case
    before = case.intended_return_area_id
    case.intended_return_area = area
    case.version += 1
    case.save(update_fields=["intended_return_area", "version", "updated_at"])
    _audit_case(
        actor,
        case,
        AuditAction.UPDATE,
        summary=gettext_lazy("Intended return area changed"),
        changes={"intended_return_area": [_audit_value(before), _audit_value(area)]},
    )
    return case
