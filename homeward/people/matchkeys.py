"""R-DUP-1 support: name normalisation and the blocking keys duplicate detection looks up.

Pure functions turn a person's names (any spelling, Latin or Arabic script), birth date and
document numbers into

- name *tokens*: each word folded, then reduced to a transliteration-insensitive skeleton
  (ou→u, kh→k, dj/di+vowel→j, ch/sh→s, c→k/s, doubled letters, vowel classes, ...) and a
  consonant *code* ("Mohamed", "Muhammad", "Mouhamed", "محمد" → "mhmd");
- *blocking keys*, stored in `PersonMatchKey` (indexed): pairs of name codes with the birth
  year, the exact date of birth with sex, and normalised document numbers; and the pairs of
  name codes alone, which count how many people share a name;
- *vocabulary rows* (`MatchToken`): each code with its one- and two-letter deletions, so that
  a misspelt code finds the stored codes within one or two edits without scanning people.

`refresh_match_keys(person)` rewrites a person's keys and match profile; the people service
calls it whenever names, birth data, documents or nationalities change. Scoring lives in
`homeward.registration.matching`; lookup in `homeward.registration.duplicates`.
"""

import datetime
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from homeward.core.text import fold

# --- Arabic script -------------------------------------------------------------------
# After `fold` (which drops harakat and hamza marks: أ إ آ → ا, ؤ → و, ئ → ي), one Latin
# rendering per letter. Short vowels are not written in Arabic, so Arabic-script names are
# compared by their consonant codes. Ain is rendered as a vowel: علي Ali, عمر Omar.
_ARABIC = {
    "ا": "a", "ٱ": "a", "ب": "b", "ت": "t", "ة": "a", "ث": "th", "ج": "j", "ح": "h",
    "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "i", "ى": "a", "ء": "",
    "ـ": "", "پ": "p", "چ": "ch", "ڤ": "v", "گ": "g", "ی": "i", "ک": "k",
}  # fmt: skip
_ARABIC_TABLE = str.maketrans(_ARABIC)
_HAS_ARABIC = re.compile(r"[\u0600-\u06ff]")

# Words that belong to the next one: "N'Diaye" → "ndiaye", "El Amrani" → "elamrani",
# "Ben Ali" → "benali", Arabic "عبد الله" → "abdallah".
_JOIN_NEXT = frozenset({"al", "el", "ul", "ben", "bin", "ibn", "abu", "abou", "abd", "bn", "abn"})

# Spelling rules, applied in order to a folded Latin word.
_RULES = [
    (re.compile(p), r)
    for p, r in (
        (r"[^a-z]", ""),
        (r"tch|sch|ch|sh", "s"),  # Cheikh / Sheikh, Aïchatou / Aïssatou
        (r"dj", "j"),  # Djeneba / Jeneba
        (r"di(?=[aou])", "j"),  # Diallo / Jallow, Diarra / Jarra, Tidiane / Tijani
        (r"dh", "d"),
        (r"kh", "k"),  # Khadija / Kadija
        (r"gh", "g"),
        (r"th", "s"),  # Othmane / Ousmane, Thierno / Cherno, Thiam / Cham
        (r"ph", "f"),
        (r"ck|qu|q", "k"),  # Cheick, Roqaya
        (r"gu(?=[eiy])", "g"),  # Guèye
        (r"c(?=[eiy])", "s"),  # Cissé / Sissé
        (r"c", "k"),  # Camara / Kamara, Coulibaly / Kulibali
        (r"x", "ks"),
        (r"z", "s"),  # Hamza / Hamsa
        (r"ou|oo|w", "u"),  # Ousmane / Usman, Wuld / Ould, Jallow
        (r"y", "i"),  # Keyta / Keita
    )
]
_VOWELS = frozenset("aeiou")
_VOWEL_CLASS = str.maketrans({"e": "i", "o": "u"})
_DOUBLES = re.compile(r"(.)\1+")
_CONSONANTS_ONLY = re.compile(r"[aiu]")
MAX_TOKENS = 6
MAX_CODE = 20


def _drop_h(word: str) -> str:
    """Keep an "h" only between two vowels ("Mohamed") or two consonants (Arabic "mhmd");
    elsewhere it is silent or optional: Hawa / Awa, Ahmadou / Amadou, Fofanah, Alhassane."""
    if "h" not in word:
        return word
    out = []
    for i, ch in enumerate(word):
        if ch == "h":
            before = word[i - 1] if i else ""
            after = word[i + 1] if i + 1 < len(word) else ""
            if not before or not after or ((before in _VOWELS) != (after in _VOWELS)):
                continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=16384)
