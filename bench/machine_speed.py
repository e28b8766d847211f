"""How fast the machine runs at the moment, to read a benchmark's figures against.

The shared development machine's speed swings by up to half within an hour, and the same
code then takes 53 s or 100 s for the same import. These two gauges do a fixed amount of
work that does not depend on Homeward's code — Python working on dicts, strings and
tuples like the import's own code (in a fresh interpreter, so that the state of the
process measured does not count), and PostgreSQL computing over generated rows — so a
figure can be put beside the machine's speed when it was taken. Each is the median of
five tries, in milliseconds: lower is faster.

    python bench/machine_speed.py        # the Python gauge alone
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

_PG_GAUGE = "SELECT count(*) FROM generate_series(1, 3000000) AS g WHERE g %% 7 = 3"
TRIES = 5


def python_gauge_ms() -> float:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def postgresql_gauge_ms() -> float:
    from django.db import connection

    def work():
        with connection.cursor() as cursor:
            cursor.execute(_PG_GAUGE, [])
            cursor.fetchone()

    return _median_ms(work)


def gauges() -> dict:
    from django.db import connection

    gauge = {"python_ms": round(python_gauge_ms(), 1)}
    if connection.vendor == "postgresql":
        gauge["postgresql_ms"] = round(postgresql_gauge_ms(), 1)
    return gauge


def _median_ms(work) -> float:
    times = []
    for _try in range(TRIES):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _python_work() -> None:
    words = [f"word{n % 997}-{n % 13}" for n in range(60_000)]
    counts: dict = {}
    for index, word in enumerate(words):
        key = (word, index % 31)
        counts[key] = counts.get(key, 0) + len(word)
    pairs = sorted(counts.items(), key=lambda item: (item[1], item[0]))
    json.dumps([[list(key), value] for key, value in pairs[:20_000]])


if __name__ == "__main__":
    print(f"{_median_ms(_python_work):.1f}")
