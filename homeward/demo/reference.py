"""The demo programme's reference data: offices, programme, country actions, areas, staff.

Reference data is maintained in the Django admin (there is no service for it), so this
module writes it the way the admin does: `update_or_create`, idempotent.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.accounts.models import Membership, Office, User
from homeward.accounts.roles import Role
from homeward.geo.models import AdminArea
from homeward.geo.services import admin_areas_import
from homeward.programmes.models import CountryAction, Programme, ReturnScheme
from homeward.registration.models import OfficeVulnerability

PROGRAMME_CODE = "WA-RR"
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    country: str
    kind: str  # "host" or "origin"
    address: str
    phone: str
    email: str
    transit: bool = False


OFFICES = (
    OfficeSpec("NIA", "Niamey", "NE", "host", "Boulevard Mali Béro, Quartier Issa Béri, Niamey",
               "+227 20 72 31 44", "niamey@homeward.example"),
    OfficeSpec("AGZ", "Agadez", "NE", "host", "Route de l'Aéroport, Agadez",
               "+227 20 44 02 17", "agadez@homeward.example", transit=True),
    OfficeSpec("RAB", "Rabat", "MA", "host", "11 rue Abou Inane, Hassan, Rabat",
               "+212 537 76 45 12", "rabat@homeward.example"),
    OfficeSpec("BER", "Berlin", "DE", "host", "Charlottenstraße 68, 10117 Berlin",
               "+49 30 2787 7810", "berlin@homeward.example"),
    OfficeSpec("DKR", "Dakar", "SN", "origin", "Route de la Corniche Ouest, Fann Résidence, Dakar",
               "+221 33 869 62 00", "dakar@homeward.example"),
    OfficeSpec("CKY", "Conakry", "GN", "origin", "Quartier Landréah, Commune de Dixinn, Conakry",
               "+224 622 35 47 10", "conakry@homeward.example"),
    OfficeSpec("BKO", "Bamako", "ML", "origin", "Hamdallaye ACI 2000, Rue 396, Bamako",
               "+223 20 29 63 15", "bamako@homeward.example"),
)  # fmt: skip
HOST_COUNTRIES = ("NE", "MA", "DE")
ORIGIN_COUNTRIES = ("SN", "GN", "ML")
ORIGIN_OFFICE_OF = {"SN": "DKR", "GN": "CKY", "ML": "BKO"}


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    offices: tuple[str, ...]
    language: str = "en"


R = Role
# The people who sign in to the demo: one per role.
DEMO_USERS = (
    UserSpec("counsellor", "Mariama", "Issoufou", (R.COUNSELLOR,), ("NIA", "AGZ")),
    UserSpec("movement", "Abdou", "Moumouni", (R.MOVEMENT_OFFICER,), ("NIA", "AGZ")),
    UserSpec("reception", "Awa", "Ndiaye", (R.RECEPTION_OFFICER,), ("DKR",), "fr"),
    UserSpec("casemanager", "Cheikh", "Fall", (R.CASE_MANAGER,), ("DKR",)),
    UserSpec("avm", "Hadiza", "Mahamadou", (R.AVM_FOCAL_POINT,), ("NIA", "DKR")),
    UserSpec("medical", "Ibrahim", "Sani", (R.MEDICAL_OFFICER,), ("NIA", "DKR")),
    UserSpec("committee", "Khady", "Sarr", (R.COMMITTEE_MEMBER,), ("DKR",)),
    UserSpec("finance", "Pape", "Diouf", (R.FINANCE_OFFICER,), ("DKR",)),
    UserSpec("me", "Rokhaya", "Mbengue", (R.ME_OFFICER,), ("DKR", "NIA")),
    UserSpec("programme", "Claire", "Vasseur", (R.PROGRAMME_MANAGER,), ("NIA", "DKR")),
    UserSpec("partner", "Ousmane", "Kébé", (R.PARTNER,), ("DKR",)),
    UserSpec("auditor", "Jonas", "Richter", (R.AUDITOR,), ("NIA", "DKR")),
)
ADMIN_USERNAME = "admin"

_HOST_TEAM = (R.COUNSELLOR, R.MOVEMENT_OFFICER, R.AVM_FOCAL_POINT, R.MEDICAL_OFFICER)
_ORIGIN_TEAM = (R.RECEPTION_OFFICER, R.CASE_MANAGER, R.AVM_FOCAL_POINT, R.MEDICAL_OFFICER)
# Colleagues in every office who appear in case histories; they cannot sign in.
STAFF_USERS = (
    UserSpec("staff.niamey", "Aboubacar", "Hama", _HOST_TEAM, ("NIA",)),
    UserSpec("staff.agadez", "Fatouma", "Rhissa", _HOST_TEAM, ("AGZ",)),
    UserSpec("staff.rabat", "Youssef", "El Amrani", _HOST_TEAM, ("RAB",)),
    UserSpec("staff.berlin", "Katrin", "Wolff", _HOST_TEAM, ("BER",)),
    UserSpec("staff.dakar", "Babacar", "Sène", _ORIGIN_TEAM, ("DKR",)),
    UserSpec("staff.conakry", "Mamadou Aliou", "Barry", _ORIGIN_TEAM, ("CKY",)),
    UserSpec("staff.bamako", "Assitan", "Koné", _ORIGIN_TEAM, ("BKO",)),
)

# Regions (ISO 3166-2 codes) and a few departments / communes per origin country.
ADMIN_AREAS_CSV = """code,name,parent,country
SN-DK,Dakar,,SN
SN-TH,Thiès,,SN
SN-SL,Saint-Louis,,SN
SN-KL,Kaolack,,SN
SN-KD,Kolda,,SN
SN-TC,Tambacounda,,SN
SN-ZG,Ziguinchor,,SN
SN-MT,Matam,,SN
SN-LG,Louga,,SN
SN-DK-PIK,Pikine,SN-DK,SN
SN-DK-GUE,Guédiawaye,SN-DK,SN
SN-TH-MBO,Mbour,SN-TH,SN
SN-SL-POD,Podor,SN-SL,SN
SN-KD-VEL,Vélingara,SN-KD,SN
GN-C,Conakry,,GN
GN-D,Kindia,,GN
GN-L,Labé,,GN
GN-M,Mamou,,GN
GN-K,Kankan,,GN
GN-N,Nzérékoré,,GN
GN-B,Boké,,GN
GN-F,Faranah,,GN
GN-C-RAT,Ratoma,GN-C,GN
GN-C-MAT,Matoto,GN-C,GN
GN-L-PIT,Pita,GN-L,GN
GN-K-SIG,Siguiri,GN-K,GN
ML-BKO,Bamako,,ML
ML-1,Kayes,,ML
ML-2,Koulikoro,,ML
ML-3,Sikasso,,ML
ML-4,Ségou,,ML
ML-5,Mopti,,ML
ML-6,Tombouctou,,ML
ML-7,Gao,,ML
ML-1-NIO,Nioro du Sahel,ML-1,ML
ML-1-DIE,Diéma,ML-1,ML
ML-2-KAT,Kati,ML-2,ML
ML-4-SAN,San,ML-4,ML
"""


@dataclass
class Reference:
    programme: Programme
    offices: dict  # code -> Office
    areas: dict  # country code -> [AdminArea]
    users: dict  # username -> User (demo logins, staff, admin)

    def office_for_origin(self, country: str) -> Office:
        return self.offices[ORIGIN_OFFICE_OF[country]]


@transaction.atomic
def reference_ensure() -> Reference:
    """Create or refresh the demo programme's reference data and accounts (no passwords)."""
    offices = {spec.code: _office(spec) for spec in OFFICES}
    _other_vulnerabilities(offices)
    programme = _programme()
    _pocket_money_rates(programme)
    admin_areas_import(csv_text=ADMIN_AREAS_CSV)
    areas = {
        code: list(AdminArea.objects.filter(country_id=code).order_by("code"))
        for code in ORIGIN_COUNTRIES
    }
    users = {spec.username: _user(spec, offices) for spec in DEMO_USERS + STAFF_USERS}
    for spec in STAFF_USERS:
        users[spec.username].set_unusable_password()
        users[spec.username].save(update_fields=["password"])
    admin, _created = User.objects.update_or_create(
        username=ADMIN_USERNAME,
        defaults={
            "first_name": "Reference",
            "last_name": "Administrator",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    users[ADMIN_USERNAME] = admin
    return Reference(programme, offices, areas, users)


def _office(spec: OfficeSpec) -> Office:
    office, _created = Office.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "country_id": spec.country,
            "is_host": spec.kind == "host",
            "is_transit": spec.transit,
            "is_origin": spec.kind == "origin",
            "address": spec.address,
            "phone": spec.phone,
            "email": spec.email,
        },
    )
    return office


