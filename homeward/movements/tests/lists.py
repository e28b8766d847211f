"""Notification lists for tests: N rows in CSV or XLSX, with chosen bad rows."""

import csv
import datetime
import io
import random

from homeward.geo.services import admin_areas_import

AREAS_CSV = """code,name,parent,country
SN-DK,Dakar,,SN
SN-TH,Thiès,,SN
SN-SL,Saint-Louis,,SN
SN-KD,Kolda,,SN
SN-DK-PIK,Pikine,SN-DK,SN
GN-C,Conakry,,GN
"""

HEADER = [
    "Family name",
    "Given names",
    "Sex",
    "Age",
    "Date of birth",
    "Area of return",
    "Phone",
    "Flight date",
    "Flight origin",
    "Authority reference",
]
FRENCH_HEADER = [
    "Nom",
    "Prénoms",
    "Sexe",
    "Âge",
    "Date de naissance",
    "Zone de retour",
    "Téléphone",
    "Date du vol",
    "Provenance",
    "Référence",
]
FAMILY = ["Diallo", "Ndiaye", "Fall", "Sow", "Diop", "Sarr", "Gueye", "Faye", "Kane", "Cissé"]
GIVEN = ["Moussa", "Awa", "Fatou", "Ibrahima", "Mamadou", "Aminata", "Ousmane", "Khady"]
AREAS = ["SN-DK", "Thiès", "saint-louis", "SN-KD", "Pikine"]

# Twenty bad rows of ten kinds, two each: (column that carries the message, change).
BAD_KINDS = [
    ("family_name", {"Family name": ""}),
    ("sex", {"Sex": "Q"}),
    ("age", {"Age": "", "Date of birth": ""}),
    ("age", {"Age": "two hundred", "Date of birth": ""}),
    ("date_of_birth", {"Age": "", "Date of birth": "31/02/1990"}),
    ("area", {"Area of return": "Atlantis"}),
    ("area", {"Area of return": ""}),
    ("phone", {"Phone": "12"}),
    ("flight_date", {"Flight date": "2099-01-01"}),
    ("flight_origin", {"Flight origin": ""}),
]


def ensure_areas() -> None:
    admin_areas_import(csv_text=AREAS_CSV)


def rows(count: int, *, bad_every: int = 0, seed: int = 7, prefix: str = "R") -> list[dict]:
    """`count` rows; when `bad_every` is set, every bad_every-th row (from the first) is
    spoiled by the next of BAD_KINDS, twenty at most. Each row's `_bad` names the column."""
    rng = random.Random(seed)
    out = []
    bad = 0
    for i in range(count):
        row = {
            "Family name": rng.choice(FAMILY),
            "Given names": f"{rng.choice(GIVEN)} {prefix}{i}",
            "Sex": rng.choice(["M", "F", "male", "Femme"]),
            "Age": str(rng.randint(18, 60)) if i % 3 else "",
            "Date of birth": ""
            if i % 3
            else f"{rng.randint(1, 28):02d}/03/{rng.randint(1970, 2005)}",
            "Area of return": rng.choice(AREAS),
            "Phone": f"77 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            if i % 2
            else "",
            "Flight date": "2026-02-14",
            "Flight origin": rng.choice(["Libya", "LY", "Niger", "Paris CDG"]),
            "Authority reference": f"{prefix}-{i:05d}" if i % 4 else "",
            "_bad": "",
        }
        if bad_every and i % bad_every == 0 and bad < len(BAD_KINDS) * 2:
            column, change = BAD_KINDS[bad % len(BAD_KINDS)]
            row.update(change)
            row["_bad"] = column
            bad += 1
        out.append(row)
    return out


def as_csv(data: list[dict], *, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in data:
        writer.writerow([row[h] for h in HEADER])
    return buffer.getvalue().encode(encoding)


def as_xlsx(data: list[dict], *, header=HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Notification")
    sheet.append(header)
    for row in data:
        cells = [row[h] for h in HEADER]
        # Dates as spreadsheet dates where they are valid, as the authorities' exports do.
        if row["Flight date"] == "2026-02-14":
            cells[HEADER.index("Flight date")] = datetime.date(2026, 2, 14)
        if row["Age"].isdigit():
            cells[HEADER.index("Age")] = int(row["Age"])
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
