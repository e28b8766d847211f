"""R-ARR-6: handover of a returning child to the legal guardian."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import FieldGroup
from homeward.accounts.selectors import office_today
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Case, Phase, VulnerabilityCategory, VulnerabilityFlag
from homeward.core.errors import PermissionDenied, ValidationFailed
from homeward.registration.models import Guardian
from homeward.registration.services import age_on

from .models import ArrivalRecord, UmcHandover
from .policies import can_record_arrival
from .services import locked_case


def is_child(case: Case, on: datetime.date | None = None) -> bool:
    """A minor on the day (default: today at the origin office; from the date of birth or
    estimated age), or flagged as an unaccompanied or separated child."""
    age = age_on(case.person, on or office_today(case.origin_office))
    if age is not None and age < 18:
        return True
    return VulnerabilityFlag.objects.filter(case=case, category=VulnerabilityCategory.UMC).exists()


@transaction.atomic
def umc_handover_record(*, actor, case_id, data: dict) -> UmcHandover:
    """R-ARR-6: refused unless the case is a child's, the arrival is recorded, and the
    guardian is one of the case's legal guardians whose identity is confirmed and was
    checked again at handover; the guardian signs (in the staff member's presence)."""
    case = locked_case(actor, case_id)
    if not can_record_arrival(actor, case):
        raise PermissionDenied(_("You may not record the handover of this child."))
    if UmcHandover.objects.filter(case=case).exists():
        raise ValidationFailed(_("The handover of this child is already recorded."))
    if not is_child(case):
        raise ValidationFailed(
            _("A handover to a legal guardian is recorded for a child (minor or UMC) only."),
            field_errors={"case": [_("The returnee is not a child.")]},
        )
    arrival = ArrivalRecord.objects.filter(case=case).first()
    if arrival is None or case.phase not in (Phase.ARRIVED, Phase.REINTEGRATION):
        raise ValidationFailed(
            _("Record the child's arrival first: the notification gives its details.")
        )
    errors: dict[str, list] = {}
    guardian = _guardian(errors, case, data.get("guardian"))
    checked_with = str(data.get("identity_checked_with") or "").strip()
    if not checked_with:
        errors["identity_checked_with"] = [
            _("Say which document the guardian's identity was checked with.")
        ]
    handed_over_at = data.get("handed_over_at") or timezone.now()
    if isinstance(handed_over_at, str):
        handed_over_at = parse_datetime(handed_over_at)
        if handed_over_at is None:
            errors["handed_over_at"] = [_("Enter a valid date and time.")]
    if handed_over_at and timezone.is_naive(handed_over_at):
        handed_over_at = timezone.make_aware(handed_over_at)
    if handed_over_at and handed_over_at < arrival.arrived_at:
        errors.setdefault("handed_over_at", []).append(_("The handover comes after arrival."))
    if not data.get("signed_in_presence"):
        errors["signed_in_presence"] = [
            _("The guardian signs the UMC handover notification in your presence.")
        ]
    place = str(data.get("place") or "").strip() or arrival.place
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    handover = UmcHandover.objects.create(
        case=case,
        guardian=guardian,
        identity_checked_with=checked_with,
        handed_over_at=handed_over_at,
        place=place,
        staff=data.get("staff") or actor,
        signed_in_presence=True,
        notes=str(data.get("notes") or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=handover,
        offices=case.office_ids,
        case_reference=case.reference,
        summary=gettext_lazy("Child handed over to the legal guardian"),
        changes={
            "guardian": str(guardian.pk),
            "identity_checked_with": checked_with,
            "handed_over_at": handed_over_at,
            "place": place,
        },
        restricted_group=FieldGroup.VULNERABILITY,
    )
    return handover


def _guardian(errors: dict, case: Case, value) -> Guardian | None:
    guardians = list(Guardian.objects.filter(case=case))
    confirmed = [g for g in guardians if g.identity_confirmed]
    if not confirmed:
        errors["guardian"] = [
            _("No legal guardian with a confirmed identity is recorded for this child.")
        ]
        return None
    if value in (None, ""):
        if len(confirmed) == 1:
            return confirmed[0]
        errors["guardian"] = [_("Choose the legal guardian.")]
        return None
    wanted = str(getattr(value, "pk", value))
    chosen = next((g for g in guardians if str(g.pk) == wanted), None)
    if chosen is None:
        errors["guardian"] = [_("This is not a legal guardian recorded for this child.")]
    elif not chosen.identity_confirmed:
        errors["guardian"] = [_("This guardian's identity is not confirmed.")]
        return None
    return chosen
