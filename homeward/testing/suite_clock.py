"""The test suite's clock starts at 10:00 UTC of the day it runs, and ticks on from there.

Offices count days in their own time zones (UTC+0 to UTC+2 for the offices tests build), and
many tests compute "today" once, when their module is imported. A run that crossed an office's
midnight (23:00 UTC for Niamey) compared dates from two days and failed for no fault of the
code. From 10:00 UTC every such office stays on the same day for the next twelve hours, far
longer than a run. The clock keeps ticking (durations, orderings and expiries stay real) and
forked import workers inherit it. A test about a day boundary travels there itself with
``time_machine.travel``, nested inside this one.

Loaded by the repository's root ``conftest.py`` so that it starts before any test module is
imported, whichever tests are run.
"""

import datetime as dt

import time_machine

START_HOUR_UTC = 10

_suite_travel: time_machine.travel | None = None


def suite_start(real_now: dt.datetime) -> dt.datetime:
    """The instant the suite's clock starts from: 10:00 UTC on `real_now`'s UTC day."""
    return real_now.astimezone(dt.UTC).replace(
        hour=START_HOUR_UTC, minute=0, second=0, microsecond=0
    )


def pytest_configure(config) -> None:
    global _suite_travel
    _suite_travel = time_machine.travel(suite_start(dt.datetime.now(dt.UTC)), tick=True)
    _suite_travel.start()


def pytest_unconfigure(config) -> None:
    global _suite_travel
    if _suite_travel is not None:
        _suite_travel.stop()
        _suite_travel = None
