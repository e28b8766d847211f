"""Generate N synthetic people, each with a case and its history, for the benchmark.

    .venv/bin/python bench/generate.py --people 100000     # PostgreSQL: HOMEWARD_DATABASE_URL

Bulk inserts in batches (default 5,000 people), so it bypasses the services on purpose:
it writes what the services would have written — people with several spellings and the
same folded `search_text`, cases with unique references (and the reference sequences moved
past them), phases reached through the phase table with one CaseEvent per step, and
vulnerability flags with their field group — but no audit lines. Reference data (offices,
programme, staff) is the demo programme's. Running it again adds more people.
"""
# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.db import connection, transaction
from django.utils import timezone

from homeward.accounts.roles import Perm
from homeward.cases import workflow
from homeward.cases.models import Case, CaseEvent, ReferenceSequence, VulnerabilityFlag
from homeward.cases.models import category_group as flag_group
from homeward.demo import synth
from homeward.demo.reference import Reference, reference_ensure
from homeward.demo.seeding import Team
from homeward.people.models import (
    Contact,
    HouseholdMember,
    IdentityDocument,
    Person,
    PersonLanguage,
    PersonName,
)
from homeward.programmes.models import PARA_SCHEMES, ReturnScheme

# Most cases are hosted in Niamey and Agadez, where the benchmark's counsellor works.
HOST_WEIGHTS = {"NIA": 45, "AGZ": 20, "RAB": 20, "BER": 15}
PROGRAMME_START = datetime.datetime(2024, 1, 8, 9, 0, tzinfo=datetime.UTC)
ACTIVE_WITHIN_DAYS = 90
Nationality = Person.nationalities.through


@dataclass
class Generated:
    people: int = 0
    cases: int = 0
    names: int = 0
    events: int = 0
    flags: int = 0
    seconds: float = 0.0


