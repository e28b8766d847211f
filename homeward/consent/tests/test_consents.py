"""Consent services and selectors: R-DAT-1 recording and withdrawal, R-VOT-3 sharing."""

import datetime

import pytest
from django.utils import timezone

from homeward.accounts.roles import FieldGroup
from homeward.audit.models import AuditAction, AuditEvent
from homeward.cases.models import VulnerabilityFlag
from homeward.cases.policies import readable_groups_for_case
from homeward.cases.selectors import visible_flags
from homeward.consent.models import Consent, ConsentPurpose, ConsentStatus, Signatory
from homeward.consent.selectors import (
    active_consent,
    consent_get_for,
    consents_for,
    has_active_consent,
)
from homeward.consent.services import consent_record, consent_withdraw, consents_viewed
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed

from .conftest import speaks

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def consent_data(**overrides) -> dict:
    data = {
        "purpose": ConsentPurpose.DATA_COLLECTION,
        "scope": "Identity, contacts, migration history, vulnerabilities",
        "recipients": "Host and origin offices",
        "language": "fr",
        "form_version": "HW-VRD-2026.1",
        "given_on": TODAY,
        "signatory": Signatory.MIGRANT,
        "signatory_name": "Aïssatou Diallo",
    }
    data.update(overrides)
    return data


def errors_of(excinfo) -> dict:
    return excinfo.value.field_errors


# ---- recording ------------------------------------------------------------------------------


def test_r_dat_1_consent_is_recorded_with_scope_date_and_audited(world):
    case = speaks(world.case(), "fr", "wo")
    counsellor = world.user("counsellor")
    consent = consent_record(actor=counsellor, case_id=case.pk, data=consent_data())
    assert consent.recorded_by == counsellor
    assert consent.field_group == FieldGroup.IDENTITY
    assert consent.is_active()
    assert consent.status() == ConsentStatus.ACTIVE
    assert has_active_consent(case, ConsentPurpose.DATA_COLLECTION)
    assert active_consent(case, ConsentPurpose.DATA_COLLECTION) == consent
    line = AuditEvent.objects.get(object_id=str(consent.pk))
    assert line.action == AuditAction.CREATE
    assert line.case_reference == case.reference
    assert line.changes["scope"].startswith("Identity")
    assert line.changes["given_on"] == str(TODAY)
    assert line.restricted_group == ""


def test_consent_needs_the_permission_at_the_cases_offices(world):
    case = speaks(world.case(), "fr")
    with pytest.raises(PermissionDenied):
        consent_record(actor=world.user("movement_officer"), case_id=case.pk, data=consent_data())
    with pytest.raises(NotFound):
        consent_record(
            actor=world.user("counsellor", "rabat"), case_id=case.pk, data=consent_data()
        )
    assert not Consent.objects.exists()


def test_consent_refuses_future_dates_and_an_expiry_before_the_date_given(world):
    case = speaks(world.case(), "fr")
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(
            actor=world.user("counsellor"),
            case_id=case.pk,
            data=consent_data(given_on=tomorrow, expires_on=TODAY),
        )
    errors = errors_of(excinfo)
    assert "given_on" in errors
    assert "expires_on" in errors or "__all__" in errors
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(
            actor=world.user("counsellor"),
            case_id=case.pk,
            data=consent_data(expires_on=TODAY),
        )
    assert errors_of(excinfo)["expires_on"] == [
        "The expiry date must be after the date it was given."
    ]


def test_consent_requires_its_fields(world):
    case = speaks(world.case(), "fr")
    data = consent_data(scope="", form_version="", signatory_name="  ", purpose="nonsense")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=world.user("counsellor"), case_id=case.pk, data=data)
    assert {"scope", "form_version", "signatory_name", "purpose"} <= set(errors_of(excinfo))


def test_consent_refuses_unknown_fields(world):
    case = speaks(world.case(), "fr")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(
            actor=world.user("counsellor"),
            case_id=case.pk,
            data=consent_data(withdrawn_on=TODAY),
        )
    assert "withdrawn_on" in errors_of(excinfo)


def test_r_vol_1_consent_must_be_in_a_language_the_migrant_understands(world):
    case = speaks(world.case(), "wo", "fr")
    counsellor = world.user("counsellor")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=counsellor, case_id=case.pk, data=consent_data(language="en"))
    [message] = errors_of(excinfo)["language"]
    assert "does not understand" in message
    assert "French" in message and "wo" in message
    # Interpreted into a language the migrant understands: accepted, with the note.
    consent = consent_record(
        actor=counsellor,
        case_id=case.pk,
        data=consent_data(language="en", interpreter_note="Interpreted into Wolof by M. Ndiaye"),
    )
    assert consent.interpreter_note.startswith("Interpreted")


