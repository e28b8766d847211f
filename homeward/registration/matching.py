"""R-DUP-1: how alike two people's records are (pure: no database).

Each piece of evidence adds to a log-odds that the two records are the same person:

- names: every stored spelling of one against every spelling of the other, word by word in
  any order (given and family names swapped, middle names missing), comparing folded words,
  transliteration skeletons and consonant codes (`homeward.people.matchkeys`), metaphone
  keys and edit distances (rapidfuzz), so that spelling variants and one or two typos stay
  close while different names (Mohamed / Mamadou) do not;
- date of birth: the same date, day and month swapped, the same year (one side entered as
  1 January, the usual stand-in for an unknown day), or an estimated age within two years;
  clearly different dates count against;
- nationality (shared or disjoint), place of birth (alike or not), sex (different counts
  against), document numbers (the same number is decisive on its own).

`rank` turns log-odds into a 0..1 score, discounting evidence many people share: each
candidate is weighed against the other candidates (its rivals) and against the namesakes in
the register who would fit the birth data as well by chance. A common name with only an
approximate age ("Mamadou Diallo, about 30") fits dozens of people in a large register, and
none of them is then a *likely* match; they are listed with the reason. Weights and the
threshold are tuned on the labelled pairs of `bench/duplicates` (see its README).
"""

import datetime
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language, gettext
from jellyfish import metaphone
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, Levenshtein

from homeward.core.text import fold
from homeward.people.matchkeys import (
    Spelling,
    Word,
    birth_year,
    code,
    document_key,
    spellings,
)

LIKELY_THRESHOLD = 0.7
# Candidates below this score are not worth showing.
POSSIBLE_THRESHOLD = 0.3

PRIOR = -3.5  # log-odds before any evidence: a name alone is not enough
# A name at least this alike is a spelling variant of the same name.
VARIANT_NAME = 0.85
SIMILAR_NAME = 0.75
# The least log-odds of two records sharing a document number (a likely match).
DOCUMENT_FLOOR = 3.0
# Evidence within this much of a candidate's counts as "as good" when discounting ties.
TIE_MARGIN = 1.0
# How much the odds of a weaker candidate count against a stronger one. In full (1.0) if
# the odds were calibrated to the register's size; less, because they are not: a register
# ten times larger holds ten times more people who happen to fit an approximate age.
WEAKER_RIVALS = 0.3
# A weaker candidate stays visible (not likely) beside a much stronger one.
MAX_DISCOUNT = 3.5


@dataclass(frozen=True)
class Profile:
    """What matching compares of one person."""

    spellings: tuple[Spelling, ...]
    sex: str = ""
    date_of_birth: datetime.date | None = None
    birth_year: int | None = None
    estimated: bool = False
    nationalities: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    place: str = ""  # of birth, folded


def profile(
    *,
    names,
    sex: str = "",
    date_of_birth: datetime.date | None = None,
    estimated_age: int | None = None,
    estimated_on: datetime.date | None = None,
    nationalities=(),
    documents=(),
    place_of_birth: str = "",
) -> Profile:
    """A profile from plain values; names are (given, family, script) or (given, family)."""
    rows = [(n[0], n[1], n[2] if len(n) > 2 else "Latn") for n in names]
    return Profile(
        spellings=spellings(rows),
        sex=sex or "",
        date_of_birth=date_of_birth,
        birth_year=birth_year(date_of_birth, estimated_age, estimated_on),
        estimated=date_of_birth is None,
        nationalities=frozenset(c.upper() for c in nationalities),
        documents=frozenset(k for k in map(document_key, documents) if k),
        place=fold(place_of_birth or ""),
    )


@lru_cache(maxsize=4096)
def _place(text: str) -> str:
    return fold(text)


def stored_profile(
    data: dict,
    *,
    sex: str,
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
    estimated_on: datetime.date | None,
    place_of_birth: str,
) -> Profile:
    """A profile from a person's stored match profile (`people.matchkeys.profile_data`,
    whose document numbers are already normalised) and row."""
    return Profile(
        spellings=spellings(data.get("n", ())),
        sex=sex or "",
        date_of_birth=date_of_birth,
        birth_year=birth_year(date_of_birth, estimated_age, estimated_on),
        estimated=date_of_birth is None,
        nationalities=frozenset(data.get("c", ())),
        documents=frozenset(data.get("d", ())),
        place=_place(place_of_birth or ""),
    )


