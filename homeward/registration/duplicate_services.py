"""R-DUP-1 writes: run the duplicate search for a case and record decisions on matches."""

import dataclasses

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.core.errors import ValidationFailed, parse_uuid

from . import duplicates
from .models import DuplicateCheck, DuplicateDecision, DuplicateVerdict
from .services import FIX_ERRORS, audit_case, locked_case


def _jsonable(candidate) -> dict:
    row = dataclasses.asdict(candidate)
    row["person_id"] = str(candidate.person_id)
    row["date_of_birth"] = candidate.date_of_birth.isoformat() if candidate.date_of_birth else None
    row["reasons"] = [str(r) for r in candidate.reasons]
    row["prior_cases"] = [
        {**dataclasses.asdict(p), "programme_id": str(p.programme_id)}
        for p in candidate.prior_cases
    ]
    return row


@transaction.atomic
def duplicates_check(*, actor, case_id) -> DuplicateCheck:
    """R-DUP-1: search all people for earlier registrations of this case's person. The
    candidates are other people's data, so only the roles that decide on them see them."""
    case = locked_case(actor, case_id, Perm.DUPLICATE_DECIDE)
    found = duplicates.find_candidates(case.person, programme=case.programme)
    check = DuplicateCheck.objects.create(
        case=case, checked_by=actor, candidates=[_jsonable(c) for c in found]
    )
    audit_case(
        actor,
        case,
        AuditAction.VIEW,
        summary=gettext_lazy("Duplicate check run"),
        changes={
            "candidates": len(found),
            "likely": sum(1 for c in found if c.likely),
        },
    )
    return check


@transaction.atomic
def duplicate_decide(
    *, actor, case_id, candidate_id, verdict: str, justification: str
) -> DuplicateDecision:
    """R-DUP-1: the office's decision on one likely match: not the same person, continue
    with a justification, or refuse renewed assistance."""
    case = locked_case(actor, case_id, Perm.DUPLICATE_DECIDE)
    candidate_id = str(parse_uuid(candidate_id, _("Candidate not found.")))
    latest = DuplicateCheck.objects.filter(case=case).order_by("-checked_at", "-id").first()
    listed = {c["person_id"] for c in (latest.candidates if latest else [])}
    errors: dict = {}
    if candidate_id not in listed:
        errors["candidate"] = [_("This person is not among the latest duplicate candidates.")]
    if verdict not in DuplicateVerdict.values:
        errors["verdict"] = [_("Choose a decision.")]
    if not (justification or "").strip():
        errors["justification"] = [_("Explain the decision.")]
    if errors:
        raise ValidationFailed(FIX_ERRORS, field_errors=errors)
    decision, created = DuplicateDecision.objects.select_for_update().get_or_create(
        case=case,
        candidate_id=candidate_id,
        defaults={"verdict": verdict, "justification": justification, "decided_by": actor},
    )
    if not created:
        decision.verdict, decision.justification, decision.decided_by = (
            verdict,
            justification,
            actor,
        )
        decision.version += 1
        decision.save()
    audit_case(
        actor,
        case,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        summary=gettext_lazy("Duplicate decision recorded"),
        changes={"candidate": candidate_id, "verdict": verdict, "justification": justification},
    )
    return decision


def duplicates_check_at_entry(*, actor, case_id) -> DuplicateCheck | None:
    """R-DUP-1 "at data entry": run the check as soon as a case is opened, when the actor is
    one who decides on matches (others leave it to them: the checklist asks for it)."""
    from homeward.accounts.access import access_for
    from homeward.cases.models import Case

    case = Case.objects.filter(pk=case_id).first()
    if case is None or Perm.DUPLICATE_DECIDE not in access_for(actor).perms_at(case.office_ids):
        return None
    return duplicates_check(actor=actor, case_id=case_id)