def skeleton(word: str) -> str:
    """A folded word with spelling and transliteration differences removed.

    'mouhamed' → 'muhamid', 'muhammad' → 'muhamad', 'ousmane' → 'usman', 'diallo' → 'jalu'
    """
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    word = _DOUBLES.sub(r"\1", word)
    if len(word) >= 4 and word.endswith("e"):
        word = word[:-1]  # Ousmane / Usman, Abdoulaye / Abdoulay, Lamine / Lamin, Sowe / Sow
    word = _drop_h(word).translate(_VOWEL_CLASS)
    return _DOUBLES.sub(r"\1", word)


@lru_cache(maxsize=16384)
def code(skel: str) -> str:
    """The consonants of a skeleton ('muhamid' → 'mhmd'); the skeleton itself when it has
    fewer than two consonants ('aua' for Awa / Hawa), so every word keeps a usable code."""
    consonants = _CONSONANTS_ONLY.sub("", skel)
    return (consonants if len(consonants) >= 2 else skel)[:MAX_CODE]


# Words and spellings are made once per distinct name (cached) and compared by identity.
# Each also carries a number standing for what name comparison reads of it (`interned`):
# equal numbers, equal contents, so that the scoring functions cache comparisons of
# contents by two integers, however many objects carry them.
_numbers = itertools.count(1)
_WORD_NUMBERS: dict = {}
_SPELLING_NUMBERS: dict = {}
NUMBERS_KEPT = 1 << 18


def interned(table: dict, key) -> int:
    """The number standing for `key` in `table`; numbers are never reused, so a table
    emptied when full only makes equal contents get a second number."""
    found = table.get(key)
    if found is None:
        if len(table) >= NUMBERS_KEPT:
            table.clear()
        found = table[key] = next(_numbers)
    return found


@dataclass(frozen=True, eq=False)
class Word:
    """One word of a name: as folded, its skeleton and its code, and whether it is part of
    the given names (False: family name)."""

    folded: str
    skeleton: str
    code: str
    given: bool
    # Without a leading article ("el amrani" → "amrani", Arabic "alziani" → "ziani"), which
    # one spelling writes and another drops; empty when there is none.
    bare: str = ""
    number: int = 0  # stands for (skeleton, folded, bare)


@dataclass(frozen=True, eq=False)
class Spelling:
    """One stored spelling of a person's name, as words."""

    display: str
    words: tuple[Word, ...]
    from_arabic: bool
    number: int = 0  # stands for the words' numbers, given or not, and from_arabic
    joined: str = ""  # the words' skeletons, joined
    joined_reversed: str = ""  # the same, words in reverse order
    codes: tuple[str, ...] = ()  # the words' distinct codes, in order


@lru_cache(maxsize=16384)
def _words(text: str, *, given: bool, arabic: bool) -> tuple[Word, ...]:
    folded = fold(text)
    if arabic:
        folded = folded.translate(_ARABIC_TABLE)
    parts = folded.split()
    joined: list[str] = []
    carry = ""
    for part in parts:
        if len(part) == 1 or part in _JOIN_NEXT:
            carry += part
            continue
        joined.append(carry + part)
        carry = ""
    if carry:
        joined.append(carry)
    words = []
    for part in joined:
        skel = skeleton(part)
        if skel:
            bare = skeleton(part[2:]) if part[:2] in ("al", "el") and len(part) >= 6 else ""
            number = interned(_WORD_NUMBERS, (skel, part, bare))
            words.append(Word(part, skel, code(skel), given, bare, number))
    return tuple(words)


@lru_cache(maxsize=32768)
def spelling(given: str, family: str, script: str = "Latn") -> Spelling:
    """The words of one name (given names first, then family name)."""
    arabic = script == "Arab" or bool(_HAS_ARABIC.search(f"{given}{family}"))
    words = _words(given, given=True, arabic=arabic) + _words(family, given=False, arabic=arabic)
    words = tuple(words[:MAX_TOKENS])
    number = interned(_SPELLING_NUMBERS, (tuple((w.number, w.given) for w in words), arabic))
    return Spelling(
        f"{given} {family}".strip(),
        words,
        arabic,
        number,
        "".join(w.skeleton for w in words),
        "".join(w.skeleton for w in words[::-1]),
        tuple(dict.fromkeys(w.code for w in words)),
    )


