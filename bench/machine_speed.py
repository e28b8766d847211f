"""How fast the machine runs at the moment, to read a benchmark's figures against.

The shared development machine's speed swings by up to half within an hour, and the same
code then takes 53 s or 100 s for the same import. These two gauges do a fixed amount of
work that does not depend on Homeward's code — Python working on dicts, strings and
tuples like the import's own code, and PostgreSQL computing over generated rows — so a
figure can be put beside the machine's speed when it was taken. Each is the best of three
tries, in milliseconds: lower is faster.
"""

import json
import time

from django.db import connection

_PG_GAUGE = "SELECT count(*) FROM generate_series(1, 3000000) AS g WHERE g %% 7 = 3"


def python_gauge_ms() -> float:
    return _best_of_three(_python_work)


def postgresql_gauge_ms() -> float:
    def work():
        with connection.cursor() as cursor:
            cursor.execute(_PG_GAUGE, [])
            cursor.fetchone()

    return _best_of_three(work)


def gauges() -> dict:
    gauge = {"python_ms": round(python_gauge_ms(), 1)}
    if connection.vendor == "postgresql":
        gauge["postgresql_ms"] = round(postgresql_gauge_ms(), 1)
    return gauge


def _best_of_three(work) -> float:
    times = []
    for _try in range(3):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def _python_work() -> None:
    words = [f"word{n % 997}-{n % 13}" for n in range(60_000)]
    counts: dict = {}
    for index, word in enumerate(words):
        key = (word, index % 31)
        counts[key] = counts.get(key, 0) + len(word)
    pairs = sorted(counts.items(), key=lambda item: (item[1], item[0]))
    json.dumps([[list(key), value] for key, value in pairs[:20_000]])