def test_r_vol_1_consent_without_recorded_languages_asks_for_them(world):
    case = world.case()
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=world.user("counsellor"), case_id=case.pk, data=consent_data())
    assert "No language is recorded" in errors_of(excinfo)["language"][0]


def test_r_vol_3_a_child_does_not_sign_a_consent_alone(world):
    case = speaks(world.case(), "fr")
    person = case.person
    person.date_of_birth = TODAY.replace(year=TODAY.year - 15)
    person.save()
    counsellor = world.user("counsellor")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=counsellor, case_id=case.pk, data=consent_data())
    assert "child" in errors_of(excinfo)["signatory"][0]
    consent = consent_record(
        actor=counsellor,
        case_id=case.pk,
        data=consent_data(signatory=Signatory.GUARDIAN, signatory_name="Mamadou Diallo"),
    )
    assert consent.signatory == Signatory.GUARDIAN


def test_r_dat_1_disclosure_says_to_whom(world):
    case = speaks(world.case(), "fr")
    data = consent_data(purpose=ConsentPurpose.THIRD_PARTY_DISCLOSURE, recipients="")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=world.user("counsellor"), case_id=case.pk, data=data)
    assert "recipients" in errors_of(excinfo)


def test_medical_consent_is_recorded_and_seen_only_by_readers_of_medical_data(world):
    case = speaks(world.case(), "fr")
    data = consent_data(
        purpose=ConsentPurpose.MEDICAL_DATA_SHARING, recipients="Receiving hospital"
    )
    with pytest.raises(PermissionDenied) as excinfo:
        consent_record(actor=world.user("counsellor"), case_id=case.pk, data=data)
    assert "purpose" in errors_of(excinfo)
    consent = consent_record(actor=world.user("medical_officer"), case_id=case.pk, data=data)
    assert consent.field_group == FieldGroup.MEDICAL
    assert AuditEvent.objects.get(object_id=str(consent.pk)).restricted_group == "medical"
    assert consents_for(world.user("counsellor"), case) == []
    assert consents_for(world.user("medical_officer"), case) == [consent]
    with pytest.raises(NotFound):
        consent_get_for(world.user("counsellor"), consent_id=consent.pk)


# ---- withdrawal -----------------------------------------------------------------------------


def test_r_dat_1_withdrawal_ends_the_consent_at_once_and_is_audited(world):
    case = speaks(world.case(), "fr")
    counsellor = world.user("counsellor")
    consent = consent_record(actor=counsellor, case_id=case.pk, data=consent_data())
    with pytest.raises(ValidationFailed) as excinfo:
        consent_withdraw(actor=counsellor, consent_id=consent.pk, reason="  ")
    assert "reason" in errors_of(excinfo)
    withdrawn = consent_withdraw(
        actor=counsellor, consent_id=consent.pk, reason="The migrant changed their mind"
    )
    assert withdrawn.withdrawn_on == TODAY
    assert withdrawn.withdrawn_by == counsellor
    assert not withdrawn.is_active()
    assert withdrawn.status() == ConsentStatus.WITHDRAWN
    assert withdrawn.is_active(on=TODAY - datetime.timedelta(days=1)) is False  # given today
    assert not has_active_consent(case, ConsentPurpose.DATA_COLLECTION)
    assert active_consent(case, ConsentPurpose.DATA_COLLECTION) is None
    line = AuditEvent.objects.filter(object_id=str(consent.pk), action=AuditAction.UPDATE).get()
    assert line.changes["reason"] == "The migrant changed their mind"
    with pytest.raises(ValidationFailed):
        consent_withdraw(actor=counsellor, consent_id=consent.pk, reason="again")


def test_withdrawal_needs_the_permission_and_a_visible_consent(world):
    case = speaks(world.case(), "fr")
    consent = consent_record(actor=world.user("counsellor"), case_id=case.pk, data=consent_data())
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=world.user("movement_officer"), consent_id=consent.pk, reason="x")
    with pytest.raises(NotFound):
        consent_withdraw(actor=world.user("counsellor", "rabat"), consent_id=consent.pk, reason="x")
    with pytest.raises(NotFound):
        consent_withdraw(actor=world.user("counsellor"), consent_id="not-a-uuid", reason="x")


