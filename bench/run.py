"""Time the case list, name search and case detail pages through the full Django stack.

    HOMEWARD_DATABASE_URL=postgres://... .venv/bin/python bench/run.py [--generate N] [--strict]

Requests go through Django's test Client in this process: URL routing, every middleware,
the session of a signed-in user, the views, selectors, templates and the database — only
the HTTP server and the network are left out. A minimal signed-in view (/bench/floor/: session
and user loaded, like every page) measured the same way gives the framework floor; a view that
touches neither (/bench/floor/bare/) is reported beside it. Prints p50 / p95 / max per page,
checks the targets (p95 under 100 ms, and under 5 × the floor's p95) and writes JSON to
bench/results/. With --http the same pages are also timed through gunicorn on loopback.
"""
# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import datetime
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["HOMEWARD_BENCH"] = "1"  # routes /bench/floor/
    os.environ["HOMEWARD_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

import django
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from homeward.accounts.models import User
from homeward.cases.models import Case
from homeward.cases.selectors import CaseFilters, case_list_for

FLOOR_URL = "/bench/floor/"
BARE_FLOOR_URL = "/bench/floor/bare/"
# Common surnames, spelled as people type them: unaccented, or another transliteration.
SEARCH_TERMS = ("traore", "Diallo", "Jallow", "Ndiaye", "Kamara", "keita")
P95_LIMIT_MS = 100.0
FLOOR_RATIO_LIMIT = 5.0
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_CASES = 100_000


@dataclass
class PageResult:
    name: str
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    queries: int
    ratio_to_floor: float | None = None
    passed: bool | None = None
    misses: list = field(default_factory=list)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def page_urls(references: list[str]) -> dict:
    """Each benchmarked page as a function from request number to URL."""
    try:
        resolve(FLOOR_URL)
    except Resolver404 as exc:
        raise SystemExit("/bench/floor/ is not routed: set HOMEWARD_BENCH=1 before setup.") from exc
    case_list = reverse("web:case_list")
    return {
        "bare floor": lambda i: BARE_FLOOR_URL,
        "floor": lambda i: FLOOR_URL,
        "case list": lambda i: case_list,
        "name search": lambda i: f"{case_list}?q={quote(SEARCH_TERMS[i % len(SEARCH_TERMS)])}",
        "case detail": lambda i: reverse(
            "web:case_detail", kwargs={"reference": references[i % len(references)]}
        ),
    }


def _get(client, url: str) -> float:
    started = time.perf_counter()
    status = client.get(url).status_code
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"GET {url} answered {status}, not 200")
    return elapsed


def measure(user, *, requests: int, warmup: int, seed: int = 1, http=None) -> list[PageResult]:
    """Sign the user in and time `requests` GETs of each page, interleaved: in this process
    through Django's test Client, or with `http` (a `bench.server.Server`) over loopback HTTP."""
    rng = random.Random(seed)
    visible = list(case_list_for(user).prefetch_related(None).values_list("reference", flat=True))
    if not visible:
        raise SystemExit(f"{user.username} sees no case: generate data first (--generate N).")
    references = [rng.choice(visible) for _ in range(requests + warmup)]
    pages = page_urls(references)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    timed = http.client_for(client.cookies["sessionid"].value) if http else client
    timings = {name: [] for name in pages}
    for i in range(warmup + requests):
        for name, url in pages.items():
            elapsed = _get(timed, url(i))
            if i >= warmup:
                timings[name].append(elapsed)
    results = []
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            _get(client, url(0))
        values = timings[name]
        results.append(
            PageResult(
                name=name,
                requests=len(values),
                p50_ms=round(percentile(values, 50), 2),
                p95_ms=round(percentile(values, 95), 2),
                max_ms=round(max(values), 2),
                mean_ms=round(statistics.fmean(values), 2),
                queries=len(queries),
            )
        )
    return judge(results)


def judge(results: list[PageResult]) -> list[PageResult]:
    """Compare each page with the targets: p95 < 100 ms and p95 < 5 × the floor's p95."""
    floor = next(r for r in results if r.name == "floor")
    for result in results:
        if result.name in ("floor", "bare floor"):
            continue
        result.ratio_to_floor = round(result.p95_ms / floor.p95_ms, 2)
        if result.p95_ms >= P95_LIMIT_MS:
            result.misses.append(f"p95 {result.p95_ms} ms ≥ {P95_LIMIT_MS:.0f} ms")
        if result.ratio_to_floor >= FLOOR_RATIO_LIMIT:
            result.misses.append(f"p95 {result.ratio_to_floor} × floor ≥ {FLOOR_RATIO_LIMIT:.0f}")
        result.passed = not result.misses
    return results


def table(results: list[PageResult]) -> str:
    header = f"{'page':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} "
    header += f"{'p95/floor':>9}  target"
    lines = [header, "-" * len(header)]
    for r in results:
        ratio = f"{r.ratio_to_floor:.2f}" if r.ratio_to_floor is not None else "—"
        verdict = (
            "—" if r.passed is None else ("met" if r.passed else "MISSED: " + "; ".join(r.misses))
        )
        lines.append(
            f"{r.name:<12} {r.requests:>5} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.max_ms:>8.1f} "
            f"{r.queries:>8} {ratio:>9}  {verdict}"
        )
    return "\n".join(lines)


def context_of(user) -> dict:
    visible = case_list_for(user).count()
    hits = {term: case_list_for(user, CaseFilters(q=term)).count() for term in SEARCH_TERMS}
    return {
        "database": f"{connection.vendor} {_server_version()}",
        "django": django.get_version(),
        "python": platform.python_version(),
        "cases": Case.objects.count(),
        "user": user.username,
        "visible_cases": visible,
        "search_hits": hits,
    }


def _server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""


def write_json(payload: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--user", default="counsellor", help="whose session (default counsellor)")
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="first add people until N cases exist (default: 100,000 if there is no case)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--http",
        action="store_true",
        help="also time the pages over loopback HTTP through gunicorn, as a browser reaches them",
    )
    args = parser.parse_args(argv)

    call_command("migrate", verbosity=0)  # a fresh cluster (make bench) has no tables yet
    wanted = args.generate
    if wanted is None and not Case.objects.exists():
        wanted = DEFAULT_CASES
    missing = (wanted or 0) - Case.objects.count()
    if missing > 0:
        from bench.generate import generate

        print(f"Generating {missing:,} people and cases ...")
        generate(missing)
    user = User.objects.filter(username=args.user).first()
    if user is None:
        print(f"No user {args.user!r}: run bench/generate.py (or seed_demo) first.")
        return 2
    context = context_of(user)
    print(
        f"{context['database']}: {context['cases']:,} cases, {context['visible_cases']:,} "
        f"visible to {user.username}; search hits {context['search_hits']}"
    )
    results = measure(user, requests=args.requests, warmup=args.warmup)
    print("In process (Django test Client: the application's own time)")
    print(table(results))
    passed = all(r.passed is not False for r in results)
    over_http = []
    if args.http:
        from bench.server import Server

        with Server() as server:
            over_http = measure(user, requests=args.requests, warmup=args.warmup, http=server)
        print("Over HTTP (gunicorn on 127.0.0.1, one worker, keep-alive connection)")
        print(table(over_http))
    path = write_json(
        {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            **context,
            "targets": {"p95_ms": P95_LIMIT_MS, "p95_to_floor": FLOOR_RATIO_LIMIT},
            "passed": passed,
            "pages": [asdict(r) for r in results],
            "pages_over_http": [asdict(r) for r in over_http],
        }
    )
    print(f"{'All targets met' if passed else 'Targets missed'}; results in {path}")
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
