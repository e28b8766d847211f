"""Reads of notification-list imports, scoped to the offices where the actor imports."""

from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.core.errors import NotFound, parse_uuid

from .imports import report_for_display
from .models import ImportBatch, ImportedRow


def import_batch_list_for(actor):
    """Batches of the origin offices where the actor opens cases (R-DAT-2), newest first;
    the office, programme and importer come in the same statement."""
    offices = access_for(actor).offices_with(Perm.CASE_CREATE)
    return (
        ImportBatch.objects.filter(office__in=offices)
        .select_related("office", "programme", "created_by")
        .defer("report")
        .order_by("-created_at")
    )


def import_batch_get_for(actor, *, batch_id) -> ImportBatch:
    """The batch, or NotFound for missing and forbidden alike."""
    batch_id = parse_uuid(batch_id, _("Import not found."))
    offices = access_for(actor).offices_with(Perm.CASE_CREATE)
    batch = (
        ImportBatch.objects.filter(pk=batch_id, office__in=offices)
        .select_related("office", "programme", "created_by")
        .first()
    )
    if batch is None:
        raise NotFound(_("Import not found."))
    return batch


def import_progress_for(actor, *, batch_id) -> ImportBatch:
    """The batch's status and counts only (polled every few seconds while it runs)."""
    batch_id = parse_uuid(batch_id, _("Import not found."))
    offices = access_for(actor).offices_with(Perm.CASE_CREATE)
    batch = ImportBatch.objects.filter(pk=batch_id, office__in=offices).defer("report").first()
    if batch is None:
        raise NotFound(_("Import not found."))
    return batch


def imported_rows_of(batch: ImportBatch):
    """The cases a batch opened, in file order, with their references and names."""
    return (
        ImportedRow.objects.filter(batch=batch)
        .select_related("case", "person")
        .only(
            "row_number",
            "flight_date",
            "flight_origin",
            "authority_reference",
            "likely_duplicate",
            "case__reference",
            "case__phase",
            "person__display_name",
        )
        .order_by("row_number")
    )


def import_report_for_display(report) -> list[dict]:
    """Report rows (a page of them) with their messages labelled in the user's words: the
    column as the file names it, else its translated label; the stored keys stay as they are."""
    return report_for_display(report)