def _(message: str) -> str:
    """gettext, kept per language: ranking explains some 250,000 candidates of a long list,
    with the same few texts."""
    key = (get_language(), message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = gettext(message)
    return found


_translated: dict[tuple, str] = {}


# --- Names ---------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _metaphone(folded: str) -> str:
    return metaphone(folded)


def word_similarity(a: Word, b: Word, arabic: bool = False) -> float:
    """0..1: how alike two words of a name are, across spellings and small typos; a
    leading article one of them drops ("El Amrani" / "Amrani") is ignored."""
    key = (a.number << 33) | (b.number << 1) | arabic
    found = _word_pairs.get(key)
    if found is None:
        found = _word_pair(a.skeleton, a.folded, a.bare, b.skeleton, b.folded, b.bare, arabic)
        if len(_word_pairs) >= PAIRS_KEPT:
            _word_pairs.clear()
        _word_pairs[key] = found
    return found


# Comparisons cached by what they compare (Word.number, Spelling.number), not by object:
# a register holds a few thousand distinct words but far more Word and Spelling objects
# (one per name text), so the same pairs come up again and again.
PAIRS_KEPT = 1 << 18
_word_pairs: dict = {}
_spelling_pairs: dict = {}


def _word_pair(
    a_skeleton: str, a_folded: str, a_bare: str, b_skeleton: str, b_folded: str, b_bare: str,
    arabic: bool,
) -> float:  # fmt: skip
    similarity = _word_similarity(a_skeleton, a_folded, b_skeleton, b_folded, arabic)
    if a_bare or b_bare:
        for x in (a_skeleton, a_bare):
            for y in (b_skeleton, b_bare):
                if x and y and (x, y) != (a_skeleton, b_skeleton):
                    similarity = max(similarity, 0.97 * _word_similarity(x, x, y, y, arabic))
    return similarity


def _word_similarity(x_skeleton, x_folded, y_skeleton, y_folded, arabic: bool) -> float:
    if x_skeleton == y_skeleton:
        return 1.0
    x_code, y_code = code(x_skeleton), code(y_skeleton)
    if arabic:
        # Short vowels are not written in Arabic: compare consonants only.
        return min(Levenshtein.normalized_similarity(x_code, y_code), 0.95)
    similarity = max(
        OSA.normalized_similarity(x_skeleton, y_skeleton),
        OSA.normalized_similarity(x_folded, y_folded),
        Indel.normalized_similarity(x_folded, y_folded),
    )
    if similarity >= 0.6 and x_code == y_code and len(x_code) >= 3:
        similarity = max(similarity, 0.92)
    if min(len(x_folded), len(y_folded)) >= 4 and _metaphone(x_folded) == _metaphone(y_folded):
        similarity = max(similarity, 0.9)
    return similarity


@dataclass(frozen=True)
class NameMatch:
    similarity: float
    query: Spelling | None = None
    other: Spelling | None = None
    swapped: bool = False  # given names of one matched the family name of the other


def spelling_similarity(a: Spelling, b: Spelling) -> NameMatch:
    """Words paired greedily, best first, in any order; missing words cost a little."""
    similarity, swapped = _spelling_pair(a, b)
    if swapped is None:
        return NameMatch(0.0)
    return NameMatch(similarity, a, b, swapped=swapped)


def _spelling_pair(a: Spelling, b: Spelling) -> tuple[float, bool | None]:
    key = (a.number << 32) | b.number
    found = _spelling_pairs.get(key)
    if found is None:
        found = _spelling_similarity(a, b)
        if len(_spelling_pairs) >= PAIRS_KEPT:
            _spelling_pairs.clear()
        _spelling_pairs[key] = found
    return found


def _spelling_similarity(a: Spelling, b: Spelling) -> tuple[float, bool | None]:
    """(similarity, swapped) of two spellings; swapped None when they have no words."""
    arabic = a.from_arabic != b.from_arabic
    a_words, b_words = a.words, b.words
    known = _word_pairs.get
    pairs = []
    for i, x in enumerate(a_words):
        row = (x.number << 33) | arabic
        for j, y in enumerate(b_words):
            similarity = known(row | (y.number << 1))
            if similarity is None:
                similarity = word_similarity(x, y, arabic)
            pairs.append((similarity, i, j))
    total = weight = 0.0
    weakest = 1.0
    crossed = straight = 0
    taken = _best_first(pairs, len(a_words), len(b_words)) if pairs else ()
    for similarity, i, j in taken:
        x, y = a_words[i], b_words[j]
        w = (len(x.skeleton) + len(y.skeleton)) / 2
        total += similarity * w
        weight += w
        if similarity < weakest:
            weakest = similarity
        if similarity >= SIMILAR_NAME:
            if x.given == y.given:
                straight += 1
            else:
                crossed += 1
    if not weight:
        return 0.0, None
    # The weakest pair weighs in: one name alike (Diallo) does not make up for another that
    # is not (Mamadou / Modou).
    aligned = 0.6 * total / weight + 0.4 * weakest
    missing = max(len(a_words), len(b_words)) - len(taken)
    aligned *= 1 - 0.07 * missing
    if aligned >= 0.97:
        return aligned, crossed > straight  # joined words (at most 0.97) cannot do better
    # Words split or joined differently ("Abdoul Karim" / "Abdoulkarim").
    joined = max(
        Levenshtein.normalized_similarity(a.joined, b.joined),
        Levenshtein.normalized_similarity(a.joined, b.joined_reversed),
    )
    if arabic:
        joined = min(joined, 0.9)
    return max(aligned, joined * 0.97), crossed > straight


def _best_first(pairs: list, a_count: int, b_count: int) -> list:
    """The (similarity, i, j) pairs of words greedy pairing takes: the best pair first
    (ties to the later words), then the best of the words left, until every word of the
    shorter name is paired. The common shapes without sorting."""
    if a_count == 1 or b_count == 1:
        return [max(pairs)]
    if a_count == b_count == 2:
        best = max(pairs)
        return [best, pairs[3 - best[1] * 2 - best[2]]]  # the two words left pair up
    pairs.sort(reverse=True)
    used_a, used_b, taken = set(), set(), []
    for pair in pairs:
        _similarity, i, j = pair
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        taken.append(pair)
        if len(taken) == min(a_count, b_count):
            break
    return taken


def name_similarity(a: Profile, b: Profile) -> NameMatch:
    best = NameMatch(0.0)
    for x in a.spellings:
        for y in b.spellings:
            found = spelling_similarity(x, y)
            if found.similarity > best.similarity or (
                found.similarity == best.similarity and best.swapped and not found.swapped
            ):
                best = found
    return best


def _name_score(a: Profile, b: Profile) -> float:
    """name_similarity(a, b).similarity, without building the matches (ranking compares
    every candidate, and explains only those it keeps)."""
    best = 0.0
    for x in a.spellings:
        for y in b.spellings:
            similarity = _spelling_pair(x, y)[0]
            if similarity > best:
                best = similarity
    return best


# Log-odds for a name similarity, interpolated between these points.
_NAME_CURVE = (
    (0.0, -8.0),
    (0.6, -6.0),
    (0.7, -2.5),
    (0.75, -0.5),
    (0.8, 1.5),
    (0.85, 2.5),
    (0.9, 3.2),
    (0.95, 4.0),
    (1.0, 4.5),
)


def _name_weight(similarity: float) -> float:
    for (x0, y0), (x1, y1) in zip(_NAME_CURVE, _NAME_CURVE[1:], strict=False):
        if similarity <= x1:
            return y0 + (y1 - y0) * (similarity - x0) / (x1 - x0)
    return _NAME_CURVE[-1][1]


def _name_reason(match: NameMatch) -> str:
    if match.query is None or match.similarity < SIMILAR_NAME:
        return ""
    ours, theirs = match.query.display, match.other.display
    same_words = sorted(w.folded for w in match.query.words) == sorted(
        w.folded for w in match.other.words
    )
    if same_words and not match.swapped:
        return _("Same name")
    if same_words:
        return _("Same name, given and family names swapped (%(ours)s / %(theirs)s)") % {
            "ours": ours,
            "theirs": theirs,
        }
    if match.similarity >= VARIANT_NAME:
        if match.swapped:
            return _(
                "Name matches another spelling, given and family names swapped "
                "(%(ours)s / %(theirs)s)"
            ) % {"ours": ours, "theirs": theirs}
        return _("Name matches another spelling (%(ours)s / %(theirs)s)") % {
            "ours": ours,
            "theirs": theirs,
        }
    return _("Similar name (%(ours)s / %(theirs)s)") % {"ours": ours, "theirs": theirs}


# --- Birth ---------------------------------------------------------------------------


def _year_only(day: datetime.date) -> bool:
    """1 January: how a date of birth is entered when only the year is known."""
    return day.month == 1 and day.day == 1


_BIRTH_REASONS = {
    "date": lambda: _("Same date of birth"),
    "swapped": lambda: _("Date of birth with day and month swapped"),
    "year": lambda: _("Same year of birth"),
    "age": lambda: _("Age matches the estimated age"),
}


# About how often two people born in a register's usual span of years agree this well by
# chance: the same date, the same year, years of birth within one or two years.
CHANCE_SAME_DATE = 1 / 5000
CHANCE_SAME_YEAR = 1 / 30
CHANCE_AGE = {0: 0.075, 1: 0.075, 2: 0.125}


def birth_evidence(a: Profile, b: Profile) -> tuple[float, str, bool, float]:
    """(log-odds, reason, decisive, chance) for the dates of birth or estimated ages; the
    reason is a key of _BIRTH_REASONS or empty; chance is how often two people agree this
    well by chance (0 when they disagree)."""
    x, y = a.date_of_birth, b.date_of_birth
    if x is not None and y is not None:
        if x == y:
            if _year_only(x):
                return 2.0, "year", False, CHANCE_SAME_YEAR
            return 4.5, "date", True, CHANCE_SAME_DATE
        if x.year == y.year and x.day == y.month and x.month == y.day:
            return 3.0, "swapped", True, CHANCE_SAME_DATE
        if x.year == y.year:
            if _year_only(x) or _year_only(y):
                return 1.5, "year", False, CHANCE_SAME_YEAR
            # Two full dates that differ: another person, or a slip in the day.
            return (-1.0 if x.month == y.month else -2.5), "", False, 0.0
        if abs(x.year - y.year) == 1 and (x.month, x.day) == (y.month, y.day):
            return 1.0, "", False, CHANCE_SAME_DATE
        return (-2.0 if abs(x.year - y.year) <= 2 else -5.0), "", False, 0.0
    if a.birth_year is None or b.birth_year is None:
        return 0.0, "", False, 1.0
    gap = abs(a.birth_year - b.birth_year)
    if gap <= 1:
        return 1.2, "age", False, CHANCE_AGE[gap]
    if gap <= 2:
        return 0.8, "age", False, CHANCE_AGE[gap]
    if gap <= 4:
        return -1.5, "", False, 0.0
    return -4.0, "", False, 0.0


# --- Whole records -------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    log_odds: float
    reasons: tuple[str, ...]
    name: float
    decisive: bool  # a shared date of birth or document beyond the name
    # How often someone with the same name would fit the birth data this well by chance.
    chance: float = 0.0


def compare(a: Profile, b: Profile) -> Comparison:
    """How alike two records are, with the reasons a person would give (ranking works out
    reasons only for the few candidates it keeps; its quick pass uses `_log_odds`)."""
    name = name_similarity(a, b)
    reasons = []
    if reason := _name_reason(name):
        reasons.append(reason)
    log_odds, decisive, chance = _log_odds(a, b, name.similarity, reasons)
    return Comparison(log_odds, tuple(reasons), name.similarity, decisive, chance)


def _log_odds(a: Profile, b: Profile, similarity: float, reasons: list | None = None) -> tuple:
    """(log-odds, decisive, chance) of two records whose names are this alike; the reasons
    beyond the name are added to `reasons` when given."""
    log_odds = PRIOR + _name_weight(similarity)
    birth, birth_reason, decisive, chance = birth_evidence(a, b)
    log_odds += birth
    if reasons is not None and birth_reason:
        reasons.append(_BIRTH_REASONS[birth_reason]())
    if a.nationalities and b.nationalities:
        if a.nationalities & b.nationalities:
            log_odds += 0.8
            if reasons is not None:
                reasons.append(_("Same nationality"))
        else:
            log_odds -= 2.0
    if a.sex in ("F", "M") and b.sex in ("F", "M") and a.sex != b.sex:
        log_odds -= 3.0
    if a.place and b.place:
        if a.place == b.place or fuzz.ratio(a.place, b.place) >= 85:
            log_odds += 1.0
            if reasons is not None:
                reasons.append(_("Same place of birth"))
        else:
            log_odds -= 1.0
    if a.documents and b.documents and a.documents & b.documents:
        # Decisive on its own: a shared number under other names is worth a decision too.
        log_odds = max(log_odds + 10.0, DOCUMENT_FLOOR)
        decisive, chance = True, 0.0
        if reasons is not None:
            reasons.append(_("Same document number"))
    return log_odds, decisive, chance


@dataclass(frozen=True)
class Ranked:
    key: object
    score: float
    reasons: tuple[str, ...]
    likely: bool


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(min(x, 50.0), -50.0)))