@contextmanager
def explicit_timestamps():
    """Let bulk inserts keep the historical times we set instead of `now`."""
    fields = [
        Person._meta.get_field("created_at"),
        Person._meta.get_field("updated_at"),
        Case._meta.get_field("created_at"),
        Case._meta.get_field("updated_at"),
        Case._meta.get_field("phase_changed_at"),
        CaseEvent._meta.get_field("at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Batch:
    """Rows of one batch, inserted together."""

    ORDER = (
        Person,
        Nationality,
        PersonName,
        PersonLanguage,
        Contact,
        IdentityDocument,
        HouseholdMember,
        Case,
        CaseEvent,
        VulnerabilityFlag,
    )

    def __init__(self):
        self.rows = {model: [] for model in self.ORDER}

    def add(self, obj) -> None:
        self.rows[type(obj)].append(obj)

    def insert(self, batch_size: int) -> None:
        for model in self.ORDER:
            model.objects.bulk_create(self.rows[model], batch_size=batch_size)


class Generator:
    def __init__(self, reference: Reference, seed: int, now: datetime.datetime):
        self.ref = reference
        self.rng = random.Random(seed)
        self.team = Team(reference, self.rng)
        self.now = now
        self.sequences = Counter(
            {(s.country_code, s.year): s.last_number for s in ReferenceSequence.objects.all()}
        )
        self.hosts = [reference.offices[c] for c in HOST_WEIGHTS]
        self.host_weights = list(HOST_WEIGHTS.values())

    def person_and_case(self, batch: Batch, result: Generated) -> None:
        rng = self.rng
        draft = synth.draw_person(rng, today=self.now.date())
        scheme = synth.draw_scheme(rng)
        target = synth.draw_target(rng, scheme)
        steps = synth.path_to(rng, target, scheme)
        origin = self.ref.office_for_origin(draft.country)
        host = self._host(scheme)
        times = self._times(steps, terminal=target in workflow.SIDE_EXITS or target == "closed")
        registering = origin if scheme in PARA_SCHEMES else host

        person = self._person(batch, draft, registering, times[0])
        case = Case(
            id=uuid.uuid4(),
            reference=self._reference(draft.country, times[0].year),
            person_id=person.pk,
            programme_id=self.ref.programme.pk,
            scheme=scheme,
            host_office_id=host.pk if host else None,
            origin_office_id=origin.pk,
            assigned_to_id=self._assignee(target, host, origin),
            phase=target,
            phase_changed_at=times[-1],
            intended_return_area_id=rng.choice(self.ref.areas[draft.country]).pk,
            created_at=times[0],
            updated_at=times[-1],
            version=1 + len(steps),
            search_text=person.search_text,
        )
        batch.add(case)
        creator = self.team.with_perm(Perm.CASE_CREATE, [registering.pk])
        self._history(batch, case, creator, steps, times)
        for category in synth.draw_flags(rng):
            flag = VulnerabilityFlag(case_id=case.pk, category=category)
            flag.field_group = flag_group(category)  # what save() would set
            batch.add(flag)
            result.flags += 1
        result.people += 1
        result.cases += 1
        result.names += len(draft.names)
        result.events += 1 + len(steps)

    def _history(self, batch: Batch, case: Case, creator, steps, times) -> None:
        """The CaseEvents the services write: "open", then one per transition."""
        phase = workflow.initial_phase(case.scheme)
        batch.add(
            CaseEvent(case_id=case.pk, at=times[0], actor=creator, action="open", to_phase=phase)
        )
        office_ids = [o for o in (case.host_office_id, case.origin_office_id) if o is not None]
        for step, at in zip(steps, times[1:], strict=True):
            transition = workflow.BY_NAME[step.action]
            batch.add(
                CaseEvent(
                    case_id=case.pk,
                    at=at,
                    actor=self.team.with_perm(transition.permission, office_ids),
                    action=step.action,
                    from_phase=phase,
                    to_phase=transition.target,
                    reason=step.reason,
                )
            )
            phase = transition.target

    def _person(self, batch: Batch, draft, office, at) -> Person:
        person = Person(
            id=uuid.uuid4(),
            registered_by_id=office.pk,
            sex=draft.sex,
            date_of_birth=draft.date_of_birth,
            estimated_age=draft.estimated_age,
            age_estimated_on=at.date() if draft.estimated_age is not None else None,
            place_of_birth=draft.place_of_birth,
            display_name=synth.display_name(draft.names),
            search_text=synth.search_text(draft.names),
            created_at=at,
            updated_at=at,
        )
        batch.add(person)
        batch.add(Nationality(person_id=person.pk, country_id=draft.country))
        for row in draft.names:
            batch.add(PersonName(person_id=person.pk, **{"is_primary": False, **row}))
        for row in draft.languages:
            batch.add(PersonLanguage(person_id=person.pk, **row))
        batch.add(
            Contact(person_id=person.pk, kind="phone", value=draft.phone_e164, label="mobile")
        )
        for row in draft.documents:
            row = dict(row)
            batch.add(
                IdentityDocument(
                    person_id=person.pk, issuing_country_id=row.pop("issuing_country"), **row
                )
            )
        for row in draft.household:
            batch.add(HouseholdMember(person_id=person.pk, **row))
        return person

    def _host(self, scheme: str):
        rng = self.rng
        if scheme == ReturnScheme.OTHER_ACTOR or (
            scheme == ReturnScheme.FORCED and rng.random() < 0.5
        ):
            return None
        if scheme == ReturnScheme.FORCED:
            return self.ref.offices[rng.choice(("BER", "RAB"))]
        return rng.choices(self.hosts, weights=self.host_weights)[0]

    def _assignee(self, target: str, host, origin) -> int:
        """The counsellor before departure, the origin case manager afterwards."""
        before_arrival = target in workflow.PRE_DEPARTURE_PHASES or target in workflow.SIDE_EXITS
        if before_arrival and host is not None:
            return self.team.with_perm(Perm.CASE_COUNSEL, [host.pk]).pk
        return self.team.with_perm(Perm.REINTEGRATION_MANAGE, [origin.pk]).pk

    def _reference(self, country: str, year: int) -> str:
        self.sequences[(country, year)] += 1
        return f"{country}-{year}-{self.sequences[(country, year)]:06d}"

    def _times(self, steps, *, terminal: bool) -> list[datetime.datetime]:
        """When the case opened and each step happened; open cases moved recently."""
        rng = self.rng
        offsets = [0.0]
        for step in steps:
            offsets.append(offsets[-1] + step.days_after + rng.random())
        span = (self.now - PROGRAMME_START).total_seconds() / 86400
        if terminal:
            end = rng.uniform(min(offsets[-1], span * 0.9), span)
        else:
            end = span - rng.uniform(0, min(ACTIVE_WITHIN_DAYS, span))
        start = max(PROGRAMME_START + datetime.timedelta(days=end - offsets[-1]), PROGRAMME_START)
        return [min(start + datetime.timedelta(days=o), self.now) for o in offsets]

    def save_sequences(self) -> None:
        for (country, year), last in self.sequences.items():
            ReferenceSequence.objects.update_or_create(
                country_code=country, year=year, defaults={"last_number": last}
            )


def generate(people: int, *, seed: int = 1, batch_size: int = 5000, log=print) -> Generated:
    """Add `people` people, each with one case and its history; returns what was made."""
    started = time.monotonic()
    reference = reference_ensure()
    generator = Generator(reference, seed, timezone.now())
    result = Generated()
    with explicit_timestamps():
        done = 0
        while done < people:
            size = min(batch_size, people - done)
            batch = Batch()
            for _ in range(size):
                generator.person_and_case(batch, result)
            with transaction.atomic():
                batch.insert(batch_size)
                generator.save_sequences()
            done += size
            elapsed = time.monotonic() - started
            log(f"  {done:>9,} people and cases  {elapsed:7.1f} s  ({done / elapsed:,.0f}/s)")
    if connection.vendor == "postgresql":
        # What autovacuum does on its own within minutes of a bulk load: fresh statistics,
        # and the visibility map that lets index-only scans skip the table. Done here so
        # that the timings do not depend on whether it has come round yet. (VACUUM cannot
        # run inside a transaction, as in the tests: statistics only there.)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        analysed = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(command)
        log(f"  {command} {time.monotonic() - analysed:.1f} s")
    result.seconds = time.monotonic() - started
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="how many (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per insert (default 5,000)")
    args = parser.parse_args(argv)
    print(f"Generating {args.people:,} people and cases on {connection.vendor} ...")
    result = generate(args.people, seed=args.seed, batch_size=args.batch)
    print(
        f"Done in {result.seconds:.1f} s: {result.people:,} people ({result.names:,} names), "
        f"{result.cases:,} cases, {result.events:,} case events, {result.flags:,} flags; "
        f"{Case.objects.count():,} cases in the database."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
