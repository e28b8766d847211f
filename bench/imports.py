"""Benchmark importing an authority's notification list (R-ARR-3): 50,000 rows in under 60 s.

    bash scripts/bench_imports.sh                 # throwaway PostgreSQL, 50,000 rows, CSV
    bash scripts/bench_imports.sh --rows 5000 --xlsx

On an empty database: migrate and load the demo reference data, write a notification list
of `--rows` returnees (West-African names in their usual spellings, an age or a date of
birth, an area of return of Senegal, a phone for most, the flight's date and origin, an
authority reference for three in four), then time, as the Dakar reception officer:

1. the dry run (read, validate, look up rows already imported);
2. the import: `import_start` (take the dry run's check, look up again which rows were
   imported meanwhile, record the batch, keep the file) and
   `import_run`, what the background worker runs: every row a person, a case at arrival,
   an imported-row record and a duplicate check, with their audit lines;
3. the same file again (nothing created).

Prints the figures and writes them to bench/results/imports-<UTC time>.json.
"""
# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import csv
import datetime
import io
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["HOMEWARD_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.core.management import call_command
from django.db import connection

from bench.machine_speed import gauges
from homeward.cases.models import Case
from homeward.demo.names import FAMILY_BY_COUNTRY, FEMALE_GIVEN, MALE_GIVEN
from homeward.demo.reference import reference_ensure
from homeward.movements.import_services import import_check, import_run, import_start
from homeward.movements.models import ImportStatus
from homeward.registration.models import DuplicateCheck

RESULTS_DIR = ROOT / "bench" / "results"
TARGET_SECONDS = 60.0
HEADER = [
    "Family name",
    "Given names",
    "Sex",
    "Age",
    "Date of birth",
    "Area of return",
    "Phone",
    "Flight date",
    "Flight origin",
    "Authority reference",
]


def notification_rows(count: int, areas: list[str], *, seed: int) -> list[list]:
    rng = random.Random(seed)
    families = FAMILY_BY_COUNTRY["SN"] + FAMILY_BY_COUNTRY.get("GN", ())
    flight_days = [datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * i) for i in range(40)]
    origins = ["Libya", "LY", "Niger", "Algeria", "Morocco", "Paris CDG", "Madrid MAD"]
    rows = []
    for i in range(count):
        female = rng.random() < 0.3
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        given_text = rng.choice(given.latin)
        if rng.random() < 0.3:
            given_text += " " + rng.choice(rng.choice(MALE_GIVEN).latin)
        family = rng.choice(rng.choice(families).latin)
        born = rng.random() < 0.4
        rows.append(
            [
                family,
                given_text,
                "F" if female else "M",
                "" if born else rng.randint(16, 60),
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1966, 2008)}"
                if born
                else "",
                rng.choice(areas),
                f"+221 77 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                if rng.random() < 0.8
                else "",
                rng.choice(flight_days).isoformat(),
                rng.choice(origins),
                f"DPAF-{seed}-{i:06d}" if rng.random() < 0.75 else "",
            ]
        )
    return rows


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Notification")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, func, log=print):
    started = time.monotonic()
    result = func()
    seconds = time.monotonic() - started
    log(f"  {label:<44} {seconds:7.1f} s")
    return result, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--xlsx", action="store_true", help="an XLSX list instead of CSV")
    parser.add_argument("--seed", type=int, default=20260214)
    parser.add_argument("--strict", action="store_true", help="exit 1 above 60 s")
    args = parser.parse_args(argv)

    print(f"Database: {connection.vendor} {connection.cursor().connection.info.server_version}"
          if connection.vendor == "postgresql" else f"Database: {connection.vendor}")  # fmt: skip
    call_command("migrate", verbosity=0)
    reference = reference_ensure()
    office = reference.offices["DKR"]
    actor = reference.users["reception"]
    areas = [a.code for a in reference.areas["SN"]] + [a.name for a in reference.areas["SN"]]
    rows = notification_rows(args.rows, areas, seed=args.seed)
    content = as_xlsx(rows) if args.xlsx else as_csv(rows)
    name = "notification.xlsx" if args.xlsx else "notification.csv"
    print(f"List: {args.rows:,} rows, {'XLSX' if args.xlsx else 'CSV'}, {len(content):,} bytes")
    kwargs = {
        "actor": actor,
        "content": content,
        "file_name": name,
        "office": office,
        "programme": reference.programme,
        "scheme": "forced",
    }

    speed_before = gauges()
    print(f"Machine speed before (lower is faster): {_speed(speed_before)}")
    check, dry_run = timed("dry run (read and validate)", lambda: import_check(**kwargs))
    batch, start = timed("import: start (record the batch)", lambda: import_start(**kwargs))
    batch, run = timed("import: run (what the worker does)", lambda: import_run(batch_id=batch.pk))
    total = start + run
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE, batch.error
    print(f"  {'import total':<44} {total:7.1f} s  ({batch.created_cases / total:,.0f} rows/s)")
    again, again_start = timed("same file again: start", lambda: import_start(**kwargs))
    again, again_run = timed("same file again: run", lambda: import_run(batch_id=again.pk))
    again.refresh_from_db()
    print(
        f"Cases opened: {batch.created_cases:,} (invalid rows {batch.invalid_rows}, "
        f"repeated {batch.duplicate_rows}, failed {batch.failed_rows}), "
        f"cases with likely duplicates: {batch.likely_duplicates:,}; "
        f"again: {again.created_cases} opened, {again.already_imported_rows:,} already imported"
    )
    speed_after = gauges()
    print(f"Machine speed after: {_speed(speed_after)}")
    ok = total < TARGET_SECONDS and again.created_cases == 0
    print(f"Target: {args.rows:,} rows under {TARGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")

    result = {
        "at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "python": platform.python_version(),
        "rows": args.rows,
        "format": "xlsx" if args.xlsx else "csv",
        "bytes": len(content),
        "dry_run_seconds": round(dry_run, 2),
        "start_seconds": round(start, 2),
        "run_seconds": round(run, 2),
        "total_seconds": round(total, 2),
        "again_seconds": round(again_start + again_run, 2),
        "cases": batch.created_cases,
        "cases_in_database": Case.objects.count(),
        "duplicate_checks": DuplicateCheck.objects.count(),
        "likely_duplicates": batch.likely_duplicates,
        "rows_to_import_checked": check.counts()["rows_to_import"],
        "target_met": ok,
        "machine_speed_before": speed_before,
        "machine_speed_after": speed_after,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"imports-{stamp}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if args.strict and not ok else 0


def _speed(gauge: dict) -> str:
    return ", ".join(f"{name.removesuffix('_ms')} {ms:.0f} ms" for name, ms in gauge.items())


if __name__ == "__main__":
    sys.exit(main())
