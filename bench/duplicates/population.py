"""Synthetic people for the duplicate-detection benchmark, and labelled pairs (R-DUP-1).

Pure: everything is drawn from the `random.Random` given, nothing is written. Names come
from `homeward.demo.names` (West- and North-African given and family names, each with the
spellings case workers meet, Arabic script where the name is also written that way);
about one person in six carries two given names (Mamadou Saliou, Fatoumata Binta).

One name in three comes from a tail of less common names (`names.py`).

A *true pair* is an earlier registration and a new one of the same person, written
differently (`VARIATIONS`); a *false pair* is an earlier registration and someone else, most
of them namesakes (`FALSE_KINDS`).
"""

import datetime
import random
import string
from dataclasses import dataclass, field, replace

from homeward.core.text import fold
from homeward.demo.names import (
    ARABIC_FAMILY,
    FAMILY_BY_COUNTRY,
    FEMALE_GIVEN,
    MALE_GIVEN,
    PLACES_BY_COUNTRY,
    Name,
)
from homeward.demo.synth import ARABIC_FAMILY_SHARE, ORIGIN_COUNTRIES, draw_documents

from .names import (
    ARABIC_FAMILY_TAIL,
    FAMILY_TAIL_BY_COUNTRY,
    FEMALE_GIVEN_TAIL,
    MALE_GIVEN_TAIL,
)

TODAY = datetime.date(2026, 1, 15)
SECOND_GIVEN_SHARE = 0.16
# Names are drawn from the demo's common names, or with this chance from the tail.
TAIL_SHARE = 1 / 3
GIVEN_POOLS = {"M": (MALE_GIVEN, MALE_GIVEN_TAIL), "F": (FEMALE_GIVEN, FEMALE_GIVEN_TAIL)}
FAMILIES = {c: (FAMILY_BY_COUNTRY[c], FAMILY_TAIL_BY_COUNTRY[c]) for c in FAMILY_BY_COUNTRY}
ARABIC_FAMILIES = (ARABIC_FAMILY, ARABIC_FAMILY_TAIL)


def _pick(rng: random.Random, pools: tuple[tuple[Name, ...], tuple[Name, ...]]) -> Name:
    common, tail = pools
    return rng.choice(tail if tail and rng.random() < TAIL_SHARE else common)


@dataclass
class Drawn:
    """One person as registered: names as (given, family, script) rows, primary first."""

    country: str
    sex: str
    given: tuple[Name, ...]
    family: Name
    names: list[tuple[str, str, str]]
    date_of_birth: datetime.date | None
    estimated_age: int | None
    estimated_on: datetime.date
    age: int
    documents: list[dict] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    place_of_birth: str = ""

    @property
    def display_name(self) -> str:
        given, family, _script = self.names[0]
        return f"{given} {family}".strip()


def _spelling(rng: random.Random, name: Name) -> str:
    return name.common if rng.random() < 0.55 else rng.choice(name.latin)


