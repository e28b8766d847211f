"""R-ARR-3 writes: importing an authority's notification list into an origin office.

`import_check` is the dry run (no record written; its check is kept a day for the import
that follows). `import_start` records an `ImportBatch` with the rows' problems (from the
dry run's check when there is one for the same file, office, programme, scheme, day and
language, looking up again only which rows were imported meanwhile) and keeps the file;
short lists run at once, longer ones in the background
(`tasks.run_import`), where `import_run` opens a PARA case at arrival for every valid row
and runs duplicate detection (R-DUP-1). Rows go in chunks: each chunk through the bulk
services of the people, cases and registration apps (same checks, one audit line per person,
case and duplicate check), and a chunk those refuse again row by row through the per-row
services, each row in its own savepoint, so that a failing row never half-writes and is
reported. A row's natural key (imports.row_key) is stored with its case, so a file imported
again, re-exported with its rows reordered, or another list naming the same returnee,
creates nothing twice.
"""

import hashlib
import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_today
from homeward.accounts.models import Office
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.services import case_create, para_cases_create_bulk
from homeward.core.bulk import insert_new
from homeward.core.collection import fewer_collections
from homeward.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from homeward.core.planning import planned_for_these_values
from homeward.geo.models import AdminArea
from homeward.people.services import people_create_bulk, person_create
from homeward.programmes.models import Programme
from homeward.registration.duplicate_services import duplicates_check_at_entry
from homeward.registration.duplicates_many import duplicates_check_many

from .import_workers import add_tally, import_in_workers, worker_count
from .imports import (
    Check,
    Place,
    Row,
    check_as_json,
    check_from_json,
    check_table,
    file_sha256,
    mark_already_imported,
    read_table,
    rows_as_json,
    rows_from_json,
)
from .models import IMPORTABLE_SCHEMES, ImportBatch, ImportedRow, ImportStatus

log = logging.getLogger(__name__)

# Lists with more rows to import than this run in the background.
INLINE_LIMIT = 500
# Rows written per transaction (and per progress update).
CHUNK = 500
STAGED_MAX_AGE = 24 * 3600
TOKEN_SALT = "homeward.movements.import"


def max_import_bytes() -> int:
    return int(getattr(settings, "HOMEWARD_MAX_IMPORT_BYTES", 25 * 1024 * 1024))


# --- Who may import where -----------------------------------------------------------------


def can_import_at(actor, office: Office) -> bool:
    """R-ARR-3: the origin office's staff who open cases (reception officer, case manager)."""
    return office.is_origin and Perm.CASE_CREATE in access_for(actor).perms_at([office.pk])


def import_offices_for(actor):
    """The origin offices where the actor may import lists."""
    return Office.objects.filter(
        is_origin=True, pk__in=access_for(actor).offices_with(Perm.CASE_CREATE)
    ).order_by("name")