def spellings(names) -> tuple[Spelling, ...]:
    """The spellings to compare for a person with these (given, family, script) names,
    Latin script first; Arabic-script ones are transliterated (and compared letter for
    letter with another Arabic-script spelling, by consonants with a Latin one)."""
    all_ = [spelling(g or "", f or "", s or "Latn") for g, f, s in names]
    all_ = [s for s in all_ if s.words]
    return tuple(sorted(all_, key=lambda s: s.from_arabic))


# --- Birth year ----------------------------------------------------------------------


def birth_year(
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
    estimated_on: datetime.date | None,
) -> int | None:
    """The year of birth, or the one an estimated age points to."""
    if date_of_birth is not None:
        return date_of_birth.year
    if estimated_age is None:
        return None
    return (estimated_on or datetime.date.today()).year - estimated_age


# --- Documents -----------------------------------------------------------------------


def document_key(number: str) -> str:
    """A document number without spaces, dashes, dots or case: 'a 123-456.78' → 'A12345678'.
    Empty when too short or a placeholder ('0000', 'N/A') to identify anyone."""
    normalised = re.sub(r"[^0-9A-Z]", "", fold(number or "").upper())
    if len(normalised) < 5 or len(set(normalised)) < 3:
        return ""
    return normalised[:40]


# --- Keys ----------------------------------------------------------------------------

# How far a year of birth may be from another and still block them together: two years
# when either is estimated (matching weighs "an estimated age within two years"), one
# when both come from dates of birth. A stored estimated age is kept under the years
# within one of it and an estimated query looks two years either side, so that every
# pair within two years shares a year (a stored spread of two, with the query's two,
# also blocked pairs four years apart: 40 % more keys and candidates for no match).
STORED_ESTIMATED_YEARS = 1
ESTIMATED_YEARS = 2  # an estimated query looks this far either side
EXACT_QUERY_YEARS = 1  # a query with a date of birth also looks one year either side


def pair_key(a: str, b: str, year: int) -> str:
    return f"{pair_prefix(a, b)}{year}"


def pair_prefix(a: str, b: str) -> str:
    """A pair key without its year."""
    a, b = sorted((a, b))
    return f"p{a}.{b}."


def name_key(a: str, b: str) -> str:
    a, b = sorted((a, b))
    return f"q{a}.{b}"


def name_keys(all_spellings) -> set[str]:
    """Pairs of name codes whatever the birth: counting them says how common a name is."""
    return {name_key(a, b) for codes in code_sets(all_spellings) for a, b in combinations(codes, 2)}


def single_key(a: str, year: int) -> str:
    return f"s{a}.{year}"


def date_key(day: datetime.date, sex: str) -> str:
    return f"b{day:%Y%m%d}{sex}"


def _dated(day: datetime.date | None) -> bool:
    """A date of birth worth a key: 1 January stands for "only the year is known"."""
    return day is not None and (day.month, day.day) != (1, 1)


def number_key(number: str) -> str:
    return f"n{number}"


def code_sets(all_spellings) -> list[list[str]]:
    """Per spelling, its distinct codes in order."""
    out = []
    for item in all_spellings:
        codes = list(item.codes)
        if codes and codes not in out:
            out.append(codes)
    return out


def stored_keys(
    all_spellings,
    *,
    date_of_birth: datetime.date | None,
    year: int | None,
    estimated: bool,
    sex: str = "",
    documents=(),
) -> set[str]:
    """The blocking keys stored for a person: name-code pairs (or the only code) with each
    year of birth, the date of birth with sex, document numbers; and the name-code pairs
    alone, to count namesakes."""
    keys: set[str] = name_keys(all_spellings)
    years = []
    if year is not None:
        spread = STORED_ESTIMATED_YEARS if estimated else 0
        years = range(year - spread, year + spread + 1)
    for codes in code_sets(all_spellings):
        for y in years:
            if len(codes) == 1:
                keys.add(single_key(codes[0], y))
            keys.update(pair_key(a, b, y) for a, b in combinations(codes, 2))
    if _dated(date_of_birth):
        keys.add(date_key(date_of_birth, sex or "X"))
    keys.update(number_key(n) for n in map(document_key, documents) if n)
    return keys


