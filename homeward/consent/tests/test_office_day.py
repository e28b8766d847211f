"""Consents and signed documents count in the day of the case's office, not the server's
(UTC): at 23:30 UTC it is already tomorrow in Niamey (UTC+1), where the demo cases are
hosted."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from homeward.consent.models import ConsentPurpose, ConsentStatus, DocumentKind, Signatory
from homeward.consent.selectors import consents_for, has_active_consent
from homeward.consent.services import consent_record, consent_withdraw, document_record
from homeward.core.errors import ValidationFailed
from homeward.people.models import Person
from homeward.registration.checklist import load_facts
from homeward.web.forms.consent import ConsentForm, SignedDocumentForm

from .conftest import speaks

pytestmark = pytest.mark.django_db


def _late() -> datetime.datetime:
    """23:30 UTC today, and the day it is then in Niamey."""
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    return late, late.date() + datetime.timedelta(days=1)


def _consent(given_on: datetime.date) -> dict:
    return {
        "purpose": ConsentPurpose.DATA_COLLECTION,
        "scope": "Identity, contacts",
        "recipients": "Host and origin offices",
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "given_on": given_on,
        "signatory": Signatory.MIGRANT,
        "signatory_name": "Aïssatou Diallo",
    }


def test_r_dat_1_consent_given_today_at_the_office_is_in_force_and_withdrawn_that_day(world):
    case = speaks(world.case(), "fr")
    counsellor = world.user("counsellor", "niamey")
    late, niamey_day = _late()
    with time_machine.travel(late, tick=True):
        with pytest.raises(ValidationFailed) as future:
            consent_record(
                actor=counsellor,
                case_id=case.pk,
                data=_consent(niamey_day + datetime.timedelta(days=1)),
            )
        consent = consent_record(actor=counsellor, case_id=case.pk, data=_consent(niamey_day))
        in_force = has_active_consent(case, ConsentPurpose.DATA_COLLECTION)
        status = consents_for(counsellor, case)[0].status()
        withdrawn = consent_withdraw(actor=counsellor, consent_id=consent.pk, reason="Asked to")
    assert future.value.field_errors["given_on"] == ["The consent cannot be dated in the future."]
    assert consent.given_on == niamey_day
    assert in_force and status == ConsentStatus.ACTIVE
    assert withdrawn.withdrawn_on == niamey_day


def test_r_frm_1_a_form_signed_today_at_the_office_is_not_in_the_future(world, private_dir):
    case = speaks(world.case(), "fr")
    counsellor = world.user("counsellor", "niamey")
    late, niamey_day = _late()
    data = {
        "kind": DocumentKind.VOLUNTARY_RETURN_DECLARATION,
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "signed_on": niamey_day,
        "signatory": Signatory.MIGRANT,
        "signatory_name": "Aïssatou Diallo",
    }
    with time_machine.travel(late, tick=True):
        document = document_record(
            actor=counsellor, case_id=case.pk, data=data, upload=None, signed_in_presence=True
        )
        with pytest.raises(ValidationFailed) as future:
            document_record(
                actor=counsellor,
                case_id=case.pk,
                data={**data, "signed_on": niamey_day + datetime.timedelta(days=1)},
                upload=None,
                signed_in_presence=True,
            )
    assert document.signed_on == niamey_day
    assert future.value.field_errors["signed_on"] == [
        "The signature cannot be dated in the future."
    ]


def test_the_consent_forms_propose_the_offices_day(world):
    case = world.case()
    counsellor = world.user("counsellor", "niamey")
    late, niamey_day = _late()
    with time_machine.travel(late, tick=True):
        consent_form = ConsentForm(case=case, languages=["fr"], actor=counsellor)
        document_form = SignedDocumentForm(case=case, languages=["fr"], actor=counsellor)
    assert consent_form.fields["given_on"].initial == niamey_day
    assert document_form.fields["signed_on"].initial == niamey_day


def test_r_vol_3_a_migrant_who_turns_18_today_at_the_office_is_no_longer_a_child(world):
    case = world.case()
    counsellor = world.user("counsellor", "niamey")
    late, niamey_day = _late()
    Person.objects.filter(pk=case.person_id).update(
        date_of_birth=niamey_day.replace(year=niamey_day.year - 18)
    )
    case.person.refresh_from_db()
    with time_machine.travel(late, tick=True):
        adult = not load_facts(counsellor, case).is_minor
    assert adult