def _check_target(actor, office: Office, programme: Programme, scheme: str) -> None:
    errors: dict[str, list[str]] = {}
    if scheme not in IMPORTABLE_SCHEMES:
        errors["scheme"] = [_("Choose forced return or return by another actor.")]
    elif programme.eligible_schemes and scheme not in programme.eligible_schemes:
        errors["scheme"] = [_("This programme does not cover this return scheme.")]
    if not programme.is_active:
        errors["programme"] = [_("This programme is closed.")]
    if not office.is_origin:
        errors["office"] = [_("This office does not act as an origin office.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    if not can_import_at(actor, office):
        raise PermissionDenied(_("You may not open cases for this office."))


def _imported_keys(office_id):
    def lookup(keys: list[str]) -> list[str]:
        if not keys:
            return []
        if connection.vendor == "postgresql":
            return _imported_keys_joined(office_id, keys)
        found: list[str] = []
        for i in range(0, len(keys), 5000):
            found += ImportedRow.objects.filter(
                office_id=office_id, row_key__in=keys[i : i + 5000]
            ).values_list("row_key", flat=True)
        return found

    return lookup


def _imported_keys_joined(office_id, keys: list[str]) -> list[str]:
    """The keys looked up one by one in the (office, key) index, whatever the planner
    believes of the table's size: during an import the table grows faster than its
    statistics, and `row_key IN (...)`, or a join, was then answered by reading the
    office's rows (LATERAL with OFFSET 0 keeps each lookup on its own)."""
    qn = connection.ops.quote_name
    table = ImportedRow._meta
    row_key = qn(table.get_field("row_key").column)
    sql = (
        f"SELECT r.{row_key} "
        f"FROM unnest(string_to_array(%s, ',')::varchar[]) AS k(key) "
        f"CROSS JOIN LATERAL (SELECT r.{row_key} FROM {qn(table.db_table)} r "
        f"WHERE r.{qn(table.get_field('office').column)} = %s "
        f"AND r.{row_key} = k.key OFFSET 0) AS r"
    )
    # A plan made for a chunk's 500 keys suits no other list.
    with transaction.atomic(), planned_for_these_values(), connection.cursor() as cursor:
        cursor.execute(sql, [",".join(keys), office_id])  # keys are sha256 in hex
        return [row[0] for row in cursor.fetchall()]


def _check(content: bytes, file_name: str, office, programme, scheme: str) -> Check:
    if len(content) > max_import_bytes():
        from django.template.defaultfilters import filesizeformat

        message = _("The file is too large: the limit is %(limit)s.") % {
            "limit": filesizeformat(max_import_bytes())
        }
        raise ValidationFailed(message, field_errors={"file": [message]})
    table = read_table(content, file_name)
    return check_table(
        table,
        place=Place.of(office.country_id),
        default_scheme=scheme,
        imported_keys=_imported_keys(office.pk),
        schemes=set(programme.eligible_schemes or IMPORTABLE_SCHEMES) & set(IMPORTABLE_SCHEMES),
        today=office_today(office),
    )


def import_check(
    *, actor, content: bytes, file_name: str, office: Office, programme: Programme, scheme: str
) -> Check:
    """The dry run: read and validate the list, report every row's problems. Writes no
    record; the check is kept (a day, on the server's private disk) for the report's pages
    and `import_start`."""
    _check_target(actor, office, programme, scheme)
    path = _kept_check_file(content, office, programme, scheme)
    check = _kept_check(path, office)
    if check is None:
        check = _check(content, file_name, office, programme, scheme)
        _keep_check(path, check)
    return check


# --- The dry run's check, kept for the import that follows it ------------------------------
# Checking a list of 50,000 rows takes seconds; the person who ran the dry run confirms the
# same file moments later. The check is kept under a name made of everything it depends on
# (the file, office, programme, scheme, day, and the language of its messages), and only
# which rows were imported meanwhile is looked up again.


def _kept_check_file(content: bytes, office, programme, scheme: str) -> Path:
    name = "|".join(
        (
            file_sha256(content),
            str(office.pk),
            str(programme.pk),
            scheme,
            office_today(office).isoformat(),
            get_language() or "",
        )
    )
    digest = hashlib.sha256(name.encode()).hexdigest()
    return Path(settings.PRIVATE_FILES_DIR) / "imports" / "checks" / f"{digest}.json"


def _keep_check(path: Path, check: Check) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_MAX_AGE
    for old in path.parent.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    path.write_text(json.dumps(check_as_json(check)))


def _kept_check(path: Path, office) -> Check | None:
    try:
        check = check_from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    mark_already_imported(check, _imported_keys(office.pk))
    return check


# --- Starting and running a batch ---------------------------------------------------------


def _batch_file(batch: ImportBatch) -> Path:
    return Path(settings.PRIVATE_FILES_DIR) / "imports" / f"{batch.pk}.{batch.file_kind}"


def _checked_file(batch: ImportBatch) -> Path:
    """The rows import_start found valid and not yet imported, kept for import_run."""
    return Path(settings.PRIVATE_FILES_DIR) / "imports" / f"{batch.pk}.checked.json"


def _keep_checked_rows(batch: ImportBatch, check: Check) -> None:
    data = {
        "sha256": batch.file_sha256,
        "on": office_today(batch.office).isoformat(),
        "rows": rows_as_json(check.to_import),
    }
    _checked_file(batch).write_text(json.dumps(data))


def _checked_rows(batch: ImportBatch) -> list[Row] | None:
    """The rows import_start checked, if checked today at the office (the checks depend on
    the date); None when they must be checked again."""
    try:
        data = json.loads(_checked_file(batch).read_text())
    except (OSError, ValueError):
        return None
    if data.get("sha256") != batch.file_sha256 or data.get("on") != (
        office_today(batch.office).isoformat()
    ):
        return None
    return rows_from_json(data["rows"])


@transaction.atomic
def import_start(
    *, actor, content: bytes, file_name: str, office: Office, programme: Programme, scheme: str
) -> ImportBatch:
    """R-ARR-3: import the list's valid rows; short lists at once, long ones in the
    background (the batch shows progress). Rows with errors are reported, not imported."""
    _check_target(actor, office, programme, scheme)
    check = _kept_check(_kept_check_file(content, office, programme, scheme), office)
    if check is None:
        check = _check(content, file_name, office, programme, scheme)
    batch = ImportBatch(
        office=office,
        programme=programme,
        scheme=scheme,
        file_name=(file_name or "list")[:255],
        file_sha256=file_sha256(content),
        file_kind=check.kind,
        created_by=actor,
        report=check.report,
        **check.counts(),
    )
    batch.full_clean()
    batch.save()
    path = _batch_file(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    _keep_checked_rows(batch, check)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        offices=[office.pk],
        summary=gettext_lazy("Notification list import started"),
        changes={"file": batch.file_name, "sha256": batch.file_sha256, **check.counts()},
    )
    if len(check.to_import) <= INLINE_LIMIT:
        return import_run(batch_id=batch.pk)
    transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id) -> None:
    from .tasks import run_import

    result = run_import.enqueue(str(batch_id))
    ImportBatch.objects.filter(pk=batch_id, task_id="").update(task_id=str(result.id)[:64])


def import_run(*, batch_id) -> ImportBatch:
    """Run a queued batch to the end: every row to import opens its case or is reported as
    failed; the batch ends as imported, or failed with the reason."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .select_related("office", "programme", "created_by")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None:
            raise NotFound(_("Import not found."))
        if batch.status != ImportStatus.QUEUED:
            return batch  # already run (a task delivered twice)
        batch.status, batch.started_at = ImportStatus.RUNNING, timezone.now()
        batch.save(update_fields=["status", "started_at", "updated_at"])
    try:
        _run(batch)
    except Exception as exc:  # the batch must end with a clear status whatever happened
        log.exception("import %s failed", batch.pk)
        _finish(batch, ImportStatus.FAILED, error=_failure_message(exc))
    return batch


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ApplicationError) and exc.message:
        return exc.message
    return _("The import stopped on an unexpected error; rows imported so far are kept.")


def _run(batch: ImportBatch) -> None:
    actor = batch.created_by
    if not actor.is_active or not can_import_at(actor, batch.office):
        _finish(batch, ImportStatus.FAILED, error=_("The importer may no longer open cases here."))
        return
    rows = _checked_rows(batch)
    if rows is None:
        content = _batch_file(batch).read_bytes()
        # Checked again: rows another import took meanwhile are now "already imported".
        check = _check(content, batch.file_name, batch.office, batch.programme, batch.scheme)
        batch.report = check.report
        batch.already_imported_rows = len(check.already_imported)
        rows = check.to_import
    else:
        # Checked by import_start today; rows another import took meanwhile are now
        # "already imported", as a new check would find.
        done = set(_imported_keys(batch.office_id)([r.key for r in rows]))
        taken = [r for r in rows if r.key in done]
        rows = [r for r in rows if r.key not in done]
        batch.already_imported_rows += len(taken)
        _report_skipped(batch, taken)
    batch.rows_to_import = len(rows)
    _save_progress(batch)
    chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
    with fewer_collections():  # also in the workers forked within
        _import_chunks(batch, actor, chunks)
    _finish(batch, ImportStatus.DONE)


def _import_chunks(batch: ImportBatch, actor, chunks: list[list[Row]]) -> None:
    workers = worker_count(len(chunks))
    if workers:
        for done in import_in_workers(batch, actor, chunks, _import_chunk, workers):
            add_tally(batch, done)
            _save_progress(batch)
    else:
        for chunk in chunks:
            _import_chunk(batch, actor, chunk)
            _save_progress(batch)


def _save_progress(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        report=batch.report,
        already_imported_rows=batch.already_imported_rows,
        rows_to_import=batch.rows_to_import,
        rows_done=batch.rows_done,
        created_cases=batch.created_cases,
        skipped_rows=batch.skipped_rows,
        failed_rows=batch.failed_rows,
        likely_duplicates=batch.likely_duplicates,
        updated_at=timezone.now(),
    )


def _finish(batch: ImportBatch, status: str, *, error: str = "") -> None:
    batch.status, batch.error, batch.finished_at = status, error, timezone.now()
    batch.report = sorted(batch.report, key=lambda r: r["row"])
    with transaction.atomic():
        _save_progress(batch)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status, error=error, finished_at=batch.finished_at
        )
        audit_record(
            actor=batch.created_by,
            action=AuditAction.UPDATE,
            obj=batch,
            offices=[batch.office_id],
            summary=gettext_lazy("Notification list imported")
            if status == ImportStatus.DONE
            else gettext_lazy("Notification list import failed"),
            changes={
                "status": status,
                "cases": batch.created_cases,
                "failed": batch.failed_rows,
                "skipped": batch.skipped_rows,
                "error": error,
            },
        )
    _batch_file(batch).unlink(missing_ok=True)
    _checked_file(batch).unlink(missing_ok=True)


def _import_chunk(batch: ImportBatch, actor, rows: list[Row], *, order=None) -> None:
    """Open the chunk's cases, then check them for duplicates in a transaction of its own,
    once every earlier row's case is committed (`order`, when workers share the list; else
    the chunks run one after the other)."""
    try:
        cases = _open_cases(batch, actor, rows, lock=order is None)
    finally:
        if order is not None:
            order.opened()
    if order is not None:
        order.wait_for_earlier()
    if cases:
        _check_duplicates(batch, actor, cases)


def _open_cases(batch: ImportBatch, actor, rows: list[Row], *, lock: bool) -> list:
    """The chunk's people, cases and imported rows in one transaction, or row by row when
    the bulk services refuse it; the cases opened. `lock` serialises imports into the office
    (workers of one list leave it out: the unique row key still refuses a row imported twice,
    and the refused chunk goes row by row)."""
    try:
        with transaction.atomic():
            fresh = _lock_and_keep_fresh(batch, rows, lock=lock)
            cases = _import_bulk(batch, actor, fresh)
    except (ApplicationError, IntegrityError, DatabaseError) as exc:
        log.info("import %s: chunk refused in bulk (%s), row by row", batch.pk, exc)
        return _import_rows_one_by_one(batch, actor, rows, lock=lock)
    batch.rows_done += len(rows)
    batch.created_cases += len(fresh)
    batch.skipped_rows += len(rows) - len(fresh)
    kept = {id(r) for r in fresh}
    _report_skipped(batch, [r for r in rows if id(r) not in kept])
    return cases


def _check_duplicates(batch: ImportBatch, actor, cases: list) -> None:
    """R-DUP-1 for the chunk's new cases, when the importer decides on matches. Should the
    check fail in bulk, each case is checked on its own; a case whose check fails still has
    the check on its checklist."""
    if Perm.DUPLICATE_DECIDE not in access_for(actor).perms_at([batch.office_id]):
        return
    try:
        with transaction.atomic():
            checks = duplicates_check_many(actor=actor, cases=cases)
            likely = [c.case_id for c in checks if any(x["likely"] for x in c.candidates)]
            ImportedRow.objects.filter(case_id__in=likely).update(likely_duplicate=True)
    except (ApplicationError, DatabaseError) as exc:
        log.warning("import %s: duplicate check refused in bulk (%s), case by case", batch.pk, exc)
        likely = [case.pk for case in cases if _check_one(actor, case)]
        ImportedRow.objects.filter(case_id__in=likely).update(likely_duplicate=True)
    batch.likely_duplicates += len(likely)


def _check_one(actor, case) -> bool:
    """Whether the case's duplicate check found a likely match (False when it failed)."""
    try:
        with transaction.atomic():
            check = duplicates_check_at_entry(actor=actor, case_id=case.pk)
    except (ApplicationError, DatabaseError):
        log.exception("duplicate check of case %s failed", case.pk)
        return False
    return bool(check and any(c["likely"] for c in check.candidates))