def test_expired_consent_is_not_in_force(world):
    case = speaks(world.case(), "fr")
    given = TODAY - datetime.timedelta(days=30)
    consent = consent_record(
        actor=world.user("counsellor"),
        case_id=case.pk,
        data=consent_data(given_on=given, expires_on=TODAY),
    )
    assert consent.status() == ConsentStatus.EXPIRED
    assert consent.is_active(on=TODAY - datetime.timedelta(days=1))
    assert not has_active_consent(case, ConsentPurpose.DATA_COLLECTION)
    assert has_active_consent(
        case, ConsentPurpose.DATA_COLLECTION, on=TODAY - datetime.timedelta(days=1)
    )


# ---- R-VOT-3: protection detail shared with the assigned case manager ------------------------


def _vot_case(world):
    manager = world.user("case_manager", "dakar")
    case = speaks(world.case(assigned_to=manager), "fr")
    VulnerabilityFlag.objects.create(case=case, category="trafficking")
    return case, manager


def _protection_data(**overrides):
    return consent_data(
        purpose=ConsentPurpose.PROTECTION_SHARING,
        scope="Trafficking risk and protection detail",
        recipients="The assigned case manager",
        **overrides,
    )


def test_r_vot_3_protection_consent_opens_the_case_managers_access(world):
    case, manager = _vot_case(world)
    focal_point = world.user("avm_focal_point")
    assert FieldGroup.TRAFFICKING not in readable_groups_for_case(manager, case)
    with pytest.raises(PermissionDenied):  # a counsellor may not read trafficking detail
        consent_record(actor=world.user("counsellor"), case_id=case.pk, data=_protection_data())
    consent = consent_record(actor=focal_point, case_id=case.pk, data=_protection_data())
    case.refresh_from_db()
    assert case.protection_shared_with_assignee
    assert FieldGroup.TRAFFICKING in readable_groups_for_case(manager, case)
    assert [f.category for f in visible_flags(manager, case)] == ["trafficking"]
    assert consent.field_group == FieldGroup.TRAFFICKING
    # The consent itself reveals a VoT: others who see the case do not see it.
    assert consents_for(world.user("counsellor"), case) == []
    assert consents_for(manager, case) == [consent]


def test_r_dat_1_withdrawal_stops_protection_sharing_at_once(world):
    case, manager = _vot_case(world)
    consent = consent_record(
        actor=world.user("avm_focal_point"), case_id=case.pk, data=_protection_data()
    )
    case.refresh_from_db()
    assert FieldGroup.TRAFFICKING in readable_groups_for_case(manager, case)
    # The case manager records the migrant's withdrawal: their own access ends with it.
    consent_withdraw(actor=manager, consent_id=consent.pk, reason="Withdrawn by the migrant")
    case.refresh_from_db()
    assert not case.protection_shared_with_assignee
    assert FieldGroup.TRAFFICKING not in readable_groups_for_case(manager, case)
    assert visible_flags(manager, case) == []
    with pytest.raises(NotFound):
        consent_get_for(manager, consent_id=consent.pk)
    lines = AuditEvent.objects.filter(case_reference=case.reference, restricted_group="trafficking")
    assert lines.count() == 4  # consent recorded, sharing opened, consent withdrawn, closed


def test_r_vot_3_protection_consent_has_no_expiry_and_is_not_duplicated(world):
    case, _manager = _vot_case(world)
    focal_point = world.user("avm_focal_point")
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(
            actor=focal_point,
            case_id=case.pk,
            data=_protection_data(expires_on=TODAY + datetime.timedelta(days=90)),
        )
    assert "expires_on" in errors_of(excinfo)
    consent_record(actor=focal_point, case_id=case.pk, data=_protection_data())
    with pytest.raises(ValidationFailed) as excinfo:
        consent_record(actor=focal_point, case_id=case.pk, data=_protection_data())
    assert "purpose" in errors_of(excinfo)


def test_viewing_consents_is_audited(world):
    case = world.case()
    consents_viewed(actor=world.user("counsellor"), case=case, ip_address="10.0.0.1")
    line = AuditEvent.objects.get(case_reference=case.reference)
    assert line.action == AuditAction.VIEW
    assert line.ip_address == "10.0.0.1"


def test_consents_of_an_invisible_case_are_not_found(world):
    case = world.case()
    with pytest.raises(NotFound):
        consents_for(world.user("counsellor", "rabat"), case)
