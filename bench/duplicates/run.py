"""Benchmark duplicate detection (R-DUP-1): lookup time, quality on labelled pairs, brute force.

    bash scripts/bench_duplicates.sh                  # throwaway PostgreSQL, 1,000,000 people
    bash scripts/bench_duplicates.sh --people 100000  # arguments go to this script

On an empty database: migrate, load the earlier registrations of the labelled pairs and
`--people` background people (COPY, with the same keys the people service writes), then

1. time `find_candidates` for `--timed` new registrations (after `--warmup` untimed ones);
2. look up every labelled pair's new registration and score the top five candidates;
3. time a brute-force rapidfuzz scan of every person's folded name for `--brute` of the
   same new registrations.

Prints every figure and writes them as JSON to bench/results/duplicates-<UTC time>.json.
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
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["HOMEWARD_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rapidfuzz import fuzz, process

from bench.duplicates.load import Writer, indexes_deferred
from bench.duplicates.population import VARIATIONS, Drawn, Pair, draw_person, labelled_pairs
from homeward.core.text import fold
from homeward.demo.reference import reference_ensure
from homeward.people.matchkeys import match_data
from homeward.people.models import MatchToken, Person, PersonMatchKey
from homeward.registration.duplicates import LIKELY_THRESHOLD, find_candidates
from homeward.registration.matching import profile, rank

RESULTS_DIR = ROOT / "bench" / "results"
P95_LIMIT_MS = 150.0
RECALL_TARGET = 0.95
PRECISION_TARGET = 0.90
BATCH = 10_000
# Loading more people than this drops the indexes first and builds them at the end.
DEFER_INDEXES_FROM = 50_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- Loading -------------------------------------------------------------------------


def load(pairs: list[Pair], people: int, *, seed: int, log=print) -> dict:
    """The earlier registrations of the pairs, then `people` background people; returns the
    stored person id of each pair."""
    started = time.monotonic()
    reference = reference_ensure()
    rng = random.Random(seed + 1)
    writer = Writer(reference, rng, reference_prefix="LB")
    stored_ids = {}
    with transaction.atomic():
        for index, pair in enumerate(pairs):
            stored_ids[index] = writer.add(pair.stored)
        writer.flush()
    log(f"  {len(pairs):>9,} labelled earlier registrations  {time.monotonic() - started:6.1f} s")
    writer = Writer(reference, rng, reference_prefix="BG")
    done = 0
    with indexes_deferred(log) if people >= DEFER_INDEXES_FROM else nullcontext():
        while done < people:
            size = min(BATCH, people - done)
            with transaction.atomic():
                for _ in range(size):
                    writer.add(draw_person(rng, typo_share=0.02))
                writer.flush()
            done += size
            if done % 100_000 == 0 or done == people:
                elapsed = time.monotonic() - started
                log(f"  {done:>9,} background people  {elapsed:6.1f} s  ({done / elapsed:,.0f}/s)")
    if connection.vendor == "postgresql":
        analysed = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"  ANALYZE {time.monotonic() - analysed:.1f} s")
    return stored_ids


def as_person(drawn: Drawn) -> Person:
    """A new registration, not saved: `find_candidates` reads its profile, never its rows."""
    data = match_data(
        names=drawn.names,
        documents=[d["number"] for d in drawn.documents],
        nationalities=drawn.nationalities,
        sex=drawn.sex,
        date_of_birth=drawn.date_of_birth,
        estimated_age=drawn.estimated_age,
        estimated_on=drawn.estimated_on,
    )
    person = Person(
        sex=drawn.sex,
        date_of_birth=drawn.date_of_birth,
        estimated_age=drawn.estimated_age,
        age_estimated_on=drawn.estimated_on,
        display_name=drawn.display_name,
        match_profile=data.profile,
        place_of_birth=drawn.place_of_birth,
    )
    person.created_at = datetime.datetime.combine(
        drawn.estimated_on, datetime.time(9), datetime.UTC
    )
    return person


def as_profile(drawn: Drawn):
    return profile(
        names=drawn.names,
        sex=drawn.sex,
        date_of_birth=drawn.date_of_birth,
        estimated_age=drawn.estimated_age,
        estimated_on=drawn.estimated_on,
        nationalities=drawn.nationalities,
        documents=[d["number"] for d in drawn.documents],
        place_of_birth=drawn.place_of_birth,
    )


# --- Measuring -----------------------------------------------------------------------


def time_lookups(queries: list[Person], *, warmup: int, programme) -> dict:
    for person in queries[:warmup]:
        find_candidates(person, programme=programme)
    timings = []
    for person in queries[warmup:]:
        started = time.perf_counter()
        find_candidates(person, programme=programme)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        find_candidates(queries[-1], programme=programme)
    return {
        "lookups": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "queries_per_lookup": len(captured.captured_queries),
        "timings_ms": timings,
    }


@dataclass
class Outcome:
    """One looked-up pair: the top five candidates' scores (and which is the true match),
    and the score of the pair compared one against one (0 when below the shown minimum)."""

    kind: str
    true: bool
    labelled: bool
    candidates: list[tuple[float, bool]]
    pair_score: float


def look_up(pairs: list[Pair], stored_ids: dict, *, log=print) -> list[Outcome]:
    outcomes = []
    started = time.monotonic()
    for index, pair in enumerate(pairs):
        target = stored_ids[index] if pair.true else None
        found = find_candidates(as_person(pair.query), limit=5)
        scored = rank(as_profile(pair.query), [(0, as_profile(pair.stored))])
        outcomes.append(
            Outcome(
                pair.kind,
                pair.true,
                pair.labelled,
                [(c.score, c.person_id == target) for c in found],
                scored[0].score if scored else 0.0,
            )
        )
        if (index + 1) % 2000 == 0:
            log(f"  {index + 1:>6,} pairs looked up  {time.monotonic() - started:6.1f} s")
    return outcomes


def figures(outcomes: list[Outcome], threshold: float) -> dict:
    """Recall and precision of the likely candidates (score >= threshold) in the top five,
    and of the pairs scored one against one."""
    true = [o for o in outcomes if o.true]
    likely = [(s, hit) for o in outcomes for s, hit in o.candidates if s >= threshold]
    found = sum(1 for o in true if any(hit and s >= threshold for s, hit in o.candidates))
    right = sum(1 for _s, hit in likely if hit)
    pair_tp = sum(1 for o in true if o.pair_score >= threshold)
    pair_fp = sum(1 for o in outcomes if not o.true and o.pair_score >= threshold)
    return {
        "threshold": threshold,
        "recall": round(found / len(true), 4) if true else 0.0,
        "precision": round(right / len(likely), 4) if likely else 1.0,
        "likely_candidates": len(likely),
        "wrong_likely_candidates": len(likely) - right,
        "true_match_in_top5": round(
            sum(any(h for _s, h in o.candidates) for o in true) / len(true), 4
        )
        if true
        else 0.0,
        "pairwise_recall": round(pair_tp / len(true), 4) if true else 0.0,
        "pairwise_precision": round(pair_tp / (pair_tp + pair_fp), 4) if pair_tp + pair_fp else 1.0,
    }


def by_kind(outcomes: list[Outcome], threshold: float) -> dict:
    kinds: dict = defaultdict(Counter)
    for o in outcomes:
        stats = kinds[o.kind]
        stats["queries"] += 1
        stats["found"] += any(hit and s >= threshold for s, hit in o.candidates)
        stats["wrong_likely"] += sum(1 for s, hit in o.candidates if s >= threshold and not hit)
        stats["pair_likely"] += o.pair_score >= threshold
    return {kind: dict(stats) for kind, stats in sorted(kinds.items())}


def brute_force(queries: list[Person], targets: list, *, log=print) -> dict:
    """rapidfuzz over every person's folded primary name, best five by token_sort_ratio."""
    loaded = time.monotonic()
    rows = list(Person.objects.values_list("id", "display_name").iterator(chunk_size=20_000))
    ids = [row[0] for row in rows]
    choices = [fold(row[1]) for row in rows]
    log(f"  {len(choices):,} folded names loaded in {time.monotonic() - loaded:.1f} s")
    timings, found = [], 0
    for person, target in zip(queries, targets, strict=True):
        started = time.perf_counter()
        best = process.extract(
            fold(person.display_name), choices, scorer=fuzz.token_sort_ratio, limit=5
        )
        timings.append((time.perf_counter() - started) * 1000)
        found += any(ids[index] == target for _choice, _score, index in best)
    return {
        "lookups": len(timings),
        "names": len(choices),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "true_match_in_top5": round(found / len(timings), 4),
        "timings_ms": timings,
    }


