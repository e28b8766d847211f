"""Models of the movements app.

Imports of the authorities' notification lists (R-ARR-3) come first; movements, bookings and
arrivals (phases 2–4) are kept apart below them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Office
from homeward.cases.models import Case
from homeward.core.models import BaseModel
from homeward.people.models import Person
from homeward.programmes.models import Programme, ReturnScheme

# --- Imports of notification lists (R-ARR-3) ------------------------------------------------


IMPORTABLE_SCHEMES = (ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(BaseModel):
    """One import of an authority's notification list of forced or other-actor returns into
    an origin office: the file's fingerprint, progress, counts and the rows with problems."""

    office = models.ForeignKey(
        Office, verbose_name=_("origin office"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.CharField(
        _("return scheme"),
        max_length=16,
        choices=[(s, ReturnScheme(s).label) for s in IMPORTABLE_SCHEMES],
        default=ReturnScheme.FORCED,
        help_text=_("For rows that do not name their scheme"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(_("file fingerprint"), max_length=64, db_index=True)
    file_kind = models.CharField(_("file type"), max_length=4)  # "csv" or "xlsx"
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Counts from the check made when the batch was created.
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("rows repeated in the file"), default=0)
    already_imported_rows = models.PositiveIntegerField(_("rows already imported"), default=0)
    # Progress and outcome of the run.
    rows_to_import = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    created_cases = models.PositiveIntegerField(_("cases opened"), default=0)
    skipped_rows = models.PositiveIntegerField(_("rows skipped"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows that failed"), default=0)
    likely_duplicates = models.PositiveIntegerField(_("cases with likely duplicates"), default=0)
    # Rows with a problem, in file order: {"row", "status", "name", "errors": {field: [..]}}.
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification list import")
        verbose_name_plural = _("notification list imports")
        indexes = [models.Index(fields=["office", "-created_at"], name="import_office_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"

    @property
    def percent_done(self) -> int:
        if not self.rows_to_import:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_to_import))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportedRow(models.Model):
    """A notification-list row that opened a case, under its natural key, so that the same
    returnee (in the same file, a re-export or another list) is never imported twice into
    the office. The flight date and origin come from the list."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    # sha256 of the authority's reference, or of names, birth data, sex and flight date.
    row_key = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField(_("row"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="notification")
    authority_reference = models.CharField(_("authority reference"), max_length=64, blank=True)
    flight_date = models.DateField(_("flight date"))
    flight_origin = models.CharField(_("flight origin"), max_length=100)
    likely_duplicate = models.BooleanField(_("likely duplicate"), default=False)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "row_key"], name="unique_imported_row")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.row_number}"


# --- Movements, bookings and arrivals (phases 2–4) ------------------------------------------