def draw_person(rng: random.Random, *, typo_share: float = 0.0) -> Drawn:
    """Someone drawn like `homeward.demo.synth.draw_person`: one to four spellings, an
    Arabic-script one for North-African names, a date of birth (80 %) or an estimated age."""
    country = rng.choice(ORIGIN_COUNTRIES)
    sex = "M" if rng.random() < 0.72 else "F"
    pools = GIVEN_POOLS[sex]
    if rng.random() < ARABIC_FAMILY_SHARE[country]:
        family = _pick(rng, ARABIC_FAMILIES)
        pools = tuple(tuple(g for g in pool if g.arabic) for pool in pools)
    else:
        family = _pick(rng, FAMILIES[country])
    given = (_pick(rng, pools),)
    if rng.random() < SECOND_GIVEN_SHARE:
        second = _pick(rng, GIVEN_POOLS[sex])
        if second != given[0]:
            given += (second,)
    names = [(" ".join(_spelling(rng, g) for g in given), _spelling(rng, family), "Latn")]
    for _attempt in range(rng.choice((0, 1, 1, 2, 2, 3))):
        other = (" ".join(rng.choice(g.latin) for g in given), rng.choice(family.latin), "Latn")
        if other not in names:
            names.append(other)
    if family.arabic and all(g.arabic for g in given):
        names.append((" ".join(g.arabic for g in given), family.arabic, "Arab"))
    if typo_share and rng.random() < typo_share:
        g, f, s = names[0]
        names[0] = (*typo(rng, g, f, edits=1), s)
    age = max(16, min(62, int(rng.gauss(27, 7))))
    estimated_on = TODAY - datetime.timedelta(days=rng.randrange(0, 700))
    if rng.random() < 0.8:
        dob = datetime.date(estimated_on.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
        estimated = None
    else:
        dob, estimated = None, age
    return Drawn(
        country=country,
        sex=sex,
        given=given,
        family=family,
        names=names,
        date_of_birth=dob,
        estimated_age=estimated,
        estimated_on=estimated_on,
        age=age,
        documents=draw_documents(rng, country, TODAY),
        nationalities=[country],
        place_of_birth=rng.choice(PLACES_BY_COUNTRY[country]) if rng.random() < 0.85 else "",
    )


# --- Typos ---------------------------------------------------------------------------


def _edit(rng: random.Random, word: str) -> str:
    letters = string.ascii_lowercase
    if len(word) < 3:
        return word + rng.choice(letters)
    i = rng.randrange(1, len(word))  # rarely the first letter, as in practice
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if i == len(word) - 1:
        i -= 1
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typo(rng: random.Random, given: str, family: str, *, edits: int) -> tuple[str, str]:
    """The name with `edits` keyboard slips, each in a random word."""
    words = [given.split(), family.split()]
    for _ in range(edits):
        part = rng.choice([p for p in (0, 1) if words[p]])
        index = rng.randrange(len(words[part]))
        words[part][index] = _edit(rng, words[part][index])
    return " ".join(words[0]), " ".join(words[1])


# --- Labelled pairs ------------------------------------------------------------------

VARIATIONS = (
    "spelling",  # other spellings of the given and family names than any stored
    "arabic",  # only an Arabic-script name (North-African names), or another spelling
    "word_order",  # given and family names swapped
    "typo_1",  # one typing error
    "typo_2",  # two typing errors
    "day_month_swapped",
    "year_only",  # date of birth entered as 1 January of the right year
    "estimated_age",  # no date of birth, an age estimated within two years
    "missing_dob",  # the earlier registration had no date of birth, only an estimated age
)
FALSE_KINDS = (
    "namesake",  # same name (any spelling), same nationality, another date of birth
    "namesake_same_year",  # ... born the same year, on another day
    "namesake_other_nationality",
    "other_person",  # someone else drawn at random
)
# Namesakes of the same nationality registered with an estimated age only: when the ages
# fall within two years of each other nothing in the record tells them from the same
# person. Measured apart from the labelled set, not counted in its figures.
AMBIGUOUS_KIND = "namesake_estimated_age"


@dataclass
class Pair:
    kind: str  # a VARIATION (true pair), a FALSE_KIND or the AMBIGUOUS_KIND
    true: bool
    stored: Drawn  # registered earlier (in the database)
    query: Drawn  # the new registration looked up

    @property
    def labelled(self) -> bool:
        return self.kind != AMBIGUOUS_KIND


def _query_name(rng: random.Random, person: Drawn) -> tuple[str, str, str]:
    return (
        " ".join(_spelling(rng, g) for g in person.given),
        _spelling(rng, person.family),
        "Latn",
    )


def _unstored_spelling(rng: random.Random, person: Drawn) -> tuple[str, str, str]:
    stored = {(g, f) for g, f, _s in person.names}
    options = [
        (" ".join(rng.choice(g.latin) for g in person.given), rng.choice(person.family.latin))
        for _ in range(12)
    ]
    fresh = [o for o in options if o not in stored]
    given, family = fresh[0] if fresh else options[0]
    return given, family, "Latn"


def _formatted(number: str, rng: random.Random) -> str:
    """The same document number typed another way."""
    style = rng.randrange(3)
    if style == 0:
        return number.lower()
    if style == 1:
        return " ".join(number[i : i + 3] for i in range(0, len(number), 3))
    return number[:2] + "-" + number[2:]


def true_pair(rng: random.Random, kind: str) -> Pair:
    stored = draw_person(rng)
    if kind == "arabic" and not stored.family.arabic:
        # Only North-African names are written in Arabic script: draw one.
        for _ in range(200):
            stored = draw_person(rng)
            if stored.family.arabic:
                break
    # The person's real date of birth; the stored record may only have an estimated age.
    born = stored.date_of_birth or datetime.date(
        stored.estimated_on.year - stored.age, rng.randrange(1, 13), rng.randrange(1, 29)
    )
    if kind == "day_month_swapped":
        born = born.replace(day=rng.choice([d for d in range(1, 13) if d != born.month]))
    if kind in ("day_month_swapped", "year_only"):
        stored = replace(stored, date_of_birth=born, estimated_age=None)
    elif kind == "missing_dob":
        stored = replace(stored, date_of_birth=None, estimated_age=stored.age + rng.randint(-2, 2))
    on = min(TODAY, stored.estimated_on + datetime.timedelta(days=rng.randrange(30, 900)))
    name = _query_name(rng, stored)
    dob, estimated = born, None
    if kind == "spelling":
        name = _unstored_spelling(rng, stored)
    elif kind == "arabic" and stored.family.arabic and all(g.arabic for g in stored.given):
        name = (" ".join(g.arabic for g in stored.given), stored.family.arabic, "Arab")
    elif kind == "arabic":
        name = _unstored_spelling(rng, stored)
    elif kind == "word_order":
        name = (name[1], name[0], "Latn")
    elif kind in ("typo_1", "typo_2"):
        name = (*typo(rng, name[0], name[1], edits=int(kind[-1])), "Latn")
    elif kind == "day_month_swapped":
        dob = born.replace(day=born.month, month=born.day)
    elif kind == "year_only":
        dob = born.replace(month=1, day=1)
    elif kind == "estimated_age":
        dob, estimated = None, (on.year - born.year) + rng.randint(-2, 2)
    documents = []
    if stored.documents and rng.random() < 0.25:
        number = stored.documents[0]["number"]
        documents = [{**stored.documents[0], "number": _formatted(number, rng)}]
    elif rng.random() < 0.3:
        documents = draw_documents(rng, stored.country, TODAY)[:1]
    nationalities = list(stored.nationalities)
    if rng.random() < 0.03:
        nationalities = [rng.choice([c for c in ORIGIN_COUNTRIES if c != stored.country])]
    place = stored.place_of_birth or rng.choice(PLACES_BY_COUNTRY[stored.country])
    roll = rng.random()
    if roll < 0.15:
        place = ""  # not asked this time
    elif roll < 0.25:
        place = rng.choice(PLACES_BY_COUNTRY[stored.country])  # the region's town instead
    elif roll < 0.45:
        place = fold(place)  # typed without accents or capitals
    query = replace(
        stored,
        names=[name],
        date_of_birth=dob,
        estimated_age=estimated,
        estimated_on=on,
        documents=documents,
        nationalities=nationalities,
        place_of_birth=place,
    )
    return Pair(kind, True, stored, query)


def false_pair(rng: random.Random, kind: str) -> Pair:
    stored = draw_person(rng)
    if kind == "other_person":
        query = draw_person(rng)
        return Pair(kind, False, stored, replace(query, documents=query.documents[:1]))
    other = draw_person(rng)  # a namesake's own age, birth date and documents
    nationalities = list(stored.nationalities)
    if kind == "namesake_other_nationality":
        nationalities = [rng.choice([c for c in ORIGIN_COUNTRIES if c != stored.country])]
    dob = other.date_of_birth or datetime.date(
        other.estimated_on.year - other.age, rng.randrange(1, 13), rng.randrange(1, 29)
    )
    estimated = None
    if kind == "namesake_same_year":
        if stored.date_of_birth is None:
            born = datetime.date(
                stored.estimated_on.year - stored.age, rng.randrange(1, 13), rng.randrange(1, 29)
            )
            stored = replace(stored, date_of_birth=born, estimated_age=None)
        born = stored.date_of_birth
        while (
            dob.year != born.year or dob == born or (dob.day, dob.month) == (born.month, born.day)
        ):
            dob = datetime.date(born.year, rng.randrange(1, 13), rng.randrange(1, 29))
    elif kind == AMBIGUOUS_KIND:
        dob, estimated = None, other.age
    query = replace(
        stored,
        names=[_query_name(rng, stored)],
        sex=stored.sex,
        date_of_birth=dob,
        estimated_age=estimated,
        estimated_on=other.estimated_on,
        age=other.age,
        documents=other.documents[:1],
        nationalities=nationalities,
        place_of_birth=other.place_of_birth,
    )
    return Pair(kind, False, stored, query)


def labelled_pairs(rng: random.Random, *, true: int, false: int, ambiguous: int = 0) -> list[Pair]:
    """`true` true pairs spread evenly over the variations, `false` false pairs over the
    false kinds (namesakes three times in four), and `ambiguous` namesakes with an
    estimated age (kept apart in the figures)."""
    pairs = [true_pair(rng, VARIATIONS[i % len(VARIATIONS)]) for i in range(true)]
    pairs += [false_pair(rng, FALSE_KINDS[i % len(FALSE_KINDS)]) for i in range(false)]
    pairs += [false_pair(rng, AMBIGUOUS_KIND) for _ in range(ambiguous)]
    rng.shuffle(pairs)
    return pairs