def rank(query: Profile, candidates, *, limit: int = 5, namesakes: int = 0) -> list[Ranked]:
    """The best `limit` of (key, profile) candidates, best first, scored 0..1.

    Each candidate's odds are weighed against its rivals, the other candidates, counted in
    full when their evidence is as strong or stronger and in part (WEAKER_RIVALS) when
    weaker: with odds o_i and rivals' odds o_j, its score is o_i / (1 + o_i + sum o_j), the
    chance that it, and not a rival nor nobody, is the person. When many people fit
    equally well none is likely; a candidate that fits clearly better (same document or
    date of birth) makes weaker ones less likely, though they stay listed. Candidates with
    decisive evidence are not rivals of each other: two earlier registrations of the same
    person both stay likely. Reasons are worked out for the candidates kept only.

    `namesakes`, how many people in the register share the query's name, discounts what a
    name fitting the birth data is worth by how many of them would fit as well by chance
    (a term-frequency adjustment): the same common name and an age within a year mean
    little among a million people, the same date of birth still does."""
    candidates = list(candidates)
    # (log-odds, decisive, chance) of each, then (log-odds by chance, decisive)
    raw = [_log_odds(query, other, _name_score(query, other)) for _key, other in candidates]
    compared = [
        (log_odds - _chance_discount(namesakes, chance), decisive)
        for log_odds, decisive, chance in raw
    ]
    # Odds relative to the best, by descending log-odds, with running sums of all and of
    # non-decisive candidates: a candidate's rivals are a prefix of this order.
    order = sorted(compared, key=lambda c: -c[0])
    descending = [-log_odds for log_odds, _decisive in order]
    top = max([log_odds for log_odds, _decisive in order] + [0.0])
    every, indecisive = [0.0], [0.0]
    for log_odds, decisive in order:
        weight = math.exp(log_odds - top)
        every.append(every[-1] + weight)
        indecisive.append(indecisive[-1] + (0.0 if decisive else weight))
    scored = []
    for index, (mine, decisive) in enumerate(compared):
        # Rivals at least as strong count in full, weaker ones in part.
        at_least = bisect_right(descending, -mine)
        sums = indecisive if decisive else every
        rivals = (
            sums[at_least]
            + WEAKER_RIVALS * (sums[-1] - sums[at_least])
            - math.exp(mine - top) * (not decisive)
        )
        # log(1 + sum of the rivals' odds)
        discount = math.log(math.exp(-top) + max(rivals, 0.0)) + top
        discount = min(discount, MAX_DISCOUNT + max(mine, 0.0))
        # Listed on its own evidence, however common the name.
        if _sigmoid(raw[index][0]) >= POSSIBLE_THRESHOLD:
            scored.append((_sigmoid(mine - discount), index))
    scored.sort(key=lambda si: si[0], reverse=True)
    ranked = []
    for score, index in scored[:limit]:
        key, other = candidates[index]
        comparison = _by_chance(compare(query, other), namesakes)
        mine = comparison.log_odds
        alike = bisect_right(descending, -(mine - TIE_MARGIN)) - bisect_left(
            descending, -(mine + TIE_MARGIN)
        )
        expected = round(namesakes * comparison.chance)
        reasons = comparison.reasons
        if expected >= 2 and not comparison.decisive:
            reasons = (
                *reasons,
                _("Common name: about %(count)d people in the register would fit as well")
                % {"count": expected},
            )
        elif alike > 2 and not comparison.decisive:
            reasons = (
                *reasons,
                _("Common name: %(count)d other records fit about as well") % {"count": alike - 1},
            )
        ranked.append(Ranked(key, score, reasons, score >= LIKELY_THRESHOLD))
    return ranked


def _chance_discount(namesakes: int, chance: float) -> float:
    """log(1 + the number of namesakes expected to fit the birth data as well by chance)."""
    expected = namesakes * chance
    return math.log1p(expected) if expected > 0 else 0.0


def _by_chance(comparison: Comparison, namesakes: int) -> Comparison:
    """The comparison with its odds divided by 1 + the number of namesakes expected to fit
    the birth data as well by chance."""
    discount = _chance_discount(namesakes, comparison.chance)
    if not discount:
        return comparison
    return Comparison(
        comparison.log_odds - discount,
        comparison.reasons,
        comparison.name,
        comparison.decisive,
        comparison.chance,
    )
