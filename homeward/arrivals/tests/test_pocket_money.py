import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from homeward.accounts.roles import Role
from homeward.arrivals.models import PocketMoneyPayment, PocketMoneyRate
from homeward.arrivals.selectors import pocket_money_ledger
from homeward.arrivals.services import pocket_money_receipt_download, pocket_money_record
from homeward.audit.models import AuditEvent
from homeward.cases.models import Phase
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed

from .conftest import paid, receipt_upload

pytestmark = pytest.mark.django_db


def reception(world):
    return world.user(Role.RECEPTION_OFFICER, "dakar")


def test_r_arr_4_pays_the_rate_with_a_recorded_signature(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    payment = pocket_money_record(actor=reception(world), case_id=case.pk, data=paid())
    assert payment.amount_local == Decimal("32798")
    assert payment.amount_eur == Decimal("50.00")
    assert payment.rate == senegal_rate
    assert payment.office == world.dakar
    assert payment.receipt_signed_in_presence
    line = AuditEvent.objects.get(object_id=str(payment.pk))
    assert line.restricted_group == "financial"


def test_r_arr_4_eur_amount_computed_from_the_exchange_rate_when_left_out(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    payment = pocket_money_record(actor=reception(world), case_id=case.pk, data=paid(amount_eur=""))
    assert payment.amount_eur == Decimal("50.00")


def test_r_arr_4_one_payment_per_returnee(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    pocket_money_record(actor=reception(world), case_id=case.pk, data=paid())
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid())
    assert "case" in exc.value.field_errors
    assert PocketMoneyPayment.objects.filter(case=case).count() == 1


def test_r_arr_4_received_before_departure_is_recorded_and_blocks_a_payment(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    line = pocket_money_record(
        actor=reception(world), case_id=case.pk, data={"received_before_departure": True}
    )
    assert line.received_before_departure and line.amount_local is None
    with pytest.raises(ValidationFailed):
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid())


def test_r_arr_4_another_amount_needs_a_reason(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    data = paid(amount_local="20000", amount_eur="")
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(actor=reception(world), case_id=case.pk, data=data)
    assert "deviation_reason" in exc.value.field_errors
    payment = pocket_money_record(
        actor=reception(world),
        case_id=case.pk,
        data={**data, "deviation_reason": "Part paid before departure by the host office"},
    )
    assert payment.amount_local == Decimal("20000")
    assert payment.amount_eur == Decimal("30.49")
    assert payment.deviation_reason


def test_r_arr_4_refuses_a_zero_exchange_rate_and_an_inconsistent_eur_amount(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid(exchange_rate="0"))
    assert "exchange_rate" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid(amount_eur="60"))
    assert "amount_eur" in exc.value.field_errors
    assert not PocketMoneyPayment.objects.exists()


def test_r_arr_4_refuses_another_currency_and_a_missing_rate(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid(currency="EUR"))
    assert "currency" in exc.value.field_errors
    guinea = world.case(origin=world.conakry, phase=Phase.ARRIVED)
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(
            actor=world.user(Role.RECEPTION_OFFICER, "conakry"), case_id=guinea.pk, data=paid()
        )
    assert "amount_local" in exc.value.field_errors


def test_r_arr_4_a_receipt_is_required_and_a_scan_is_stored_outside_the_web_root(
    world, senegal_rate, private_dir
):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(
            actor=reception(world),
            case_id=case.pk,
            data=paid(receipt_signed_in_presence=False),
        )
    assert "receipt" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        pocket_money_record(
            actor=reception(world),
            case_id=case.pk,
            data=paid(receipt_signed_in_presence=False),
            upload=receipt_upload(b"not a scan", "receipt.pdf"),
        )
    assert "receipt" in exc.value.field_errors
    payment = pocket_money_record(
        actor=reception(world),
        case_id=case.pk,
        data=paid(receipt_signed_in_presence=False),
        upload=receipt_upload(),
    )
    assert payment.receipt_storage_name.startswith("receipts/")
    assert (private_dir / payment.receipt_storage_name).is_file()
    content = pocket_money_receipt_download(actor=reception(world), payment=payment)
    assert content.startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_r_arr_4_a_refused_payment_leaves_no_scan(world, senegal_rate, private_dir):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(ValidationFailed):
        pocket_money_record(
            actor=reception(world),
            case_id=case.pk,
            data=paid(receipt_signed_in_presence=False, exchange_rate="-1"),
            upload=receipt_upload(),
        )
    assert not private_dir.exists() or not any(p.is_file() for p in private_dir.rglob("*"))


def test_r_arr_4_only_after_departure(world, senegal_rate):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    with pytest.raises(ValidationFailed):
        pocket_money_record(actor=reception(world), case_id=case.pk, data=paid())


def test_r_arr_4_only_the_origin_office_reception_and_finance_pay(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    with pytest.raises(PermissionDenied):
        pocket_money_record(
            actor=world.user(Role.COUNSELLOR, "dakar"), case_id=case.pk, data=paid()
        )
    with pytest.raises(PermissionDenied):  # the host office sees the case but does not pay
        pocket_money_record(
            actor=world.user(Role.RECEPTION_OFFICER, "niamey"), case_id=case.pk, data=paid()
        )
    with pytest.raises(NotFound):
        pocket_money_record(
            actor=world.user(Role.RECEPTION_OFFICER, "conakry"), case_id=case.pk, data=paid()
        )
    payment = pocket_money_record(
        actor=world.user(Role.FINANCE_OFFICER, "dakar"), case_id=case.pk, data=paid()
    )
    assert payment.pk


def test_r_arr_4_rates_do_not_overlap(world, senegal_rate):
    rate = PocketMoneyRate(
        programme=world.programme,
        country_id="SN",
        amount_eur=Decimal("60"),
        amount_local=Decimal("39357"),
        currency="xof",
        valid_from=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        rate.full_clean()
    assert "valid_from" in exc.value.message_dict
    senegal_rate.valid_to = datetime.date(2024, 12, 31)
    senegal_rate.save()
    rate.full_clean()
    assert rate.currency == "XOF"


def test_r_arr_4_ledger_totals_by_month_and_currency_for_financial_readers(world, senegal_rate):
    cases = [world.case(phase=Phase.ARRIVED) for _ in range(3)]
    pocket_money_record(actor=reception(world), case_id=cases[0].pk, data=paid())
    pocket_money_record(actor=reception(world), case_id=cases[1].pk, data=paid())
    pocket_money_record(
        actor=reception(world), case_id=cases[2].pk, data={"received_before_departure": True}
    )
    ledger = pocket_money_ledger(
        world.user(Role.FINANCE_OFFICER, "dakar"), office_id=world.dakar.pk
    )
    assert len(ledger.payments) == 3
    assert ledger.before_departure == 1
    [total] = ledger.totals
    assert (total["currency"], total["count"]) == ("XOF", 2)
    assert total["local"] == Decimal("65596") and total["eur"] == Decimal("100.00")
    with pytest.raises(NotFound):  # movement officers read no financial data
        pocket_money_ledger(world.user(Role.MOVEMENT_OFFICER, "dakar"), office_id=world.dakar.pk)
    with pytest.raises(NotFound):
        pocket_money_ledger(world.user(Role.FINANCE_OFFICER, "conakry"), office_id=world.dakar.pk)