def _lock_and_keep_fresh(batch: ImportBatch, rows: list[Row], *, lock: bool = True) -> list[Row]:
    """Serialise imports into the office, then leave out rows imported meanwhile."""
    if connection.vendor == "postgresql" and lock:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [batch.office_id.int & 0x7FFF_FFFF_FFFF_FFFF]
            )
    done = set(_imported_keys(batch.office_id)([r.key for r in rows]))
    return [r for r in rows if r.key not in done]


def _person_data(row: Row) -> dict:
    v = row.values
    data = {
        "sex": v["sex"],
        "date_of_birth": v["date_of_birth"],
        "estimated_age": v["estimated_age"],
        "names": [{"given_names": v["given_names"], "family_name": v["family_name"]}],
    }
    if v["phone"]:
        data["contacts"] = [{"kind": "phone", "value": v["phone"], "label": ""}]
    return data


def _import_bulk(batch: ImportBatch, actor, rows: list[Row]) -> list:
    if not rows:
        return []
    people = people_create_bulk(
        actor=actor, office=batch.office, rows=[_person_data(r) for r in rows]
    )
    case_of: dict = {}
    for scheme in sorted({r.values["scheme"] for r in rows}):
        picked = [(r, p) for r, p in zip(rows, people, strict=True) if r.values["scheme"] == scheme]
        cases = para_cases_create_bulk(
            actor=actor,
            people=[p for _r, p in picked],
            programme=batch.programme,
            scheme=scheme,
            origin_office=batch.office,
            return_areas=[r.values["area_id"] for r, _p in picked],
        )
        for (row, person), case in zip(picked, cases, strict=True):
            case.person = person
            case_of[row.number] = case
    cases = [case_of[r.number] for r in rows]
    insert_new(
        [_imported_row(batch, row, case, False) for row, case in zip(rows, cases, strict=True)]
    )
    return cases


