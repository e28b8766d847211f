"""Synthetic migrants and case histories, shared by `seed_demo` and the benchmark generator.

Pure: every function draws plain data from the `random.Random` it is given and writes
nothing, so a fixed seed gives the same people and the same histories on every run.
"""

import datetime
import random
from dataclasses import dataclass, field

from homeward.cases import workflow
from homeward.cases.models import Phase, VulnerabilityCategory
from homeward.people.services import search_text_for
from homeward.programmes.models import PARA_SCHEMES, ReturnScheme

from .names import (
    ARABIC_FAMILY,
    FAMILY_BY_COUNTRY,
    FEMALE_GIVEN,
    LANGUAGES_BY_COUNTRY,
    MALE_GIVEN,
    PLACES_BY_COUNTRY,
    Name,
)

ORIGIN_COUNTRIES = ("SN", "GN", "ML")
# The date synthetic people's ages and documents are reckoned from: fixed for reproducibility.
TODAY = datetime.date(2026, 1, 15)
# Share of people carrying a North-African / Saharan family name, by country of origin.
ARABIC_FAMILY_SHARE = {"SN": 0.06, "GN": 0.02, "ML": 0.18}
# Mobile numbers: (country calling code, national prefixes, digits after the prefix).
MOBILE = {
    "SN": ("221", ("70", "76", "77", "78"), 7),
    "GN": ("224", ("620", "622", "625", "655", "662", "664"), 6),
    "ML": ("223", ("66", "70", "76", "79", "90"), 6),
}


@dataclass
class PersonDraft:
    country: str
    sex: str
    names: list[dict]
    date_of_birth: datetime.date | None
    estimated_age: int | None
    place_of_birth: str
    languages: list[dict]
    phone_raw: str
    phone_e164: str
    documents: list[dict]
    household: list[dict]
    age: int

    def service_data(self) -> dict:
        """The `data` argument of `person_create`."""
        return {
            "sex": self.sex,
            "date_of_birth": self.date_of_birth,
            "estimated_age": self.estimated_age,
            "place_of_birth": self.place_of_birth,
            "nationalities": [self.country],
            "names": self.names,
            "languages": self.languages,
            "contacts": [{"kind": "phone", "value": self.phone_raw, "label": "mobile"}],
            "documents": self.documents,
            "household": self.household,
        }


def display_name(names: list[dict]) -> str:
    """The primary spelling, as the people service stores it for lists."""
    primary = next((n for n in names if n.get("is_primary")), names[0])
    return f"{primary['given_names']} {primary['family_name']}".strip()


def search_text(names: list[dict]) -> str:
    """The folded search key of a person with these names, as the people service stores it."""
    return search_text_for((n["given_names"], n["family_name"]) for n in names)


def _spelling(rng: random.Random, name: Name) -> str:
    """Mostly the common spelling, otherwise one of the variants."""
    return name.common if rng.random() < 0.55 else rng.choice(name.latin)


def draw_names(rng: random.Random, country: str, sex: str) -> list[dict]:
    """A primary name plus 0–2 other spellings; Arabic script for North-African names."""
    given_pool = FEMALE_GIVEN if sex == "F" else MALE_GIVEN
    arabic_family = rng.random() < ARABIC_FAMILY_SHARE[country]
    if arabic_family:
        family = rng.choice(ARABIC_FAMILY)
        given = rng.choice([g for g in given_pool if g.arabic])
    else:
        family = rng.choice(FAMILY_BY_COUNTRY[country])
        given = rng.choice(given_pool)
    primary = (_spelling(rng, given), _spelling(rng, family))
    rows = [_row(*primary, is_primary=True)]
    seen = {primary}
    for _attempt in range(rng.choice((0, 1, 1, 2, 2, 3))):
        other = (rng.choice(given.latin), rng.choice(family.latin))
        if other not in seen:
            seen.add(other)
            rows.append(_row(*other, transliteration=True))
    if arabic_family:
        rows.append(_row(given.arabic, family.arabic, script="Arab"))
    return rows


def _row(given, family, *, is_primary=False, transliteration=False, script="Latn") -> dict:
    row = {
        "given_names": given,
        "family_name": family,
        "script": script,
        "is_transliteration": transliteration,
    }
    if is_primary:
        row["is_primary"] = True
    return row


def draw_phone(rng: random.Random, country: str) -> tuple[str, str]:
    """A mobile number as a person might give it, and its E.164 form."""
    code, prefixes, digits = MOBILE[country]
    national = rng.choice(prefixes) + "".join(str(rng.randrange(10)) for _ in range(digits))
    e164 = f"+{code}{national}"
    pairs = " ".join(national[i : i + 2] for i in range(0, len(national), 2))
    raw = rng.choice((f"+{code} {pairs}", f"00{code}{national}", f"+{code}{national}"))
    return raw, e164


