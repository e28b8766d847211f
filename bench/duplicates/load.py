"""Write drawn people straight into the tables, fast: COPY on PostgreSQL, executemany elsewhere.

Deliberately not through the services (a million people would take hours). Each person gets
what the people service would have written — names, nationality, documents, the display
name and search text, the match profile and blocking keys of `homeward.people.matchkeys`
(vocabulary rows included) — and one case under the demo programme. No audit lines.
Columns a row does not name take the field's default, so new fields with defaults do not
break the loader.
"""

import datetime
import json
import random
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection, models

from homeward.cases.models import Case
from homeward.core.text import fold
from homeward.demo import synth
from homeward.people.matchkeys import match_data
from homeward.people.models import (
    IdentityDocument,
    MatchToken,
    Person,
    PersonMatchKey,
    PersonName,
)

from .population import Drawn

Nationality = Person.nationalities.through
ORDER = (Person, Nationality, PersonName, IdentityDocument, PersonMatchKey, Case)


def _columns(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]


class Tables:
    """Rows of one batch per model, in column order."""

    def __init__(self):
        self.fields = {model: _columns(model) for model in ORDER}
        # (attribute, default, JSON?) per column; a field the row does not name takes its
        # default ("" for text without one).
        self.layout = {
            model: [(f.attname, f.get_default(), isinstance(f, models.JSONField)) for f in fields]
            for model, fields in self.fields.items()
        }
        self.rows: dict = defaultdict(list)

    def add(self, model, **values) -> None:
        self.rows[model].append(
            [
                json.dumps(values.get(name, default)) if is_json else values.get(name, default)
                for name, default, is_json in self.layout[model]
            ]
        )

    def write(self) -> None:
        for model in ORDER:
            rows = self.rows.pop(model, [])
            if rows:
                _insert(model, self.fields[model], rows)


def _insert(model, fields, rows) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        prepared = [
            [
                value if isinstance(f, models.JSONField) else f.get_db_prep_save(value, connection)
                for f, value in zip(fields, row, strict=True)
            ]
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return fold(text)


def search_text(names) -> str:
    """`homeward.people.services.search_text_for`, with each part's folding cached (the
    fold of "given family" is the folds of the parts joined by a space)."""
    folded = set()
    for given, family, _script in names:
        g, f = _fold(given), _fold(family)
        folded.add(" ".join(x for x in (g, f) if x))
        folded.add(" ".join(x for x in (f, g) if x))
    return " | ".join(sorted(folded))


def person_uuid(prefix: str, number: int) -> uuid.UUID:
    """The id of the `number`-th person (from 1) written under `prefix`: the same on every
    run, so that a result can be traced back to its labelled pair."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"homeward-bench-duplicates/{prefix}/{number}")


@contextmanager
def indexes_deferred(log=print):
    """On PostgreSQL, drop the tables' non-unique indexes while loading and build them again
    afterwards (much faster than maintaining them row by row); elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in ORDER]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = ANY(%s) AND NOT x.indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
        log(f"  {len(indexes)} indexes built again in {time.monotonic() - started:.1f} s")


def write_vocabulary(rows: set[tuple[str, str]]) -> None:
    MatchToken.objects.bulk_create(
        [MatchToken(variant=v, code=c) for v, c in rows], ignore_conflicts=True, batch_size=5000
    )


class Writer:
    """Turns drawn people into rows (`add`), written per batch (`flush`)."""

    def __init__(self, reference, rng: random.Random, *, reference_prefix: str = "DB"):
        self.ref = reference
        self.rng = rng
        self.tables = Tables()
        self.vocabulary: set[tuple[str, str]] = set()
        self.written: set[tuple[str, str]] = set()
        self.prefix = reference_prefix
        self.count = 0
        self.hosts = [reference.offices[c] for c in ("NIA", "AGZ", "RAB", "BER")]

    def add(self, drawn: Drawn, *, phase: str | None = None, scheme: str | None = None):
        """Rows for one person and one case; returns the person's id."""
        rng = self.rng
        self.count += 1
        person_id = person_uuid(self.prefix, self.count)
        created = datetime.datetime.combine(
            drawn.estimated_on, datetime.time(9, 0), tzinfo=datetime.UTC
        )
        data = match_data(
            names=drawn.names,
            documents=[d["number"] for d in drawn.documents],
            nationalities=drawn.nationalities,
            sex=drawn.sex,
            date_of_birth=drawn.date_of_birth,
            estimated_age=drawn.estimated_age,
            estimated_on=drawn.estimated_on,
        )
        origin = self.ref.office_for_origin(drawn.country)
        t = self.tables
        t.add(
            Person,
            id=person_id,
            created_at=created,
            updated_at=created,
            sex=drawn.sex,
            date_of_birth=drawn.date_of_birth,
            estimated_age=drawn.estimated_age,
            age_estimated_on=drawn.estimated_on if drawn.estimated_age is not None else None,
            place_of_birth=drawn.place_of_birth,
            registered_by_id=origin.pk,
            display_name=drawn.display_name,
            search_text=search_text(drawn.names),
            match_profile=data.profile,
        )
        for country in drawn.nationalities:
            t.add(Nationality, person_id=person_id, country_id=country)
        for index, (given, family, script) in enumerate(drawn.names):
            t.add(
                PersonName,
                person_id=person_id,
                given_names=given,
                family_name=family,
                script=script,
                is_transliteration=index > 0,
                is_primary=index == 0,
            )
        for document in drawn.documents:
            t.add(
                IdentityDocument,
                person_id=person_id,
                kind=document["kind"],
                number=document["number"],
                issuing_country_id=document["issuing_country"],
                issued_on=document["issued_on"],
                expires_on=document["expires_on"],
            )
        for key in data.keys:
            t.add(PersonMatchKey, person_id=person_id, key=key)
        self.vocabulary |= data.vocabulary
        scheme = scheme or synth.draw_scheme(rng)
        host = None if scheme in ("forced", "other_actor") else rng.choice(self.hosts)
        t.add(
            Case,
            id=uuid.uuid4(),
            created_at=created,
            updated_at=created,
            reference=f"{self.prefix}-{drawn.estimated_on.year}-{self.count:07d}",
            person_id=person_id,
            programme_id=self.ref.programme.pk,
            scheme=scheme,
            host_office_id=host.pk if host else None,
            origin_office_id=origin.pk,
            phase=phase or synth.draw_target(rng, scheme),
            phase_changed_at=created,
        )
        return person_id

    def flush(self) -> None:
        self.tables.write()
        write_vocabulary(self.vocabulary - self.written)
        self.written |= self.vocabulary
