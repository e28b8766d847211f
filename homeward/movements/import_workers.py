"""R-ARR-3 on several cores: the chunks of a long notification list imported by worker
processes.

Most of an import's time is Python (checking rows, building records, comparing names for
duplicate detection), which runs on one core per process. Workers forked from the process
running the import take the chunks one after the other, each over its own database
connection. A chunk opens its cases in one transaction and checks them for duplicates in a
second one, which waits until every earlier chunk's cases are committed (`Order`): each row
is checked against all earlier rows of the list, as when the chunks run one by one, and may
also find rows of later chunks committed meanwhile, which are as much the same returnee.
Each worker sends back what each chunk did (`tally`); the process running the import adds
it up and saves the progress.

Only on PostgreSQL, outside a transaction (the workers must see the batch), from a process's
main thread (the task worker's, never a web server's request thread: forking a
multi-threaded process may copy a lock another thread holds), and for lists of several
chunks: forking costs more than a short list takes.
"""

import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, connections

from homeward.core.errors import ApplicationError

log = logging.getLogger(__name__)

# Lists of fewer chunks run in the importing process.
MIN_CHUNKS = 4
# How often the importing process looks whether a worker died without a word.
POLL_SECONDS = 1.0
# The counters of a batch a chunk adds to.
COUNTERS = ("rows_done", "created_cases", "skipped_rows", "failed_rows", "likely_duplicates")


class WorkerFailed(ApplicationError):
    """A worker stopped on an error; its message, if any, is for the importer."""


def worker_count(chunks: int) -> int:
    """How many worker processes import a list of this many chunks (0: none, the importing
    process does it)."""
    wanted = min(settings.IMPORT_WORKERS, chunks)
    if (
        wanted < 2
        or chunks < MIN_CHUNKS
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
        or threading.current_thread() is not threading.main_thread()
    ):
        return 0
    return wanted


class Order:
    """Chunk `number`'s place in the list, shared by the workers: `opened` tells the others
    its cases are committed (or that it gave up); `wait_for_earlier` returns once every
    earlier chunk's are."""

    def __init__(self, number: int, condition, opened) -> None:
        self.number, self.condition, self.flags = number, condition, opened

    def opened(self) -> None:
        with self.condition:
            self.flags[self.number] = 1
            self.condition.notify_all()

    def wait_for_earlier(self) -> None:
        with self.condition:
            self.condition.wait_for(lambda: all(self.flags[: self.number]))


def tally(batch) -> dict:
    """What a chunk added to the batch (its counters started at zero)."""
    return {name: getattr(batch, name) for name in COUNTERS} | {"report": list(batch.report)}


def add_tally(batch, done: dict) -> None:
    for name in COUNTERS:
        setattr(batch, name, getattr(batch, name) + done[name])
    batch.report.extend(done["report"])


def _zero(batch) -> None:
    for name in COUNTERS:
        setattr(batch, name, 0)
    batch.report = []


def import_in_workers(
    batch, actor, chunks: list, import_chunk: Callable, workers: int
) -> Iterator[dict]:
    """Import `chunks` with `workers` processes; yields each chunk's tally as it is done.
    A worker's error stops the others and is raised as WorkerFailed."""
    context = multiprocessing.get_context("fork")
    condition = context.Condition()
    next_chunk = context.Value("i", 0, lock=False)
    opened = context.Array("b", len(chunks), lock=False)
    results = context.Queue()
    connections.close_all()  # each process opens its own connection
    processes = [
        context.Process(
            target=_work,
            args=(batch, actor, chunks, import_chunk, condition, next_chunk, opened, results),
            daemon=True,
        )
        for _n in range(workers)
    ]
    for process in processes:
        process.start()
    log.info("import %s: %d chunks, %d worker processes", batch.pk, len(chunks), workers)
    try:
        for _n in range(len(chunks)):
            kind, payload = _next_result(results, processes)
            if kind == "error":
                raise WorkerFailed(payload)
            yield payload
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _next_result(results, processes) -> tuple[str, object]:
    while True:
        try:
            return results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes) or not any(
                p.is_alive() for p in processes
            ):
                try:  # a last word may have arrived while it stopped
                    return results.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    return "error", ""


def _work(batch, actor, chunks, import_chunk, condition, next_chunk, opened, results) -> None:
    """One worker: takes the next chunk until none is left."""
    # Not the handlers of the process it was forked from (the task worker's graceful
    # shutdown): stopped by the importing process, not by Ctrl+C on the terminal.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while True:
            with condition:
                number = next_chunk.value
                next_chunk.value += 1
            if number >= len(chunks):
                return
            _zero(batch)
            try:
                import_chunk(batch, actor, chunks[number], order=Order(number, condition, opened))
            except Exception as exc:  # the importer must learn why, not only that it stopped
                log.exception("import %s: worker %s failed", batch.pk, os.getpid())
                results.put(("error", exc.message if isinstance(exc, ApplicationError) else ""))
                return
            results.put(("done", tally(batch)))
    finally:
        connections.close_all()