def _imported_row(batch: ImportBatch, row: Row, case, likely: bool) -> ImportedRow:
    v = row.values
    return ImportedRow(
        batch=batch,
        office_id=batch.office_id,
        row_key=row.key,
        row_number=row.number,
        person_id=case.person_id,
        case=case,
        authority_reference=v["reference"],
        flight_date=v["flight_date"],
        flight_origin=v["flight_origin"],
        likely_duplicate=likely,
    )


def _import_rows_one_by_one(batch: ImportBatch, actor, rows: list[Row], *, lock: bool) -> list:
    """The per-row services, each row in its own savepoint: a refused row leaves nothing.
    Returns the cases opened."""
    cases = []
    for row in rows:
        try:
            with transaction.atomic():
                if not _lock_and_keep_fresh(batch, [row], lock=lock):
                    batch.skipped_rows += 1
                    _report_skipped(batch, [row])
                    continue
                cases.append(_import_one(batch, actor, row))
        except (ApplicationError, IntegrityError, DatabaseError) as exc:
            batch.failed_rows += 1
            batch.report.append(
                {"row": row.number, "status": "failed", "name": row.name, "errors": _errors(exc)}
            )
        else:
            batch.created_cases += 1
        finally:
            batch.rows_done += 1
    return cases


def _import_one(batch: ImportBatch, actor, row: Row):
    person = person_create(actor=actor, office=batch.office, data=_person_data(row))
    area = AdminArea.objects.filter(pk=row.values["area_id"]).first()
    case = case_create(
        actor=actor,
        person=person,
        programme=batch.programme,
        scheme=row.values["scheme"],
        origin_office=batch.office,
        intended_return_area=area,
    )
    case.person = person
    _imported_row(batch, row, case, False).save()
    return case


