"""R-TRV-3: an ABN as its reader reads it, in the reader's language.

The ABN stores codes — the means of travel, the escorts (`medical`, `operational`), the
mobility needs (`wheelchair`, `stretcher`) and the vulnerability categories of its general
copy and of its protection detail. Their labels are given here, in the active language, when
the ABN is shown: its page and the API (the request's language), its PDF (the chosen document
language). ABNs stored before the codes hold labels in the sender's language: those labels are
shown as they were stored (no code)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from homeward.cases.models import VulnerabilityCategory

from .models import Means

ESCORT_MEDICAL = "medical"
ESCORT_OPERATIONAL = "operational"
ESCORTS = {ESCORT_MEDICAL: _("medical escort"), ESCORT_OPERATIONAL: _("operational escort")}
MOBILITY_WHEELCHAIR = "wheelchair"
MOBILITY_STRETCHER = "stretcher"
MOBILITY = {MOBILITY_WHEELCHAIR: _("wheelchair"), MOBILITY_STRETCHER: _("stretcher")}
MEANS = dict(Means.choices)
CATEGORIES = dict(VulnerabilityCategory.choices)


@dataclass(frozen=True)
class AbnDisplay:
    """The stored content and protection detail with, beside each code, its label:
    `means` and `means_label`; per returnee `escorts`, `mobility` and `vulnerabilities` as
    lists of {code, label}; per protection item `category` and `category_label`. A value
    stored before the codes has `code`/`category` None and its stored label."""

    content: dict
    protection: dict


def _label(labels: dict, value) -> tuple[str | None, str]:
    """(code, label in the active language), or (None, the stored label) for an ABN stored
    with labels only."""
    if isinstance(value, str) and value in labels:
        return value, str(labels[value])
    return None, str(value)


def _items(labels: dict, values) -> list[dict]:
    items = []
    for value in values or ():
        code, label = _label(labels, value)
        items.append({"code": code, "label": label})
    return items


def _returnee(row: dict) -> dict:
    return {
        **row,
        "escorts": _items(ESCORTS, row.get("escorts")),
        "mobility": _items(MOBILITY, row.get("mobility")),
        "vulnerabilities": _items(CATEGORIES, row.get("vulnerabilities")),
    }


def _protection_item(item: dict) -> dict:
    code, label = _label(CATEGORIES, item.get("category", ""))
    return {**item, "category": code, "category_label": label}


def abn_display(content: dict, protection: dict | None = None) -> AbnDisplay:
    """R-TRV-3: a stored ABN content (and the protection detail its reader may see, already
    filtered by R-VOT-3) turned into display values in the active language."""
    content = content or {}
    means = content.get("means", "")
    shown = {
        **content,
        # Before the codes, `means_label` was stored beside the code.
        "means_label": str(MEANS[means]) if means in MEANS else content.get("means_label", means),
        "returnees": [_returnee(row) for row in content.get("returnees", ())],
    }
    shown_protection = {
        reference: [_protection_item(item) for item in items]
        for reference, items in (protection or {}).items()
    }
    return AbnDisplay(content=shown, protection=shown_protection)
