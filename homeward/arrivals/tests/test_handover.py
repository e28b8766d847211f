import datetime

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.arrivals.handover import umc_handover_record
from homeward.arrivals.models import ArrivalRecord, Provision, UmcHandover
from homeward.arrivals.reception import arrival_record, reception_plan_save
from homeward.cases.models import Phase, VulnerabilityFlag
from homeward.core.errors import PermissionDenied, ValidationFailed
from homeward.documents.arrival_forms import umc_handover_pdf
from homeward.documents.tests.pdftext import pdf_text
from homeward.registration.models import Guardian

pytestmark = pytest.mark.django_db


def reception(world):
    return world.user(Role.RECEPTION_OFFICER, "dakar")


def arrived_child(world, *, confirmed=True):
    case = world.case(phase=Phase.DEPARTED)
    case.person.date_of_birth = timezone.localdate() - datetime.timedelta(days=15 * 365)
    case.person.save()
    VulnerabilityFlag.objects.create(case=case, category="umc")
    guardian = Guardian.objects.create(
        case=case,
        reason="minor",
        name="Mariama Diallo",
        relationship="Mother",
        identity_confirmed=confirmed,
        recorded_by=reception(world),
    )
    reception_plan_save(
        actor=reception(world),
        case_id=case.pk,
        data={"place_kind": "airport", "place": "DSS", "expected_at": timezone.now()},
    )
    arrival_record(
        actor=reception(world),
        case_id=case.pk,
        data={
            "place_kind": "airport",
            "place": "DSS",
            "onward_transport": Provision.PROVIDED,
            "accommodation": Provision.PROVIDED,
        },
    )
    return case, guardian


def handover_data(guardian, **overrides):
    data = {
        "guardian": guardian.pk,
        "identity_checked_with": "National identity card",
        "place": "Reception desk, DSS",
        "signed_in_presence": True,
    }
    data.update(overrides)
    return data


def test_r_arr_6_hands_a_child_over_to_the_confirmed_guardian(world):
    case, guardian = arrived_child(world)
    handover = umc_handover_record(
        actor=reception(world), case_id=case.pk, data=handover_data(guardian)
    )
    assert handover.guardian == guardian and handover.staff == reception(world)
    with pytest.raises(ValidationFailed):
        umc_handover_record(actor=reception(world), case_id=case.pk, data=handover_data(guardian))


def test_r_arr_6_refused_without_a_guardian_of_confirmed_identity(world):
    case, guardian = arrived_child(world, confirmed=False)
    with pytest.raises(ValidationFailed) as exc:
        umc_handover_record(actor=reception(world), case_id=case.pk, data=handover_data(guardian))
    assert "guardian" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        umc_handover_record(
            actor=reception(world),
            case_id=case.pk,
            data=handover_data(guardian, identity_checked_with="", signed_in_presence=False),
        )
    assert {"identity_checked_with", "signed_in_presence"} <= set(exc.value.field_errors)
    assert not UmcHandover.objects.exists()


def test_r_arr_6_refused_for_an_adult(world):
    case = world.case(phase=Phase.ARRIVED)  # born 1995
    with pytest.raises(ValidationFailed) as exc:
        umc_handover_record(actor=reception(world), case_id=case.pk, data={})
    assert "case" in exc.value.field_errors
    with pytest.raises(PermissionDenied):
        umc_handover_record(actor=world.user(Role.COUNSELLOR, "dakar"), case_id=case.pk, data={})


def test_r_arr_6_handover_notification_pdf_has_arrival_handover_and_reference(world):
    case, guardian = arrived_child(world)
    umc_handover_record(actor=reception(world), case_id=case.pk, data=handover_data(guardian))
    pdf, language = umc_handover_pdf(actor=reception(world), case_id=case.pk, language="en")
    text = " ".join(pdf_text(pdf).split())
    assert case.reference in text
    assert "UMC handover notification" in text
    assert "Mariama Diallo" in text and "DSS" in text and "National identity card" in text


def test_r_arr_6_handover_notification_prints_the_origin_offices_time(world):
    world.dakar.time_zone = "Africa/Lagos"  # one hour ahead of UTC, named WAT
    world.dakar.save()
    case, _guardian = arrived_child(world)
    arrival = ArrivalRecord.objects.get(case=case)
    arrival.arrived_at = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
    arrival.save(update_fields=["arrived_at"])
    pdf, _language = umc_handover_pdf(actor=reception(world), case_id=case.pk, language="en")
    text = " ".join(pdf_text(pdf).split())
    assert "March 11, 2026, 12:30 a.m. WAT" in text  # the next day in Dakar's zone