def draw_documents(rng: random.Random, country: str, today: datetime.date) -> list[dict]:
    documents = []
    roll = rng.random()
    if roll < 0.45:
        issued = today - datetime.timedelta(days=rng.randrange(200, 3600))
        documents.append(
            {
                "kind": "passport",
                "number": rng.choice("ABC") + f"{rng.randrange(10**7, 10**8)}",
                "issuing_country": country,
                "issued_on": issued,
                "expires_on": issued + datetime.timedelta(days=5 * 365 + 1),
            }
        )
    if roll > 0.3:
        documents.append(
            {
                "kind": "national_id",
                "number": f"{rng.randrange(10**12, 10**13)}",
                "issuing_country": country,
                "issued_on": today - datetime.timedelta(days=rng.randrange(400, 3000)),
                "expires_on": None,
            }
        )
    if rng.random() < 0.25:
        documents.append(
            {
                "kind": rng.choice(("consular_card", "birth_certificate", "laissez_passer")),
                "number": f"{country}{rng.randrange(10**5, 10**6)}",
                "issuing_country": country,
                "issued_on": None,
                "expires_on": None,
            }
        )
    return documents


def draw_household(
    rng: random.Random, family: str, sex: str, age: int, today: datetime.date
) -> list[dict]:
    """Spouse, children and parents; some travelled with the migrant, most stayed."""

    def member(pool, relationship, member_sex, member_age) -> dict:
        return {
            "full_name": f"{rng.choice(pool).common} {family}",
            "relationship": relationship,
            "sex": member_sex,
            "date_of_birth": datetime.date(
                today.year - max(member_age, 0), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            "is_dependant": member_age < 18 or relationship == "parent",
            "migrated": rng.random() < (0.35 if relationship in ("spouse", "child") else 0.05),
        }

    members = []
    if age >= 22 and rng.random() < 0.5:
        spouse_sex = "F" if sex == "M" else "M"
        pool = FEMALE_GIVEN if spouse_sex == "F" else MALE_GIVEN
        members.append(member(pool, "spouse", spouse_sex, age - rng.randrange(0, 8)))
    if age >= 24:
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            child_sex = rng.choice("FM")
            pool = FEMALE_GIVEN if child_sex == "F" else MALE_GIVEN
            members.append(member(pool, "child", child_sex, rng.randrange(1, age - 18)))
    if rng.random() < 0.3:
        members.append(member(FEMALE_GIVEN, "parent", "F", age + 25))
    return members


def draw_person(
    rng: random.Random, country: str | None = None, today: datetime.date | None = None
) -> PersonDraft:
    today = today or TODAY
    country = country or rng.choice(ORIGIN_COUNTRIES)
    sex = "M" if rng.random() < 0.72 else "F"
    names = draw_names(rng, country, sex)
    age = max(16, min(62, int(rng.gauss(27, 7))))
    if rng.random() < 0.8:
        dob = datetime.date(today.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
        estimated = None
    else:
        dob, estimated = None, age
    raw, e164 = draw_phone(rng, country)
    spoken = rng.sample(LANGUAGES_BY_COUNTRY[country], k=rng.choice((1, 2, 2, 3)))
    family = names[0]["family_name"]
    return PersonDraft(
        country=country,
        sex=sex,
        names=names,
        date_of_birth=dob,
        estimated_age=estimated,
        place_of_birth=rng.choice(PLACES_BY_COUNTRY[country]),
        languages=[
            {"language": code, "preferred_for_counselling": i == 0} for i, code in enumerate(spoken)
        ],
        phone_raw=raw,
        phone_e164=e164,
        documents=draw_documents(rng, country, today),
        household=draw_household(rng, family, sex, age, today),
        age=age,
    )


# --- Case histories -------------------------------------------------------------------

MAIN_ROUTE = (
    "start_counselling",
    "register",
    "start_pre_departure",
    "book_travel",
    "confirm_departure",
    "confirm_arrival",
    "start_reintegration",
    "start_monitoring",
    "close",
)
PARA_TARGETS = (Phase.ARRIVED, Phase.REINTEGRATION, Phase.MONITORING, Phase.CLOSED)

REASONS = {
    "withdraw": (
        "Decided to stay: found seasonal work in the host country.",
        "Family asked the migrant to wait until after Tabaski.",
        "Left the transit centre; no longer reachable by phone.",
        "Wants to try to reach Europe again.",
        "Withdrew after hearing about the situation at home.",
    ),
    "mark_not_eligible": (
        "Holds a valid residence permit in the host country.",
        "Already assisted under this programme in 2024.",
        "Nationality not covered by this country action.",
        "Intends to return to a third country, not the country of origin.",
    ),
    "decline_unsafe": (
        "Armed conflict in the intended return area (Mopti region).",
        "Credible threat from the trafficking network in the home village.",
        "Risk of forced marriage on return; protection case referred.",
    ),
    "refer_asylum": (
        "Expressed fear of persecution; referred to UNHCR.",
        "Fled communal violence; wishes to apply for asylum.",
    ),
    "reopen": (
        "Came back to the office and confirmed the wish to return.",
        "UNHCR closed the asylum file; the migrant wishes to go home.",
    ),
    "close": (
        "Reintegration plan completed; final monitoring visit done.",
        "Lost contact after three follow-up attempts.",
        "The returnee moved abroad again.",
        "Assistance delivered; the returnee declined further follow-up.",
    ),
}

# Where cases are in a year-old programme: most are past arrival.
PHASE_WEIGHTS = {
    Phase.IDENTIFIED: 5,
    Phase.COUNSELLING: 8,
    Phase.REGISTERED: 7,
    Phase.PRE_DEPARTURE: 5,
    Phase.TRAVEL_BOOKED: 3,
    Phase.DEPARTED: 1,
    Phase.ARRIVED: 8,
    Phase.REINTEGRATION: 20,
    Phase.MONITORING: 15,
    Phase.CLOSED: 18,
    Phase.WITHDRAWN: 4,
    Phase.NOT_ELIGIBLE: 3,
    Phase.DECLINED_UNSAFE: 1,
    Phase.REFERRED_ASYLUM: 2,
}
SCHEME_WEIGHTS = {
    ReturnScheme.AVRR: 75,
    ReturnScheme.EVACUATION: 5,
    ReturnScheme.OTHER_ACTOR: 8,
    ReturnScheme.FORCED: 12,
}


@dataclass(frozen=True)
class Step:
    action: str
    reason: str = ""
    days_after: int = field(default=7, compare=False)


def draw_scheme(rng: random.Random) -> str:
    return rng.choices(list(SCHEME_WEIGHTS), weights=list(SCHEME_WEIGHTS.values()))[0]


def draw_target(rng: random.Random, scheme: str) -> str:
    phases = PARA_TARGETS if scheme in PARA_SCHEMES else tuple(PHASE_WEIGHTS)
    return rng.choices(phases, weights=[PHASE_WEIGHTS[p] for p in phases])[0]


def path_to(rng: random.Random, target: str, scheme: str) -> list[Step]:
    """The transitions that take a new case of this scheme to `target`, in order."""
    start = workflow.initial_phase(scheme)
    if target not in workflow.SIDE_EXITS:
        steps = _main_route(rng, start, target)
        if target == Phase.COUNSELLING and rng.random() < 0.25:
            # Withdrew, came back: the re-opened case is in counselling again.
            steps += [_step(rng, "withdraw"), _step(rng, "reopen")]
        return steps
    exit_action = next(
        t.name for t in workflow.TRANSITIONS if t.target == target and t.name != "reopen"
    )
    sources = [p for p in _route_phases(start) if p in workflow.BY_NAME[exit_action].sources]
    return _main_route(rng, start, rng.choice(sources)) + [_step(rng, exit_action)]


def _route_phases(start: str) -> list[str]:
    phases, phase = [start], start
    for action in MAIN_ROUTE:
        transition = workflow.BY_NAME[action]
        if phase in transition.sources:
            phase = transition.target
            phases.append(phase)
    return phases


def _main_route(rng: random.Random, start: str, target: str) -> list[Step]:
    steps, phase = [], start
    for action in MAIN_ROUTE:
        if phase == target:
            break
        transition = workflow.BY_NAME[action]
        if phase in transition.sources:
            reason = rng.choice(REASONS[action]) if transition.reason_required else ""
            steps.append(Step(action, reason, days_after=_gap(rng, action)))
            phase = transition.target
    if phase != target:
        raise ValueError(f"{target} cannot be reached from {start}")
    return steps


def _step(rng: random.Random, action: str) -> Step:
    return Step(action, rng.choice(REASONS[action]), days_after=rng.randrange(2, 40))


def _gap(rng: random.Random, action: str) -> int:
    """Days between the previous step and this one: typical delay, give or take."""
    typical = {
        "start_counselling": 3,
        "register": 10,
        "start_pre_departure": 12,
        "book_travel": 20,
        "confirm_departure": 6,
        "confirm_arrival": 1,
        "start_reintegration": 25,
        "start_monitoring": 120,
        "close": 180,
    }.get(action, 7)
    return max(1, int(typical * rng.uniform(0.5, 1.6)))


# Vulnerabilities recorded at screening, with rough prevalence.
FLAG_WEIGHTS = {
    VulnerabilityCategory.CHRONIC_ILLNESS: 6,
    VulnerabilityCategory.MEDICAL_CONDITION: 5,
    VulnerabilityCategory.MENTAL_HEALTH: 6,
    VulnerabilityCategory.TRAFFICKING: 7,
    VulnerabilityCategory.GBV: 4,
    VulnerabilityCategory.ELDERLY: 1,
    VulnerabilityCategory.UMC: 3,
    VulnerabilityCategory.SINGLE_HEADED: 4,
    VulnerabilityCategory.FEMALE_HEADED: 3,
    VulnerabilityCategory.PREGNANCY: 2,
    VulnerabilityCategory.DISABILITY: 3,
    VulnerabilityCategory.OTHER: 1,
}


def draw_flags(rng: random.Random, share: float = 0.15) -> list[str]:
    """No flag for most cases; one or two categories for `share` of them."""
    if rng.random() >= share:
        return []
    categories = list(FLAG_WEIGHTS)
    picked = rng.choices(categories, weights=list(FLAG_WEIGHTS.values()), k=rng.choice((1, 2)))
    return sorted(set(picked))