def _errors(exc: Exception) -> dict:
    if isinstance(exc, ApplicationError):
        return exc.field_errors or {"__all__": [exc.message]}
    return {"__all__": [_("This row could not be saved; nothing of it was kept.")]}


def _report_skipped(batch: ImportBatch, rows: list[Row]) -> None:
    for row in rows:
        batch.report.append(
            {
                "row": row.number,
                "status": "already_imported",
                "name": row.name,
                "errors": {"__all__": [_("This returnee was already imported into this office.")]},
            }
        )


# --- Web confirmation: the checked file kept until the user confirms -----------------------


def _staged_dir() -> Path:
    return Path(settings.PRIVATE_FILES_DIR) / "imports" / "staged"


def import_stage(
    *, actor, content: bytes, file_name: str, office: Office, programme: Programme, scheme: str
) -> str:
    """Keep a checked file (outside the web root, by fingerprint) for the actor to confirm
    within a day; returns the signed token that names it."""
    directory = _staged_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_MAX_AGE
    for old in directory.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    digest = file_sha256(content)
    (directory / digest).write_bytes(content)
    return signing.dumps(
        {
            "u": actor.pk,
            "h": digest,
            "n": file_name,
            "o": str(office.pk),
            "p": str(programme.pk),
            "s": scheme,
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def staged_upload(*, actor, token: str) -> dict:
    """The staged file and its choices from a token the actor received; NotFound when the
    token is not the actor's, expired, or its file is gone."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=STAGED_MAX_AGE)
    except signing.BadSignature as exc:
        raise NotFound(_("This checked file has expired; upload it again.")) from exc
    path = _staged_dir() / str(data.get("h", ""))
    if data.get("u") != actor.pk or not path.is_file():
        raise NotFound(_("This checked file has expired; upload it again."))
    office = Office.objects.filter(pk=data["o"]).first()
    programme = Programme.objects.filter(pk=data["p"]).first()
    if office is None or programme is None:
        raise NotFound(_("This checked file has expired; upload it again."))
    return {
        "content": path.read_bytes(),
        "file_name": data["n"],
        "office": office,
        "programme": programme,
        "scheme": data["s"],
    }


def import_batch_viewed(*, actor, batch: ImportBatch, ip_address: str | None = None) -> None:
    """R-DAT-3: the batch page shows returnees' names and their cases."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=batch,
        offices=[batch.office_id],
        summary=gettext_lazy("Notification list import viewed"),
        ip_address=ip_address,
    )
