"""R-ARR-3: reading and checking the authorities' notification lists (CSV or XLSX).

A list names returnees with their area of return, age or date of birth, sex, contacts and the
date and origin of their flight. `read_table` turns a file into rows of cells (XLSX through
openpyxl in read-only mode; CSV in UTF-8 with or without BOM, else Windows-1252/Latin-1,
with its delimiter sniffed); `check_table` maps the headers (English or French, any case or
accents), validates every row with field-level messages and gives each valid row its natural
key, so that a row already imported into the office, or repeated in the file, is reported
instead of imported twice. Nothing here writes.

The report keeps messages keyed by column (`errors`, as the API gives them) and, beside, the
file's own header of each of those columns (`headers`); `report_for_display` turns a stored
report row into (label, message) pairs in the user's words: the file's header, else the
column's translated label (reports stored before `headers` existed, rows a service refused).
"""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.core.errors import ValidationFailed
from homeward.core.text import fold
from homeward.geo.models import AdminArea, Country
from homeward.people.models import Sex
from homeward.people.validation import normalise_phone
from homeward.programmes.models import ReturnScheme

CSV, XLSX = "csv", "xlsx"

# Column → the headers that name it, folded (lower case, no accents or punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "family_name": ("family name", "family names", "surname", "last name", "nom",
                    "nom de famille", "noms"),
    "given_names": ("given names", "given name", "first name", "first names", "forename",
                    "forenames", "prenom", "prenoms"),
    "sex": ("sex", "gender", "sexe", "genre"),
    "age": ("age", "age years", "age ans", "estimated age", "age estime"),
    "date_of_birth": ("date of birth", "birth date", "dob", "born", "date de naissance",
                      "ne le", "nee le"),
    "area": ("area of return", "return area", "area", "region of return", "destination",
             "zone de retour", "region de retour", "lieu de retour", "localite de retour",
             "zone", "region", "localite"),
    "phone": ("phone", "phone number", "telephone", "telephone number", "mobile", "contact",
              "contacts", "numero de telephone", "tel", "portable"),
    "flight_date": ("flight date", "date of flight", "arrival date", "date of arrival",
                    "date du vol", "date d arrivee", "date de vol", "date arrivee"),
    "flight_origin": ("flight origin", "origin of flight", "origin of the flight", "from",
                      "departure", "flight from", "origine du vol", "provenance",
                      "pays de provenance", "aeroport de provenance", "origine"),
    "reference": ("authority reference", "reference", "ref", "authority ref", "reference number",
                  "reference autorite", "reference de l autorite", "numero de reference",
                  "n de reference"),
    "scheme": ("scheme", "return scheme", "type of return", "return type", "type de retour",
               "regime", "type"),
}  # fmt: skip
HEADER_OF = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
REQUIRED_COLUMNS = ("family_name", "given_names", "sex", "area", "flight_date", "flight_origin")

SEXES = {
    "m": Sex.MALE, "male": Sex.MALE, "man": Sex.MALE, "h": Sex.MALE, "homme": Sex.MALE,
    "masculin": Sex.MALE, "f": Sex.FEMALE, "female": Sex.FEMALE, "woman": Sex.FEMALE,
    "femme": Sex.FEMALE, "feminin": Sex.FEMALE, "x": Sex.OTHER, "other": Sex.OTHER,
    "autre": Sex.OTHER,
}  # fmt: skip
SCHEMES = {
    "forced": ReturnScheme.FORCED, "forced return": ReturnScheme.FORCED,
    "force": ReturnScheme.FORCED, "retour force": ReturnScheme.FORCED,
    "expulsion": ReturnScheme.FORCED, "deportation": ReturnScheme.FORCED,
    "other actor": ReturnScheme.OTHER_ACTOR, "other_actor": ReturnScheme.OTHER_ACTOR,
    "other actor voluntary return": ReturnScheme.OTHER_ACTOR,
    "voluntary return by another actor": ReturnScheme.OTHER_ACTOR,
    "autre acteur": ReturnScheme.OTHER_ACTOR,
    "retour volontaire autre acteur": ReturnScheme.OTHER_ACTOR,
}  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d")
NAME_MAX = 150
ORIGIN_MAX = 100
REFERENCE_MAX = 64
MAX_AGE = 120


