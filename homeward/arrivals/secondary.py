"""R-ARR-2: secondary movement of a returnee found not to be from the country of return.

The office of the country of return records it, the host office the migrant returned from
and the actual origin office are told at once (an in-app notice, and an e-mail once the
transaction commits), and the migrant is re-registered at the actual origin office: a new
case for the same person, linked to the first.

The first case ends in the same transaction, through `case_transition` for the acting user,
with the reason naming the new case: the workflow's R-ARR-2 closure
`close_secondary_movement` (from `departed` or `arrived` to `closed`, with the reception
permission `arrival.record`, guarded by the requirement below: a secondary movement is
recorded for the case). Where the table lacks that transition, the ordinary `close` is
tried, which needs the closing permission (`case.close`); refused, the first case stays
open, the movement says why and the office of the country of return is told (a notice)
that the case is still to be closed. Permissions are never bypassed.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.models import Office
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases import workflow
from homeward.cases.models import Phase
from homeward.cases.services import case_create, case_transition
from homeward.core.errors import (
    ApplicationError,
    PermissionDenied,
    ValidationFailed,
)
from homeward.geo.models import Country

from .models import OfficeNotice, SecondaryMovement
from .policies import can_record_arrival
from .services import locked_case

logger = logging.getLogger(__name__)

#: The transition R-ARR-2 asks of the workflow table (see the module's docstring).
SECONDARY_CLOSE = "close_secondary_movement"
#: The ordinary closure, which needs the closing permission.
CLOSE = "close"


def closing_action() -> str:
    """The workflow action that ends the first case: R-ARR-2's own once the table has it."""
    return SECONDARY_CLOSE if SECONDARY_CLOSE in workflow.BY_NAME else CLOSE


def unmet_for_secondary_close(actor, case) -> dict:
    """The requirements provider registered with `cases.requirements` (see apps.py): the
    R-ARR-2 closure runs only for a case whose secondary movement is recorded."""
    if SECONDARY_CLOSE not in workflow.BY_NAME or case.phase not in (
        Phase.DEPARTED,
        Phase.ARRIVED,
    ):
        return {}
    if SecondaryMovement.objects.filter(case=case).exists():
        return {}
    return {
        SECONDARY_CLOSE: [
            _("R-ARR-2: record the secondary movement on the arrival page; it closes the case.")
        ]
    }


def _invalid(errors: dict):
    return ValidationFailed(_("Please correct the errors below."), field_errors=errors)