def lookup_keys(
    all_spellings,
    *,
    date_of_birth: datetime.date | None,
    year: int | None,
    estimated: bool,
    sex: str = "",
    documents=(),
    similar=None,
) -> set[str]:
    """The keys to look up for a person: name pairs with each stored code close to the
    person's own (`similar`: code → close codes, from the vocabulary), over the years
    the birth data allows; the date of birth with sex, also with day and month swapped,
    whatever the name (a misspelt name born the same day); document numbers."""
    similar = similar or {}
    years = []
    if year is not None:
        spread = ESTIMATED_YEARS if estimated else EXACT_QUERY_YEARS
        years = range(year - spread, year + spread + 1)
    days = []
    if _dated(date_of_birth):
        days.append(date_of_birth)
        if date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
            days.append(date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month))
    sexes = (sex, "X") if sex in ("F", "M") else ("F", "M", "X")
    keys: set[str] = {date_key(day, s) for day in days for s in sexes}
    for codes in code_sets(all_spellings):
        options = [similar.get(c) or [c] for c in codes]
        if len(codes) == 1:
            keys.update(single_key(a, y) for a in options[0] for y in years)
        for first, second in combinations(options, 2):
            # pair_key(a, b, y) for every a, b and year, each pair of codes sorted once
            pairs = {pair_prefix(a, b) for a in first for b in second}
            keys.update(f"{pair}{y}" for pair in pairs for y in years)
    keys.update(number_key(n) for n in map(document_key, documents) if n)
    return keys


def deletions(value: str) -> set[str]:
    """The code and the strings left by deleting one letter (codes of three letters or more)
    or two letters (six or more): two codes within an edit or two share one of these."""
    found = {value}
    if len(value) >= 3:
        level = {value[:i] + value[i + 1 :] for i in range(len(value))}
        found |= level
        if len(value) >= 6:
            found |= {v[:i] + v[i + 1 :] for v in level for i in range(len(v))}
    return found


def vocabulary(all_spellings) -> set[tuple[str, str]]:
    """(variant, code) rows for the vocabulary of codes."""
    return {
        (variant, c)
        for codes in code_sets(all_spellings)
        for c in codes
        for variant in deletions(c)
    }


def profile_data(names, documents, nationalities) -> dict:
    """What duplicate detection reads of a candidate, kept on the person in one field:
    names as (given, family, script), document keys, nationality codes."""
    return {
        "n": [[g, f, s] for g, f, s in names],
        "d": sorted({k for k in map(document_key, documents) if k}),
        "c": sorted(set(nationalities)),
    }


@dataclass(frozen=True)
class MatchData:
    profile: dict
    keys: frozenset[str]
    vocabulary: frozenset[tuple[str, str]]


def match_data(
    *,
    names,
    documents,
    nationalities,
    sex: str,
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
    estimated_on: datetime.date | None,
) -> MatchData:
    """Profile, blocking keys and vocabulary rows of a person, from plain values; names are
    (given, family, script)."""
    names = [(g, f, s) for g, f, s in names]
    forms = spellings(names)
    keys = stored_keys(
        forms,
        date_of_birth=date_of_birth,
        year=birth_year(date_of_birth, estimated_age, estimated_on),
        estimated=date_of_birth is None,
        sex=sex,
        documents=documents,
    )
    return MatchData(
        profile_data(names, documents, nationalities), frozenset(keys), frozenset(vocabulary(forms))
    )


def refresh_match_keys(person, names=None) -> None:
    """Rewrite the person's blocking keys, vocabulary rows and match profile from the stored
    names, birth data, documents and nationalities (R-DUP-1)."""
    from .models import IdentityDocument, MatchToken, Person, PersonMatchKey, PersonName

    if names is None:
        names = PersonName.objects.filter(person=person).order_by("-is_primary", "id")
    data = match_data(
        names=[(n.given_names, n.family_name, n.script) for n in names],
        documents=IdentityDocument.objects.filter(person=person).values_list("number", flat=True),
        nationalities=Person.nationalities.through.objects.filter(person_id=person.pk).values_list(
            "country_id", flat=True
        ),
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        estimated_on=person.age_estimated_on
        or (person.created_at.date() if person.created_at else None),
    )
    person.match_profile = data.profile
    Person.objects.filter(pk=person.pk).update(match_profile=data.profile)
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create([PersonMatchKey(person=person, key=k) for k in data.keys])
    MatchToken.objects.bulk_create(
        [MatchToken(variant=v, code=c) for v, c in data.vocabulary], ignore_conflicts=True
    )