# --- Main ----------------------------------------------------------------------------


SWEEP = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="background people")
    parser.add_argument("--true", type=int, default=6000, help="true pairs (default 6,000)")
    parser.add_argument("--false", type=int, default=6000, help="false pairs (default 6,000)")
    parser.add_argument(
        "--ambiguous", type=int, default=1000, help="namesakes with estimated ages (1,000)"
    )
    parser.add_argument("--timed", type=int, default=300, help="timed lookups (default 300)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--brute", type=int, default=200, help="brute-force scans (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where the JSON goes")
    args = parser.parse_args(argv)

    print(f"Duplicate detection benchmark on {connection.vendor}")
    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        print("The database already holds people: run on an empty database.", file=sys.stderr)
        return 2
    pairs = labelled_pairs(
        random.Random(args.seed), true=args.true, false=args.false, ambiguous=args.ambiguous
    )
    print(f"Loading {len(pairs):,} earlier registrations of pairs and {args.people:,} people ...")
    started = time.monotonic()
    stored_ids = load(pairs, args.people, seed=args.seed)
    load_seconds = time.monotonic() - started
    programme = reference_ensure().programme
    people = Person.objects.count()
    keys = PersonMatchKey.objects.count()
    print(
        f"  {people:,} people, {keys:,} blocking keys ({keys / people:.1f} per person), "
        f"{MatchToken.objects.count():,} vocabulary rows; loaded in {load_seconds:.0f} s"
    )

    timed_pairs = list(range(min(len(pairs), args.warmup + args.timed)))
    queries = [as_person(pairs[i].query) for i in timed_pairs]
    print(f"Timing {args.timed} lookups ({args.warmup} untimed first) ...")
    timing = time_lookups(queries, warmup=args.warmup, programme=programme)
    print(f"Looking up all {len(pairs):,} pairs ...")
    outcomes = look_up(pairs, stored_ids)
    labelled = [o for o in outcomes if o.labelled]
    ambiguous = [o for o in outcomes if not o.labelled]
    headline = figures(labelled, LIKELY_THRESHOLD)
    sweep = [figures(labelled, t) for t in SWEEP]
    kinds = by_kind(outcomes, LIKELY_THRESHOLD)
    brute_n = min(args.brute, len(queries) - args.warmup)
    print(f"Brute force over {people:,} names for {brute_n} of the timed lookups ...")
    brute = brute_force(
        queries[args.warmup : args.warmup + brute_n],
        [stored_ids[i] for i in timed_pairs[args.warmup : args.warmup + brute_n]],
    )
    same = timing["timings_ms"][:brute_n]
    ratio_p50 = brute["p50_ms"] / statistics.median(same)
    ratio_mean = brute["mean_ms"] / statistics.fmean(same)

    true_n = sum(1 for o in labelled if o.true)
    print()
    print(f"people in the database        {people:>12,}")
    print(
        f"lookup (find_candidates)      p50 {timing['p50_ms']:7.1f} ms   "
        f"p95 {timing['p95_ms']:7.1f} ms   max {timing['max_ms']:7.1f} ms   "
        f"over {timing['lookups']} lookups, {timing['queries_per_lookup']} SQL queries each"
    )
    print(
        f"brute force (rapidfuzz)       p50 {brute['p50_ms']:7.1f} ms   "
        f"p95 {brute['p95_ms']:7.1f} ms   over {brute['lookups']} lookups; "
        f"true match in its top 5: {brute['true_match_in_top5']:.1%}"
    )
    print(
        f"brute force / lookup          {ratio_p50:7.1f} x (p50)   {ratio_mean:7.1f} x (mean), "
        "same queries"
    )
    print(
        f"labelled pairs                {len(labelled):,} ({true_n:,} true, "
        f"{len(labelled) - true_n:,} false); likely threshold {LIKELY_THRESHOLD}"
    )
    print(
        f"top 5 in the database         recall {headline['recall']:.4f}   "
        f"precision {headline['precision']:.4f}   "
        f"(true match in top 5: {headline['true_match_in_top5']:.4f}; "
        f"{headline['wrong_likely_candidates']:,} of {headline['likely_candidates']:,} likely "
        "candidates wrong)"
    )
    print(
        f"pairs one against one         recall {headline['pairwise_recall']:.4f}   "
        f"precision {headline['pairwise_precision']:.4f}"
    )
    if ambiguous:
        with_likely = sum(
            1 for o in ambiguous if any(s >= LIKELY_THRESHOLD for s, _h in o.candidates)
        )
        print(
            f"ambiguous namesakes           {len(ambiguous):,} (estimated ages, not labelled): "
            f"{with_likely / len(ambiguous):.1%} get a likely candidate, "
            f"{sum(o.pair_score >= LIKELY_THRESHOLD for o in ambiguous) / len(ambiguous):.1%} "
            "of the pairs are likely"
        )
    print()
    print(
        f"{'threshold':>9} {'recall':>8} {'precision':>10} {'pair recall':>12} {'pair prec.':>11}"
    )
    for row in sweep:
        print(
            f"{row['threshold']:>9.2f} {row['recall']:>8.4f} {row['precision']:>10.4f} "
            f"{row['pairwise_recall']:>12.4f} {row['pairwise_precision']:>11.4f}"
        )
    print()
    print(f"{'kind':<28} {'queries':>8} {'found':>8} {'wrong likely':>13} {'pair likely':>12}")
    for kind, stats in kinds.items():
        found = f"{stats['found'] / stats['queries']:.3f}" if kind in VARIATIONS else "-"
        print(
            f"{kind:<28} {stats['queries']:>8} {found:>8} {stats['wrong_likely']:>13} "
            f"{stats['pair_likely'] / stats['queries']:>12.3f}"
        )

    checks = {
        f"lookup p95 under {P95_LIMIT_MS:.0f} ms": timing["p95_ms"] < P95_LIMIT_MS,
        f"recall at least {RECALL_TARGET}": headline["recall"] >= RECALL_TARGET,
        f"precision at least {PRECISION_TARGET}": headline["precision"] >= PRECISION_TARGET,
    }
    print()
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'MISS'}  {name}")

    args.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.results / f"duplicates-{stamp}.json"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database = cursor.fetchone()[0]
    path.write_text(
        json.dumps(
            {
                "arguments": {k: str(v) for k, v in vars(args).items()},
                "database": str(database),
                "python": platform.python_version(),
                "people": people,
                "blocking_keys": keys,
                "load_seconds": round(load_seconds, 1),
                "lookup": {k: v for k, v in timing.items() if k != "timings_ms"},
                "brute_force": {k: v for k, v in brute.items() if k != "timings_ms"},
                "brute_over_lookup_p50": round(ratio_p50, 1),
                "brute_over_lookup_mean": round(ratio_mean, 1),
                "quality": headline,
                "sweep": sweep,
                "by_kind": kinds,
                "checks": checks,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nResults written to {path}")
    return 1 if args.strict and not all(checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