@transaction.atomic
def secondary_movement_record(
    *, actor, case_id, actual_country: str, findings: str, needs: str = "", office_id=None
) -> SecondaryMovement:
    """R-ARR-2: record, notify the host and actual origin offices, re-register there."""
    case = locked_case(actor, case_id)
    if not can_record_arrival(actor, case):
        raise PermissionDenied(_("You may not record a secondary movement for this case."))
    if case.phase not in (Phase.DEPARTED, Phase.ARRIVED):
        raise ValidationFailed(_("A secondary movement is recorded on arrival."))
    if SecondaryMovement.objects.filter(case=case).exists():
        raise ValidationFailed(_("A secondary movement is already recorded for this case."))
    errors: dict[str, list] = {}
    country = Country.objects.filter(pk=str(actual_country or "").upper()).first()
    if country is None:
        errors["actual_country"] = [_("Choose a country.")]
    elif country.pk == case.origin_office.country_id:
        errors["actual_country"] = [
            _("This is the country of return: a secondary movement goes to another country.")
        ]
    if not (findings or "").strip():
        errors["findings"] = [_("Say how it was found.")]
    office = None
    if country is not None and "actual_country" not in errors:
        offices = Office.objects.filter(country=country, is_origin=True)
        if office_id:
            offices = offices.filter(pk=office_id)
        office = offices.order_by("name").first()
        if office is None:
            errors["office_id"] = [_("No origin office of the organisation in this country.")]
    if errors:
        raise _invalid(errors)
    # The office of the country of return acts as the host of the onward movement when it
    # works as a host or transit office; otherwise the first host office keeps that role.
    here = case.origin_office
    host = here if (here.is_host or here.is_transit) else case.host_office
    try:
        new_case = case_create(
            actor=actor,
            person=case.person,
            programme=case.programme,
            scheme=case.scheme,
            origin_office=office,
            host_office=host,
            notes=_("Secondary movement from case %(reference)s.") % {"reference": case.reference},
        )
    except PermissionDenied as exc:
        raise PermissionDenied(
            _(
                "The new case at the actual origin office must be opened by the host office "
                "(%(office)s): your role may not open cases there."
            )
            % {"office": host.name if host else "—"}
        ) from exc
    movement = SecondaryMovement(
        case=case,
        actual_country=country,
        actual_origin_office=office,
        new_case=new_case,
        findings=findings.strip(),
        needs=(needs or "").strip(),
        recorded_by=actor,
    )
    movement.save()
    movement.old_case_closed, movement.closure_note = _close_first_case(actor, case, new_case)
    movement.save(update_fields=["old_case_closed", "closure_note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=movement,
        offices=(*case.office_ids, office.pk),
        case_reference=case.reference,
        summary=gettext_lazy("Secondary movement recorded; re-registered at the actual origin"),
        changes={
            "actual_country": country.pk,
            "actual_origin_office": office.code,
            "new_case": new_case.reference,
            "old_case_closed": movement.old_case_closed,
        },
    )
    _notify(case, movement, [o for o in (case.host_office, office) if o is not None])
    if not movement.old_case_closed:
        _ask_to_close(case, movement)
    return movement


def _close_first_case(actor, case, new_case) -> tuple[bool, str]:
    """End the first case through the workflow, for the acting user, in a savepoint of the
    recording's transaction: a refusal leaves the case open and is told, never bypassed."""
    reason = _("Secondary movement: re-registered as %(reference)s at the actual origin office.")
    reason %= {"reference": new_case.reference}
    try:
        with transaction.atomic():
            case_transition(actor=actor, case_id=case.pk, action=closing_action(), reason=reason)
    except ApplicationError as exc:
        note = _("Still open: %(why)s Close it with the reason once the workflow allows it.")
        return False, (note % {"why": " ".join([exc.message, *exc.reasons])})[:255]
    return True, ""


def _ask_to_close(case, movement: SecondaryMovement) -> None:
    """The office of the country of return (where the first case is held) is told that the
    case is still open, so that a colleague who may close cases closes it."""
    message = _(
        "Case %(reference)s is still open after its secondary movement (re-registered as "
        "%(new)s): close it with the reason “secondary movement”."
    ) % {"reference": case.reference, "new": movement.new_case.reference}
    OfficeNotice.objects.create(
        office=case.origin_office,
        case=case,
        kind=OfficeNotice.Kind.SECONDARY_MOVEMENT,
        message=message,
    )


def _notify(case, movement: SecondaryMovement, offices) -> None:
    """In-app notices now; e-mails (reference numbers only, no personal data) on commit."""
    message = _(
        "Case %(reference)s: the returnee was found not to be from %(country)s. Secondary "
        "movement to %(actual)s; re-registered at %(office)s as %(new)s."
    ) % {
        "reference": case.reference,
        "country": case.origin_office.country.display_name,
        "actual": movement.actual_country.display_name,
        "office": movement.actual_origin_office.name,
        "new": movement.new_case.reference,
    }
    notices = [
        OfficeNotice.objects.create(
            office=office,
            case=case,
            kind=OfficeNotice.Kind.SECONDARY_MOVEMENT,
            message=message,
            emailed_to=office.email or "",
        )
        for office in offices
    ]
    recipients = [n.emailed_to for n in notices if n.emailed_to]
    if recipients:
        subject = _("Secondary movement: case %(reference)s") % {"reference": case.reference}
        transaction.on_commit(lambda: _send(subject, message, recipients))


def _send(subject: str, message: str, recipients: list[str]) -> None:
    try:
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the notice is recorded in the application; mail is best effort
        logger.exception("secondary movement e-mail not sent")
