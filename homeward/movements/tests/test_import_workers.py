"""R-ARR-3: a long notification list imported by worker processes side by side (PostgreSQL).

The workers need the batch committed, so these tests run outside a test transaction."""

import os
import threading

import pytest
from django.db import connection
from django.test import override_settings

from homeward.audit.models import AuditEvent
from homeward.movements import import_services, import_workers
from homeward.movements.models import ImportedRow, ImportStatus
from homeward.people.models import Person
from homeward.registration.models import DuplicateCheck

from . import lists
from .test_imports import PLANTED, _planted_list
from .test_imports import _start as _queue


def _start(world, content):
    """Queue the list, then run it as the background worker does."""
    batch = _queue(world, content)
    assert batch.status == ImportStatus.QUEUED
    return import_services.import_run(batch_id=batch.pk)


pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    # In the whole suite the browser tests' live server thread (session-wide, idle) makes
    # the test process multi-threaded when it forks; the task worker has one thread.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


@pytest.fixture
def setup(world, monkeypatch):
    lists.ensure_areas()
    monkeypatch.setattr(import_services, "CHUNK", 2)  # nine rows, five chunks
    monkeypatch.setattr(import_services, "INLINE_LIMIT", 2)  # queued, as long lists are
    with override_settings(IMPORT_WORKERS=2):
        yield world


def _chunks_run_by(monkeypatch, tmp_path, fail=None):
    """Record which process imports each chunk; `fail(rows)` may stop a worker."""
    real = import_services._import_chunk
    log = tmp_path / "pids"

    def recorded(batch, actor, rows, **kwargs):
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        if fail:
            fail(rows)
        return real(batch, actor, rows, **kwargs)

    monkeypatch.setattr(import_services, "_import_chunk", recorded)
    return lambda: [int(line) for line in log.read_text().split()]


def test_r_arr_3_long_list_is_imported_by_workers_with_every_row_checked(
    setup, monkeypatch, tmp_path
):
    world = setup
    pids = _chunks_run_by(monkeypatch, tmp_path)
    batch = _start(world, _planted_list())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert len(pids()) == 5 and os.getpid() not in pids()
    assert (batch.rows_done, batch.created_cases, batch.failed_rows) == (9, 9, 0)
    assert batch.percent_done == 100
    rows = ImportedRow.objects.filter(batch=batch)
    assert rows.count() == len(PLANTED)
    checks = DuplicateCheck.objects.filter(case__notification__batch=batch)
    assert checks.count() == len(PLANTED)
    assert sorted(checks.values_list("case_id", flat=True)) == sorted(
        rows.values_list("case_id", flat=True)
    )
    likely = {c.case_id for c in checks if any(x["likely"] for x in c.candidates)}
    assert set(rows.filter(likely_duplicate=True).values_list("case_id", flat=True)) == likely
    assert batch.likely_duplicates == len(likely) >= 2
    # R-DUP-1: the last row's check ran after the first chunk's cases were committed.
    last = checks.get(case__notification__row_number=len(PLANTED) + 1)
    first = rows.get(row_number=2)
    assert str(first.person_id) in {c["person_id"] for c in last.candidates}
    for object_type, action in (("people.person", "create"), ("cases.case", "create")):
        assert AuditEvent.objects.filter(object_type=object_type, action=action).count() == 9
    assert AuditEvent.objects.filter(summary="Duplicate check run").count() == 9


def test_a_worker_error_fails_the_batch_and_keeps_what_was_imported(setup, monkeypatch, tmp_path):
    world = setup

    def fail(rows):
        if rows[0].number == 6:  # the third chunk
            raise RuntimeError("disk on fire")

    _chunks_run_by(monkeypatch, tmp_path, fail)
    batch = _start(world, _planted_list())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "unexpected error" in batch.error
    assert batch.finished_at is not None
    # Chunks are all or nothing: every person kept has its case and imported row.
    kept = ImportedRow.objects.filter(batch=batch).count()
    assert kept < len(PLANTED) and kept % 2 == 0
    assert Person.objects.count() == kept


def test_a_worker_that_dies_fails_the_batch_instead_of_hanging(setup, monkeypatch, tmp_path):
    world = setup

    def die(rows):
        if rows[0].number == 4:  # the second chunk
            os._exit(3)

    _chunks_run_by(monkeypatch, tmp_path, die)
    batch = _start(world, _planted_list())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "rows imported so far are kept" in batch.error


def test_a_chunk_refused_in_bulk_goes_row_by_row_and_is_still_checked(setup, monkeypatch):
    world = setup

    def refuse_bulk(**kwargs):
        raise import_services.ValidationFailed("no")

    monkeypatch.setattr(import_services, "para_cases_create_bulk", refuse_bulk)
    batch = _start(world, _planted_list())
    batch.refresh_from_db()
    assert (batch.status, batch.created_cases) == (ImportStatus.DONE, len(PLANTED))
    assert DuplicateCheck.objects.filter(case__notification__batch=batch).count() == len(PLANTED)


def test_short_lists_and_open_transactions_stay_in_the_importing_process(setup):
    assert import_workers.worker_count(import_workers.MIN_CHUNKS) == 2
    assert import_workers.worker_count(import_workers.MIN_CHUNKS - 1) == 0
    with override_settings(IMPORT_WORKERS=1):
        assert import_workers.worker_count(50) == 0
    from django.db import transaction

    with transaction.atomic():
        assert connection.in_atomic_block
        assert import_workers.worker_count(50) == 0
    in_a_thread = []
    thread = threading.Thread(target=lambda: in_a_thread.append(import_workers.worker_count(50)))
    thread.start()
    thread.join()
    assert in_a_thread == [0]  # a web server's request thread never forks
