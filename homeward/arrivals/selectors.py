"""Reads of phase 4, scoped to the actor."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office
from homeward.cases.models import Case
from homeward.core.errors import NotFound, parse_uuid

from .models import PocketMoneyPayment, PocketMoneyRate
from .policies import can_read_ledger


def pocket_money_for_case(case: Case) -> PocketMoneyPayment | None:
    """The case's ledger line (the caller has checked the case is visible)."""
    return PocketMoneyPayment.objects.select_related("paid_by", "rate").filter(case=case).first()


@dataclass(frozen=True)
class LastRate:
    exchange_rate: Decimal
    paid_on: datetime.date


def last_exchange_rate(office_id, currency: str, *, on_or_before: datetime.date) -> LastRate | None:
    """R-ARR-4: the exchange rate of the office's latest payment in `currency` up to a day,
    as a starting point for the next one (the caller has checked the reader may pay)."""
    row = (
        PocketMoneyPayment.objects.filter(
            office_id=office_id,
            currency=currency,
            exchange_rate__isnull=False,
            paid_on__lte=on_or_before,
        )
        .order_by("-paid_on", "-created_at")
        .values_list("exchange_rate", "paid_on")
        .first()
    )
    return LastRate(*row) if row else None


def ledger_offices_for(actor):
    """Origin offices whose pocket-money ledger the actor may read (financial data)."""
    access = access_for(actor)
    ids = [o for o in access.office_ids if can_read_ledger(actor, o)]
    return Office.objects.filter(pk__in=ids, is_origin=True).order_by("name")


@dataclass
class Ledger:
    office: Office
    month: datetime.date | None
    payments: object  # a queryset, paginated by the page
    totals: list = field(default_factory=list)  # per (month, currency)
    before_departure: int = 0


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        year, month = (int(p) for p in str(value).split("-")[:2])
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None


def pocket_money_ledger(actor, *, office_id, month: str | None = None) -> Ledger:
    """R-ARR-4: the office's pocket-money ledger (apart from reintegration assistance),
    with totals by month and currency; NotFound unless the actor reads financial data there."""
    office = Office.objects.filter(pk=parse_uuid(office_id, _("Office not found."))).first()
    if office is None or not can_read_ledger(actor, office.pk):
        raise NotFound(_("Office not found."))
    first = _month(month)
    rows = PocketMoneyPayment.objects.filter(office=office)
    if first is not None:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        rows = rows.filter(paid_on__gte=first, paid_on__lt=following)
    payments = rows.select_related("case", "paid_by").order_by("-paid_on", "-created_at")
    totals = list(
        rows.filter(received_before_departure=False)
        .annotate(month=TruncMonth("paid_on"))
        .values("month", "currency")
        .annotate(count=Count("id"), local=Sum("amount_local"), eur=Sum("amount_eur"))
        .order_by("-month", "currency")
    )
    for row in totals:
        row["local"] = row["local"] or Decimal(0)
        row["eur"] = row["eur"] or Decimal(0)
    before = rows.filter(received_before_departure=True).count()
    return Ledger(office, first, payments, totals, before)


def rates_for(case: Case) -> list[PocketMoneyRate]:
    return list(
        PocketMoneyRate.objects.filter(
            programme_id=case.programme_id, country_id=case.origin_office.country_id
        ).order_by("-valid_from")
    )


EXPECTED_PHASES = ("travel_booked", "departed")
ARRIVED_PHASES = ("arrived", "reintegration", "monitoring")


def arrival_offices_for(actor):
    """Origin offices where the actor receives returnees or pays pocket money."""
    from homeward.accounts.roles import Perm

    access = access_for(actor)
    ids = access.offices_with(Perm.ARRIVAL_RECORD) | access.offices_with(Perm.POCKET_MONEY_PAY)
    return Office.objects.filter(pk__in=ids, is_origin=True).order_by("name")


def arrival_cases_for(actor, *, office_ids, show: str = "expected"):
    """Cases of the given origin offices that are expected (travel booked or departed) or
    arrived, with their person, host office and pocket-money line in one statement."""
    from django.db.models import Exists, OuterRef

    from .models import ReceptionRequest

    phases = ARRIVED_PHASES if show == "arrived" else EXPECTED_PHASES
    from homeward.cases.models import VulnerabilityFlag

    requested = ReceptionRequest.objects.filter(case=OuterRef("pk"))
    flagged = VulnerabilityFlag.objects.filter(case=OuterRef("pk"))
    return (
        Case.objects.filter(origin_office_id__in=office_ids, phase__in=phases)
        .annotate(reception_requested=Exists(requested), vulnerable=Exists(flagged))
        .select_related(
            "person",
            "host_office",
            "origin_office",
            "pocket_money",
            "reception_plan",
            "arrival",
        )
        .order_by("-phase_changed_at", "reference")
    )


def reception_plan_of(case: Case):
    from .models import ReceptionPlan

    return ReceptionPlan.objects.select_related("staff").filter(case=case).first()


def arrival_of(case: Case):
    from .models import ArrivalRecord

    return ArrivalRecord.objects.select_related("received_by").filter(case=case).first()


def secondary_of(case: Case):
    from .models import SecondaryMovement

    return (
        SecondaryMovement.objects.select_related(
            "actual_country", "actual_origin_office", "new_case"
        )
        .filter(case=case)
        .first()
    )


def handover_of(case: Case):
    from .models import UmcHandover

    return UmcHandover.objects.select_related("guardian", "staff").filter(case=case).first()


def notices_for(actor, *, limit: int = 50):
    """In-app notices to the offices where the actor sees cases."""
    from homeward.accounts.roles import Perm

    from .models import OfficeNotice

    offices = access_for(actor).offices_with(Perm.CASE_VIEW)
    return (
        OfficeNotice.objects.filter(office_id__in=offices)
        .select_related("office", "case")
        .order_by("-created_at")[:limit]
    )
