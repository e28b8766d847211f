"""Demo arrivals: reception planned where required (R-ARR-1), the arrival recorded with
onward transport (R-ARR-5) — which confirms it on the case — and pocket money paid at the
programme's rate (R-ARR-4), through the arrivals services."""

from decimal import Decimal

from django.utils import timezone

from homeward.accounts.roles import Perm
from homeward.arrivals.models import PlaceKind, Provision
from homeward.arrivals.reception import (
    arrival_record,
    is_vulnerable,
    reception_plan_save,
    reception_required_reasons,
)
from homeward.arrivals.services import pocket_money_record, rate_for
from homeward.cases.models import Case

PLACE = "International airport"


def arrive_for_demo(*, team, case: Case, rng) -> Case:
    officer = team.with_perm(Perm.ARRIVAL_RECORD, [case.origin_office_id])
    if reception_required_reasons(case):
        reception_plan_save(
            actor=officer,
            case_id=case.pk,
            data={"place_kind": PlaceKind.AIRPORT, "place": PLACE, "expected_at": timezone.now()},
        )
    vulnerable = is_vulnerable(case)
    arrival_record(
        actor=officer,
        case_id=case.pk,
        data={
            "place_kind": PlaceKind.AIRPORT,
            "place": PLACE,
            "onward_transport": Provision.PROVIDED
            if vulnerable or rng.random() < 0.5
            else Provision.NOT_NEEDED,
            "accommodation": Provision.PROVIDED if vulnerable else Provision.NOT_NEEDED,
        },
    )
    case = Case.objects.get(pk=case.pk)
    rate = rate_for(case, timezone.localdate())
    if rate is not None and rng.random() < 0.8:
        pocket_money_record(
            actor=officer,
            case_id=case.pk,
            data={
                "amount_local": rate.amount_local,
                "currency": rate.currency,
                "exchange_rate": (rate.amount_local / rate.amount_eur).quantize(
                    Decimal("0.000001")
                ),
                "receipt_signed_in_presence": True,
            },
        )
    return case