# --- Reading ------------------------------------------------------------------------------


def refuse(message: str):
    return ValidationFailed(message, field_errors={"file": [message]})


@dataclass
class Table:
    kind: str
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cells)


def read_table(content: bytes, file_name: str = "") -> Table:
    """The file's header and non-empty rows; refuses files that are neither CSV nor XLSX."""
    if not content:
        raise refuse(_("The file is empty."))
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if content[:5] == b"%PDF-" or b"\x00" in content[:4096]:
        raise refuse(_("This is not a CSV or XLSX file."))
    return _read_csv(_decode(content))


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _read_csv(text: str) -> Table:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table(CSV, enumerate(reader, start=1))


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise refuse(_("This is not a CSV or XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return _table(XLSX, enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _table(kind: str, numbered: Iterable) -> Table:
    header: list[str] | None = None
    rows = []
    for number, cells in numbered:
        cells = list(cells)
        if not any(_text(c) for c in cells):
            continue
        if header is None:
            header = [_text(c) for c in cells]
        else:
            rows.append((number, cells))
    if header is None:
        raise refuse(_("The file is empty."))
    return Table(kind, header, rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def map_header(header: list[str]) -> dict[str, int]:
    """Column name → position, for the headers recognised; the first of repeated ones."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        column = HEADER_OF.get(fold(title))
        if column and column not in found:
            found[column] = index
    return found


def missing_columns(columns: dict[str, int]) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "age" not in columns and "date_of_birth" not in columns:
        missing.insert(3, "age")
    return missing


COLUMN_LABELS = {
    "family_name": gettext_lazy("family name"),
    "given_names": gettext_lazy("given names"),
    "sex": gettext_lazy("sex"),
    "age": gettext_lazy("age or date of birth"),
    "date_of_birth": gettext_lazy("date of birth"),
    "area": gettext_lazy("area of return"),
    "phone": gettext_lazy("phone"),
    "flight_date": gettext_lazy("flight date"),
    "flight_origin": gettext_lazy("flight origin"),
    "reference": gettext_lazy("authority reference"),
    "scheme": gettext_lazy("scheme"),
}
# Keys of the per-row services' messages (a row refused at import) → the column they are about.
SERVICE_KEYS = {
    "estimated_age": "age",
    "intended_return_area": "area",
    "contacts": "phone",
}


def column_label(key: str, headers: dict | None = None) -> str:
    """What the user calls a message's column: the file's header when it has one, else the
    column's translated label; "" for the row as a whole or a key that names no column (the
    message is then shown alone). Service keys such as "names.0.family_name" or
    "contacts.0.value" are read from their last known part."""
    if key == "__all__":
        return ""
    for part in reversed(key.split(".")):
        column = part if part in COLUMN_LABELS else SERVICE_KEYS.get(part)
        if column:
            return (headers or {}).get(column) or str(COLUMN_LABELS[column])
    return ""


def report_for_display(report: Iterable[dict]) -> list[dict]:
    """Stored report rows with their messages as (label, message) pairs, for the pages."""
    return [
        {
            **item,
            "messages": [
                (column_label(key, item.get("headers")), message)
                for key, messages in (item.get("errors") or {}).items()
                for message in messages
            ],
        }
        for item in report
    ]


# --- Checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where rows are imported: the origin office's country (its code and its name in the
    user's language) and its areas, looked up once per file."""

    country: str
    country_name: str
    areas: dict  # folded code or name → [(area id, display)]

    @classmethod
    def of(cls, country_code: str) -> "Place":
        areas: dict = {}
        for pk, code, name in AdminArea.objects.filter(country_id=country_code).values_list(
            "id", "code", "name"
        ):
            entry = (pk, f"{name} ({code})")
            areas.setdefault(fold(code), [])
            if entry not in areas[fold(code)]:
                areas[fold(code)].append(entry)
            if fold(name) != fold(code):
                areas.setdefault(fold(name), []).append(entry)
        country = Country.objects.filter(pk=country_code).first()
        return cls(country_code, country.display_name if country else country_code, areas)


@dataclass
class Row:
    """One checked row. `values` are ready for the services when `errors` is empty."""

    number: int
    name: str
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    key: str = ""

    def add(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))


@dataclass
class Check:
    """What importing the table would do: the rows to import and every row with a problem."""

    kind: str
    total: int
    to_import: list[Row]
    invalid: list[Row]
    repeated: list[Row]  # the same returnee earlier in the file
    already_imported: list[Row]
    headers: dict = field(default_factory=dict)  # column → the file's header naming it

    @property
    def report(self) -> list[dict]:
        """The rows with a problem, in file order, as stored with a batch: messages keyed by
        column, and the file's header of each of those columns."""
        rows = [(r, "invalid") for r in self.invalid]
        rows += [(r, "duplicate_in_file") for r in self.repeated]
        rows += [(r, "already_imported") for r in self.already_imported]
        rows.sort(key=lambda item: item[0].number)
        return [
            {
                "row": r.number,
                "status": status,
                "name": r.name,
                "errors": r.errors,
                "headers": {k: self.headers[k] for k in r.errors if self.headers.get(k)},
            }
            for r, status in rows
        ]

    def counts(self) -> dict:
        return {
            "total_rows": self.total,
            "valid_rows": self.total - len(self.invalid),
            "invalid_rows": len(self.invalid),
            "duplicate_rows": len(self.repeated),
            "already_imported_rows": len(self.already_imported),
            "rows_to_import": len(self.to_import),
        }


def check_table(
    table: Table,
    *,
    place: Place,
    default_scheme: str,
    imported_keys,
    schemes=None,
    today=None,
) -> Check:
    """Validate every row; `imported_keys(keys)` returns those of the keys already imported
    into the office; `schemes`, when given, are the return schemes the programme covers;
    `today` is the importing office's day (flight dates and births after it are refused)."""
    columns = map_header(table.header)
    missing = missing_columns(columns)
    if missing:
        names = ", ".join(str(COLUMN_LABELS[c]) for c in missing)
        raise refuse(_("Columns missing from the file: %(columns)s.") % {"columns": names})
    if not table.rows:
        raise refuse(_("The file has a header but no rows."))
    today = today or timezone.localdate()
    rows = [
        check_row(number, _cells(cells, columns), place, default_scheme, today)
        for number, cells in table.rows
    ]
    for row in rows:
        if schemes is not None and row.values.get("scheme") and row.values["scheme"] not in schemes:
            row.add("scheme", _("The programme does not cover this return scheme."))
            row.key = ""
    invalid = [r for r in rows if r.errors]
    seen: set[str] = set()
    unique, repeated = [], []
    for row in rows:
        if row.errors:
            continue
        if row.key in seen:
            row.add("__all__", _("The same returnee appears earlier in the file."))
            repeated.append(row)
        else:
            seen.add(row.key)
            unique.append(row)
    headers = {column: table.header[index] for column, index in columns.items()}
    check = Check(table.kind, len(rows), unique, invalid, repeated, [], headers)
    mark_already_imported(check, imported_keys)
    return check


def mark_already_imported(check: Check, imported_keys) -> None:
    """Move the rows to import whose returnee was imported into the office meanwhile (or
    before) to `already_imported`."""
    rows = check.to_import
    done = set(imported_keys([r.key for r in rows])) if rows else set()
    for row in rows:
        if row.key in done:
            row.add("__all__", _("This returnee was already imported into this office."))
            check.already_imported.append(row)
    check.to_import = [r for r in rows if r.key not in done]


def check_as_json(check: Check) -> dict:
    """A check as JSON values (`check_from_json` reads it back): the rows to import in
    full, the others with what the report shows of them."""
    return {
        "kind": check.kind,
        "total": check.total,
        "headers": check.headers,
        "to_import": rows_as_json(check.to_import),
        **{
            name: [{"number": r.number, "name": r.name, "errors": r.errors} for r in rows]
            for name, rows in (
                ("invalid", check.invalid),
                ("repeated", check.repeated),
                ("already_imported", check.already_imported),
            )
        },
    }


def check_from_json(data: dict) -> Check:
    def problems(name: str) -> list[Row]:
        return [Row(r["number"], r["name"], {}, r["errors"]) for r in data[name]]

    return Check(
        data["kind"],
        data["total"],
        rows_from_json(data["to_import"]),
        problems("invalid"),
        problems("repeated"),
        problems("already_imported"),
        data["headers"],
    )


DATE_VALUES = ("date_of_birth", "flight_date")


def rows_as_json(rows: list[Row]) -> list[dict]:
    """Checked rows as JSON values (`rows_from_json` reads them back)."""
    return [
        {
            "number": r.number,
            "name": r.name,
            "key": r.key,
            "values": {
                k: (v.isoformat() if k in DATE_VALUES and v is not None else v)
                for k, v in r.values.items()
            },
        }
        for r in rows
    ]


def rows_from_json(data: list[dict]) -> list[Row]:
    rows = []
    for item in data:
        values = dict(item["values"])
        for k in DATE_VALUES:
            if values.get(k) is not None:
                values[k] = datetime.date.fromisoformat(values[k])
        rows.append(Row(item["number"], item["name"], values, {}, item["key"]))
    return rows


def _cells(cells: list, columns: dict[str, int]) -> dict:
    return {c: (cells[i] if i < len(cells) else None) for c, i in columns.items()}


def check_row(number: int, cells: dict, place: Place, default_scheme: str, today) -> Row:
    family = _text(cells.get("family_name"))
    given = _text(cells.get("given_names"))
    row = Row(number, f"{given} {family}".strip())
    values = row.values
    values["family_name"] = _name(row, "family_name", family)
    values["given_names"] = _name(row, "given_names", given)
    values["sex"] = _sex(row, cells.get("sex"))
    values["date_of_birth"], values["estimated_age"] = _birth(row, cells, today)
    values["area_id"], values["area"] = _area(row, cells.get("area"), place)
    values["phone"] = _phone(row, cells.get("phone"), place.country)
    values["flight_date"] = _flight_date(row, cells.get("flight_date"), today)
    values["flight_origin"] = _origin(row, cells.get("flight_origin"))
    values["reference"] = _bounded(row, "reference", cells.get("reference"), REFERENCE_MAX)
    values["scheme"] = _scheme(row, cells.get("scheme"), default_scheme)
    if not row.errors:
        row.key = row_key(values)
    return row


def row_key(values: dict) -> str:
    """The returnee's natural key in a list: the authority's reference when given (a list
    re-exported with rows reordered keeps it), otherwise names, birth data, sex and flight
    date; as a sha256 so that no personal data sits in the key."""
    if values["reference"]:
        basis = "ref|" + re.sub(r"[^0-9a-z]", "", fold(values["reference"]))
    else:
        birth = values["date_of_birth"] or f"age {values['estimated_age']}"
        basis = "|".join(
            [
                "row",
                fold(values["family_name"]),
                fold(values["given_names"]),
                str(birth),
                values["sex"],
                str(values["flight_date"]),
            ]
        )
    return hashlib.sha256(basis.encode()).hexdigest()


def _name(row: Row, column: str, value: str) -> str:
    if not value:
        row.add(column, _("This field is required."))
    elif len(value) > NAME_MAX:
        row.add(column, _("At most %(count)d characters.") % {"count": NAME_MAX})
    return value


def _bounded(row: Row, column: str, value, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        row.add(column, _("At most %(count)d characters.") % {"count": limit})
    return text


def _sex(row: Row, value) -> str:
    text = _text(value)
    if not text:
        row.add("sex", _("This field is required."))
        return ""
    sex = SEXES.get(fold(text))
    if sex is None:
        row.add("sex", _("“%(value)s” is not a sex: use M, F or X.") % {"value": text})
        return ""
    return str(sex)


def parse_date(value) -> datetime.date | None:
    """A date from a spreadsheet cell or text (year first, or day first); None if not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if " " in text:
        text = text.split(" ", 1)[0]  # "2026-03-02 00:00:00"
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _date(row: Row, column: str, value) -> datetime.date | None:
    day = parse_date(value)
    if day is None:
        row.add(
            column,
            _("“%(value)s” is not a date: use YYYY-MM-DD or DD/MM/YYYY.") % {"value": _text(value)},
        )
    return day


def _birth(row: Row, cells: dict, today) -> tuple:
    dob_text, age_text = _text(cells.get("date_of_birth")), _text(cells.get("age"))
    if dob_text:
        day = _date(row, "date_of_birth", cells["date_of_birth"])
        if day and day > today:
            row.add("date_of_birth", _("The date of birth is in the future."))
        if day and today.year - day.year > MAX_AGE:
            row.add("date_of_birth", _("Give an age between 0 and 120."))
        return day, None
    if not age_text:
        row.add("age", _("Give an age or a date of birth."))
        return None, None
    try:
        age = int(float(age_text.replace(",", ".")))
    except ValueError:
        row.add("age", _("“%(value)s” is not an age in years.") % {"value": age_text})
        return None, None
    if not 0 <= age <= MAX_AGE:
        row.add("age", _("Give an age between 0 and 120."))
        return None, None
    return None, age


def _area(row: Row, value, place: Place) -> tuple:
    text = _text(value)
    if not text:
        row.add("area", _("This field is required."))
        return None, ""
    found = place.areas.get(fold(text), [])
    if not found:
        row.add(
            "area",
            _("“%(value)s” is not a known area of %(country)s: give its code or name.")
            % {"value": text, "country": place.country_name},
        )
        return None, ""
    if len(found) > 1:
        row.add(
            "area",
            _("“%(value)s” names several areas: give the code (%(codes)s).")
            % {"value": text, "codes": ", ".join(label for _pk, label in found)},
        )
        return None, ""
    return found[0]


def _phone(row: Row, value, region: str) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        return normalise_phone(text, region)
    except ValueError as exc:
        row.add("phone", str(exc))
        return ""


def _flight_date(row: Row, value, today) -> datetime.date | None:
    if not _text(value):
        row.add("flight_date", _("This field is required."))
        return None
    day = _date(row, "flight_date", value)
    if day and day > today:
        # R-ARR-3: the office is notified after arrival, never before.
        row.add("flight_date", _("The flight date is in the future: list returnees once arrived."))
    return day


def _origin(row: Row, value) -> str:
    """Where the flight came from (a country, by code or name, or an airport), kept as the
    authority wrote it: one rule for every spelling, in every language."""
    text = _text(value)
    if not text:
        row.add("flight_origin", _("This field is required."))
        return ""
    if len(text) > ORIGIN_MAX:
        row.add("flight_origin", _("At most %(count)d characters.") % {"count": ORIGIN_MAX})
        return ""
    return text


def _scheme(row: Row, value, default: str) -> str:
    text = _text(value)
    if not text:
        return default
    scheme = (
        SCHEMES.get(fold(text))
        or SCHEMES.get(text.strip().lower())
        or _scheme_labels().get(fold(text))
    )
    if scheme is None:
        row.add(
            "scheme",
            _("“%(value)s” is not a scheme: use “%(forced)s” or “%(other)s”.")
            % {
                "value": text,
                "forced": ReturnScheme.FORCED.label,
                "other": ReturnScheme.OTHER_ACTOR.label,
            },
        )
        return ""
    return str(scheme)


@cache
def _scheme_labels() -> dict:
    """The importable schemes' labels in every language of the site, folded → scheme: the
    message for an unknown scheme names them, so they are accepted too."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for scheme in (ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR):
                labels[fold(str(scheme.label))] = scheme
    return labels


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
