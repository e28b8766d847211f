"""Reference geography: countries from ISO 3166, administrative areas from CSV."""

import csv
import io

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from homeward.core.errors import ValidationFailed

from .models import AdminArea, Country

AREA_COLUMNS = ("code", "name", "parent", "country")


def countries_load() -> int:
    """Create or refresh every ISO 3166-1 country; returns how many exist."""
    existing = set(Country.objects.values_list("code", flat=True))
    new = [
        Country(code=c.alpha_2, alpha3=c.alpha_3, name=getattr(c, "common_name", c.name))
        for c in pycountry.countries
        if c.alpha_2 not in existing
    ]
    Country.objects.bulk_create(new)
    return Country.objects.count()


@transaction.atomic
def admin_areas_import(*, csv_text: str) -> int:
    """Import areas from CSV with columns code,name,parent,country; all or nothing.

    Parents may appear anywhere in the file or already exist. Re-importing updates names.
    """
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    errors = _validate_area_rows(rows)
    if errors:
        raise ValidationFailed(_("The file has errors; nothing was imported."), field_errors=errors)
    by_key = {}
    for row in rows:
        key = (row["country"].strip().upper(), row["code"].strip())
        area, _created = AdminArea.objects.update_or_create(
            country_id=key[0], code=key[1], defaults={"name": row["name"].strip()}
        )
        by_key[key] = area
    for row in rows:
        _link_parent(by_key[(row["country"].strip().upper(), row["code"].strip())], row)
    return len(rows)


def _validate_area_rows(rows: list[dict]) -> dict:
    errors: dict[str, list[str]] = {}
    known = set(Country.objects.values_list("code", flat=True))
    for number, row in enumerate(rows, start=2):
        missing = [c for c in ("code", "name", "country") if not (row.get(c) or "").strip()]
        if missing:
            errors[f"line {number}"] = [_("Missing: %s") % ", ".join(missing)]
        elif row["country"].strip().upper() not in known:
            errors[f"line {number}"] = [_("Unknown country code %s") % row["country"]]
    return errors


def _link_parent(area: AdminArea, row: dict) -> None:
    parent_code = (row.get("parent") or "").strip()
    if not parent_code:
        area.parent, area.level = None, 1
    else:
        parent = AdminArea.objects.filter(country_id=area.country_id, code=parent_code).first()
        if parent is None:
            raise ValidationFailed(
                _("Unknown parent area %s") % parent_code,
                field_errors={"parent": [_("Unknown parent area %s") % parent_code]},
            )
        area.parent, area.level = parent, parent.level + 1
    area.save(update_fields=["parent", "level"])