def _programme() -> Programme:
    programme, _created = Programme.objects.update_or_create(
        code=PROGRAMME_CODE,
        defaults={
            "name": "West Africa Return and Reintegration",
            "donor": "European Union",
            "eligible_schemes": list(ReturnScheme.values),
            "currencies": ["EUR", "XOF", "GNF"],
        },
    )
    start, end = datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)
    for kind, countries in (("host", HOST_COUNTRIES), ("origin", ORIGIN_COUNTRIES)):
        for code in countries:
            CountryAction.objects.update_or_create(
                programme=programme,
                country_id=code,
                kind=kind,
                defaults={"starts_on": start, "ends_on": end},
            )
    return programme


# R-ARR-4: 50 EUR of pocket money per returnee, in the origin country's currency.
POCKET_MONEY = {"SN": ("32798.00", "XOF"), "ML": ("32798.00", "XOF"), "GN": ("470000.00", "GNF")}


def _pocket_money_rates(programme: Programme) -> None:
    from homeward.arrivals.models import PocketMoneyRate

    for code, (amount, currency) in POCKET_MONEY.items():
        PocketMoneyRate.objects.update_or_create(
            programme=programme,
            country_id=code,
            valid_from=datetime.date(2024, 1, 1),
            defaults={"amount_eur": "50.00", "amount_local": amount, "currency": currency},
        )


def _user(spec: UserSpec, offices: dict) -> User:
    user, _created = User.objects.update_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@homeward.example",
            "language": spec.language,
            "is_active": True,
        },
    )
    for code in spec.offices:
        for role in spec.roles:
            Membership.objects.get_or_create(user=user, office=offices[code], role=role)
    return user


def fresh_password(user: User) -> str:
    """A new random password that passes the configured validators; never stored in clear."""
    while True:
        password = secrets.token_urlsafe(12)  # 16 characters
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def passwords_reset(users) -> dict:
    """Give each user a fresh password; returns {username: password} for printing once."""
    passwords = {}
    for user in users:
        password = fresh_password(user)
        user.set_password(password)
        user.save(update_fields=["password"])
        passwords[user.username] = password
    return passwords


# R-VUL-2: what host offices screen for beyond the standard categories.
OTHER_VULNERABILITIES = ("Stateless or at risk of statelessness", "Survivor of a shipwreck")


def _other_vulnerabilities(offices: dict) -> None:
    for office in offices.values():
        if office.is_host:
            for name in OTHER_VULNERABILITIES:
                OfficeVulnerability.objects.get_or_create(office=office, name=name)
