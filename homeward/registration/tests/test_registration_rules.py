"""One test per phase-1 rule: the refusal and the success path, through the services."""

import pytest

from homeward.audit.models import AuditEvent
from homeward.cases.models import Phase, VulnerabilityFlag
from homeward.cases.selectors import transition_options
from homeward.cases.services import case_transition
from homeward.core.errors import NotFound, TransitionBlocked, ValidationFailed, VersionConflict
from homeward.geo.models import AdminArea
from homeward.programmes.models import CountryAction, ReturnScheme
from homeward.registration import procedures, services
from homeward.registration.checklist import registration_checklist
from homeward.registration.models import (
    AsylumOutcome,
    CaseProfile,
    OfficeVulnerability,
    Referral,
    Screening,
)

from .helpers import TODAY, consent, ready_case, sign, speaks

pytestmark = pytest.mark.django_db


def register(world, case, role="counsellor"):
    return case_transition(actor=world.user(role, "niamey"), case_id=case.pk, action="register")


def blocked_reasons(world, case, role="counsellor") -> list[str]:
    """Why registration is refused: from the transition for the counsellor, and from the
    checklist (the same reasons, worded for the reader) for roles that do not register."""
    if role != "counsellor":
        user = world.user(role, "niamey")
        return [r for item in registration_checklist(user, case) for r in item.reasons]
    with pytest.raises(TransitionBlocked) as exc:
        register(world, case, role)
    return exc.value.reasons


def session_data(**extra):
    data = {
        "kind": "return",
        "held_on": TODAY,
        "place": "Office",
        "mode": "phone",
        "language": "fr",
    }
    return {**data, **extra}


def test_ready_case_registers(world):
    case = ready_case(world)
    assert register(world, case).phase == Phase.REGISTERED


# --- R-CNS-1 ------------------------------------------------------------------------------


def test_r_cns_1_session_refused_in_a_language_the_migrant_does_not_understand(world):
    case = world.case(phase=Phase.COUNSELLING)
    speaks(case.person, "ff")
    counsellor = world.user("counsellor")
    with pytest.raises(ValidationFailed) as exc:
        services.counselling_session_record(
            actor=counsellor, case_id=case.pk, data=session_data(language="en")
        )
    assert "language" in exc.value.field_errors
    interpreted = services.counselling_session_record(
        actor=counsellor,
        case_id=case.pk,
        data=session_data(language="en", interpreter="A. Interpreter", interpreted_into="ff"),
    )
    assert interpreted.counsellor == counsellor
    direct = services.counselling_session_record(
        actor=counsellor, case_id=case.pk, data=session_data(language="FF")
    )
    assert direct.language == "ff"
    assert AuditEvent.objects.filter(case_reference=case.reference, action="create").count() == 2


def test_r_cns_1_session_needs_known_languages_and_valid_fields(world):
    case = world.case(phase=Phase.COUNSELLING)
    with pytest.raises(ValidationFailed) as exc:
        services.counselling_session_record(
            actor=world.user("counsellor"),
            case_id=case.pk,
            data=session_data(mode="carrier pigeon", held_on=TODAY.replace(year=2099)),
        )
    assert {"language", "mode", "held_on"} <= set(exc.value.field_errors)


def test_r_cns_1_registration_needs_a_return_counselling_session(world):
    case = ready_case(world)
    case.counselling_sessions.all().delete()
    assert "No return counselling session is recorded." in blocked_reasons(world, case)


def test_r_arr_3_no_counselling_on_forced_returns(world):
    case = world.case(scheme=ReturnScheme.FORCED)
    speaks(case.person, "fr")
    with pytest.raises(ValidationFailed, match="not organised by the programme"):
        services.counselling_session_record(
            actor=world.user("counsellor"), case_id=case.pk, data=session_data()
        )
    assert not case.counselling_sessions.exists()


# --- R-CNS-2 ------------------------------------------------------------------------------


def test_r_cns_2_profile_records_history_and_refuses_stale_versions(world):
    case = world.case(phase=Phase.COUNSELLING)
    counsellor = world.user("counsellor")
    profile = services.case_profile_save(
        actor=counsellor,
        case_id=case.pk,
        version=None,
        data={"route": "Agadez – Tripoli", "months_abroad": 30, "skills": "mason"},
    )
    assert CaseProfile.objects.get(case=case).months_abroad == 30
    services.case_profile_save(
        actor=counsellor, case_id=case.pk, version=profile.version, data={"occupation": "tailor"}
    )
    with pytest.raises(VersionConflict):
        services.case_profile_save(
            actor=counsellor, case_id=case.pk, version=profile.version, data={"skills": "x"}
        )
    with pytest.raises(ValidationFailed) as exc:
        services.case_profile_save(
            actor=counsellor,
            case_id=case.pk,
            version=profile.version + 1,
            data={"left_home_on": TODAY.replace(year=2099), "education": "phd"},
        )
    assert {"left_home_on", "education"} <= set(exc.value.field_errors)


# --- R-CNS-3 ------------------------------------------------------------------------------


def test_r_cns_3_registration_waits_for_the_asylum_decision(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    referral = services.asylum_referral_record(
        actor=counsellor, case_id=case.pk, data={"referred_on": TODAY}
    )
    assert any("decision after the asylum referral" in r for r in blocked_reasons(world, case))
    services.asylum_referral_decide(
        actor=counsellor,
        referral_id=referral.pk,
        version=referral.version,
        outcome=AsylumOutcome.NOT_PURSUING,
        decided_on=TODAY,
    )
    assert register(world, case).phase == Phase.REGISTERED


def test_r_cns_3_pursuing_asylum_refers_the_case(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    referral = services.asylum_referral_record(
        actor=counsellor, case_id=case.pk, data={"referred_on": TODAY}
    )
    services.asylum_referral_decide(
        actor=counsellor,
        referral_id=referral.pk,
        version=referral.version,
        outcome=AsylumOutcome.PURSUING,
        decided_on=TODAY,
    )
    case.refresh_from_db()
    assert case.phase == Phase.REFERRED_ASYLUM


# --- R-CNS-4 ------------------------------------------------------------------------------


def test_r_cns_4_detention_only_for_immigration_breach_and_free_counselling(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    with pytest.raises(ValidationFailed) as exc:
        services.case_profile_save(
            actor=counsellor, case_id=case.pk, version=None, data={"in_detention": True}
        )
    assert "detention_grounds" in exc.value.field_errors
    profile = services.case_profile_save(
        actor=counsellor,
        case_id=case.pk,
        version=None,
        data={"in_detention": True, "detention_grounds": "other"},
    )
    reasons = blocked_reasons(world, case)
    assert any("breach of immigration rules" in r for r in reasons)
    assert any("speak freely" in r for r in reasons)
    services.case_profile_save(
        actor=counsellor,
        case_id=case.pk,
        version=profile.version,
        data={"detention_grounds": "immigration_only"},
    )
    with pytest.raises(ValidationFailed) as exc:
        services.counselling_session_record(actor=counsellor, case_id=case.pk, data=session_data())
    assert {"direct_access", "spoke_freely"} <= set(exc.value.field_errors)
    services.counselling_session_record(
        actor=counsellor,
        case_id=case.pk,
        data=session_data(direct_access=True, spoke_freely=True),
    )
    assert register(world, case).phase == Phase.REGISTERED


# --- R-VOL-1 ------------------------------------------------------------------------------


def test_r_vol_1_registration_needs_the_signed_declaration_in_an_understood_language(world):
    case = ready_case(world)
    case.signed_documents.all().delete()
    assert any("declaration" in r for r in blocked_reasons(world, case))
    sign(case, "voluntary_return_declaration", by=world.user("counsellor"), language="en")
    assert any("does not understand" in r for r in blocked_reasons(world, case))
    sign(case, "voluntary_return_declaration", by=world.user("counsellor"), language="fr")
    assert register(world, case).phase == Phase.REGISTERED


# --- R-VOL-3 ------------------------------------------------------------------------------


def test_r_vol_3_a_person_unable_to_decide_needs_a_guardian_who_signs(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    services.screening_record(
        actor=counsellor,
        case_id=case.pk,
        data={"stage": "pre_departure", "screened_on": TODAY, "capacity": "unable"},
    )
    reasons = blocked_reasons(world, case)
    assert "No legal guardian with a confirmed identity is recorded." in reasons
    assert "The declaration must be signed by the legal guardian." in reasons
    guardian = procedures.guardian_record(
        actor=counsellor,
        case_id=case.pk,
        data={"reason": "capacity", "name": "Moussa Diallo", "relationship": "brother"},
    )
    procedures.guardian_confirm_identity(
        actor=counsellor, guardian_id=guardian.pk, version=guardian.version
    )
    sign(case, "voluntary_return_declaration", by=counsellor, signatory="guardian")
    assert register(world, case).phase == Phase.REGISTERED


# --- R-VUL-1, R-VUL-2, R-VUL-3 ------------------------------------------------------------


def test_r_vul_1_registration_needs_a_pre_departure_screening(world):
    case = ready_case(world)
    Screening.objects.filter(case=case).delete()
    assert "No profile and vulnerability screening before departure." in blocked_reasons(
        world, case
    )


def test_r_vul_2_screenings_are_history_and_set_current_flags(world):
    case = ready_case(world, categories=["elderly", "disability"])
    office_other = OfficeVulnerability.objects.create(office=world.niamey, name="Stateless")
    services.screening_record(
        actor=world.user("counsellor"),
        case_id=case.pk,
        data={
            "stage": "pre_departure",
            "screened_on": TODAY,
            "capacity": "able",
            "categories": ["elderly"],
            "other_vulnerabilities": [office_other.pk],
        },
    )
    assert Screening.objects.filter(case=case).count() == 2
    assert set(case.flags.values_list("category", flat=True)) == {"elderly", "other"}
    latest = Screening.objects.filter(case=case).first()
    assert {str(f) for f in latest.findings.all()} == {"Elderly", "Stateless"}


def test_r_vul_2_a_screener_raises_restricted_flags_but_never_removes_them(world):
    case = ready_case(world, categories=["trafficking"])
    assert case.flags.filter(category="trafficking").exists()
    services.screening_record(
        actor=world.user("counsellor"),
        case_id=case.pk,
        data={"stage": "later", "screened_on": TODAY, "capacity": "able", "categories": []},
    )
    assert VulnerabilityFlag.objects.filter(case=case, category="trafficking").exists()


def test_r_vul_3_identified_vulnerabilities_propose_referrals(world):
    case = ready_case(world, categories=["disability", "pregnancy"])
    referrals = {r.category: r for r in Referral.objects.filter(case=case)}
    assert set(referrals) == {"disability", "pregnancy"}
    counsellor = world.user("counsellor")
    disability = referrals["disability"]
    with pytest.raises(ValidationFailed) as exc:
        services.referral_update(
            actor=counsellor,
            referral_id=disability.pk,
            version=disability.version,
            data={"status": "sent"},
        )
    assert "provider" in exc.value.field_errors
    services.referral_update(
        actor=counsellor,
        referral_id=disability.pk,
        version=disability.version,
        data={"status": "sent", "provider": "Handicap centre"},
    )
    # A medical referral belongs to the medical officer, not the counsellor.
    with pytest.raises(NotFound):
        services.referral_update(
            actor=counsellor,
            referral_id=referrals["pregnancy"].pk,
            version=1,
            data={"provider": "Clinic"},
        )


# --- R-HLT-1 ------------------------------------------------------------------------------


def clear_health(world, case, decision="return"):
    medic = world.user("medical_officer")
    sign(case, "fitness_to_travel", by=medic)
    sign(case, "medical_questionnaire", by=medic)
    consent(case, "medical_data_sharing", by=medic)
    return procedures.health_assessment_save(
        actor=medic,
        case_id=case.pk,
        version=None,
        data={"treatment_at_origin": "available", "decision": decision},
    )


def test_r_hlt_1_health_needs_block_registration_until_cleared(world):
    case = ready_case(world, categories=["chronic_illness"])
    medical_reasons = blocked_reasons(world, case, role="medical_officer")
    assert "The medical decision is pending." in medical_reasons
    assert "No consent to share medical data with third parties." in medical_reasons
    assert any("Fitness to travel" in r for r in medical_reasons)
    counsellor_reasons = blocked_reasons(world, case)
    assert not any("medical" in r.lower() for r in counsellor_reasons)
    assert any("confidential special procedure" in r for r in counsellor_reasons)
    clear_health(world, case)
    assert register(world, case).phase == Phase.REGISTERED


def test_r_hlt_1_do_not_return_and_relocation_need_their_details(world):
    case = ready_case(world, categories=["medical_condition"])
    record = clear_health(world, case, decision="do_not_return")
    assert any("do not return" in r for r in blocked_reasons(world, case, "medical_officer"))
    medic = world.user("medical_officer")
    with pytest.raises(ValidationFailed) as exc:
        procedures.health_assessment_save(
            actor=medic, case_id=case.pk, version=record.version, data={"decision": "relocate"}
        )
    assert "relocation_area" in exc.value.field_errors
    with pytest.raises(NotFound):
        procedures.health_assessment_save(
            actor=world.user("counsellor"), case_id=case.pk, version=None, data={}
        )


def test_r_hlt_1_booking_is_blocked_again_if_the_decision_changes(world):
    case = ready_case(world, categories=["mental_health"])
    record = clear_health(world, case)
    register(world, case)
    case_transition(
        actor=world.user("movement_officer"), case_id=case.pk, action="start_pre_departure"
    )
    procedures.health_assessment_save(
        actor=world.user("medical_officer"),
        case_id=case.pk,
        version=record.version,
        data={"decision": "do_not_return"},
    )
    with pytest.raises(TransitionBlocked) as exc:
        case_transition(actor=world.user("movement_officer"), case_id=case.pk, action="book_travel")
    assert any("confidential" in r for r in exc.value.reasons)


# --- R-UMC-1, R-UMC-2 ---------------------------------------------------------------------


def test_r_umc_1_unaccompanied_child_needs_every_condition(world):
    case = ready_case(world, categories=["umc"])
    reasons = blocked_reasons(world, case)
    assert "Family assessment not completed." in reasons
    assert any("UMC consent for family tracing" in r for r in reasons)
    counsellor = world.user("counsellor")
    procedures.child_protection_save(
        actor=counsellor,
        case_id=case.pk,
        version=None,
        data={
            "guardian_confirmed_host": True,
            "guardian_confirmed_origin": True,
            "family_assessment_on": TODAY,
            "best_interests": "return",
            "best_interests_on": TODAY,
            "child_willing": True,
        },
    )
    for kind in (
        "umc_declaration_host",
        "umc_declaration_origin",
        "family_tracing_consent",
        "guardian_travel_consent",
    ):
        sign(case, kind, by=counsellor, signatory="guardian")
    assert register(world, case).phase == Phase.REGISTERED


def test_r_umc_2_child_with_one_parent_needs_the_one_parent_declaration(world):
    case = ready_case(world)
    person = case.person
    person.date_of_birth = TODAY.replace(year=2016)
    person.save()
    counsellor = world.user("counsellor")
    services.case_profile_save(
        actor=counsellor, case_id=case.pk, version=None, data={"returns_with_one_parent": True}
    )
    guardian = procedures.guardian_record(
        actor=counsellor,
        case_id=case.pk,
        data={"reason": "minor", "name": "Fatou Diallo", "relationship": "mother"},
    )
    procedures.guardian_confirm_identity(
        actor=counsellor, guardian_id=guardian.pk, version=guardian.version
    )
    sign(case, "voluntary_return_declaration", by=counsellor, signatory="parent")
    services_check_again(case, counsellor)
    assert any("one parent" in r for r in blocked_reasons(world, case))
    sign(case, "one_parent_declaration", by=counsellor, signatory="parent")
    assert register(world, case).phase == Phase.REGISTERED


def services_check_again(case, actor):
    """The person changed (date of birth): the duplicate check must be run again."""
    from homeward.registration.models import DuplicateCheck

    DuplicateCheck.objects.create(case=case, checked_by=actor, candidates=[])


# --- R-VOT-1, R-VOT-2, R-VOT-3 ------------------------------------------------------------


def test_r_vot_1_victims_need_interview_and_safe_risk_assessment(world):
    case = ready_case(world, categories=["trafficking"])
    avm = world.user("avm_focal_point")
    assert "The screening interview is not recorded." in blocked_reasons(
        world, case, "avm_focal_point"
    )
    with pytest.raises(ValidationFailed) as exc:
        procedures.protection_assessment_save(
            actor=avm, case_id=case.pk, version=None, data={"outcome": "safe"}
        )
    assert {"interviewed_on", "risk_level"} <= set(exc.value.field_errors)
    procedures.protection_assessment_save(
        actor=avm,
        case_id=case.pk,
        version=None,
        data={"interviewed_on": TODAY, "risk_level": "low", "outcome": "safe"},
    )
    assert register(world, case).phase == Phase.REGISTERED


def test_r_vot_1_unsafe_return_is_declined(world):
    case = ready_case(world, categories=["gbv"])
    procedures.protection_assessment_save(
        actor=world.user("avm_focal_point"),
        case_id=case.pk,
        version=None,
        data={"interviewed_on": TODAY, "risk_level": "high", "outcome": "unsafe"},
    )
    case.refresh_from_db()
    assert case.phase == Phase.DECLINED_UNSAFE
    event = case.events.first()
    assert "trafficking" not in event.reason.lower()


def test_r_vot_2_victim_may_return_to_a_community_of_choice(world):
    case = ready_case(world, categories=["trafficking"])
    home = AdminArea.objects.create(country_id="SN", code="SN-DK", name="Dakar")
    chosen = AdminArea.objects.create(country_id="SN", code="SN-TH", name="Thiès")
    case.intended_return_area = home
    case.save()
    procedures.protection_assessment_save(
        actor=world.user("avm_focal_point"),
        case_id=case.pk,
        version=None,
        data={"community_of_choice": chosen},
    )
    case.refresh_from_db()
    assert case.intended_return_area == chosen
    abroad = AdminArea.objects.create(country_id="GN", code="GN-C", name="Conakry")
    with pytest.raises(ValidationFailed) as exc:
        procedures.protection_assessment_save(
            actor=world.user("avm_focal_point"),
            case_id=case.pk,
            version=case.protection.version,
            data={"community_of_choice": abroad},
        )
    assert "community_of_choice" in exc.value.field_errors


def test_r_vot_3_protection_detail_only_for_avm_focal_points(world):
    case = ready_case(world, categories=["trafficking"])
    for role in ("counsellor", "case_manager", "medical_officer", "movement_officer"):
        user = world.user(role, "niamey")
        with pytest.raises(NotFound):
            procedures.protection_assessment_save(
                actor=user, case_id=case.pk, version=None, data={"risk_level": "low"}
            )
        keys = {item.key for item in registration_checklist(user, case)}
        assert "protection" not in keys and "confidential" in keys
        for option in transition_options(user, case):
            assert not any("trafficking" in str(r).lower() for r in option.reasons)
    keys = {item.key for item in registration_checklist(world.user("avm_focal_point"), case)}
    assert "protection" in keys


# --- Programme coverage -------------------------------------------------------------------


def test_registration_needs_the_programme_to_cover_both_countries(world):
    case = ready_case(world)
    CountryAction.objects.filter(programme=case.programme, country_id="NE").delete()
    assert any("does not cover" in r for r in blocked_reasons(world, case))


def test_every_unmet_reason_is_listed_at_once(world):
    case = world.case(phase=Phase.COUNSELLING)
    reasons = blocked_reasons(world, case)
    assert len(reasons) >= 4


# --- R-DUP-1 ------------------------------------------------------------------------------


def earlier_registration(world, case):
    """Someone registered before in another office under a transliterated spelling, with the
    same date of birth, who already returned under the same programme."""
    from homeward.testing.factories import make_case, make_person

    person = case.person
    name = person.names.first()
    earlier = make_person(
        world.rabat,
        given=name.given_names.replace("Aïssatou", "Aissatou"),
        family=name.family_name,
        date_of_birth=person.date_of_birth,
    )
    return make_case(
        person=earlier,
        programme=case.programme,
        host=world.rabat,
        origin=world.dakar,
        phase=Phase.ARRIVED,
    )


def test_r_dup_1_registration_needs_a_current_check_and_a_decision_on_each_likely_match(world):
    from homeward.registration.duplicate_services import duplicate_decide, duplicates_check

    case = ready_case(world)
    earlier = earlier_registration(world, case)
    counsellor = world.user("counsellor")
    case.person.save()  # the person changed after the check
    assert any("Run the duplicate check" in r for r in blocked_reasons(world, case))
    check = duplicates_check(actor=counsellor, case_id=case.pk)
    match = next(c for c in check.candidates if c["person_id"] == str(earlier.person_id))
    assert match["likely"]
    assert any(p["same_programme"] and p["received_avrr"] for p in match["prior_cases"])
    assert any("likely duplicate" in r for r in blocked_reasons(world, case))
    with pytest.raises(ValidationFailed) as exc:
        duplicate_decide(
            actor=counsellor,
            case_id=case.pk,
            candidate_id=earlier.person_id,
            verdict="continue",
            justification=" ",
        )
    assert "justification" in exc.value.field_errors
    duplicate_decide(
        actor=counsellor,
        case_id=case.pk,
        candidate_id=earlier.person_id,
        verdict="refuse",
        justification="Returned in 2025 under this programme.",
    )
    assert any("Renewed assistance refused" in r for r in blocked_reasons(world, case))
    duplicate_decide(
        actor=counsellor,
        case_id=case.pk,
        candidate_id=earlier.person_id,
        verdict="continue",
        justification="Family emergency: programme manager approved renewed assistance.",
    )
    assert register(world, case).phase == Phase.REGISTERED


def test_r_dup_1_decisions_only_on_listed_candidates_and_by_allowed_roles(world):
    import datetime

    from homeward.core.errors import PermissionDenied
    from homeward.registration.duplicate_services import duplicate_decide, duplicates_check
    from homeward.testing.factories import make_person

    case = ready_case(world)
    stranger = make_person(world.niamey, "Kofi", "Mensah", date_of_birth=datetime.date(1970, 1, 1))
    duplicates_check(actor=world.user("counsellor"), case_id=case.pk)
    with pytest.raises(ValidationFailed) as exc:
        duplicate_decide(
            actor=world.user("counsellor"),
            case_id=case.pk,
            candidate_id=stranger.pk,
            verdict="not_same",
            justification="x",
        )
    assert "candidate" in exc.value.field_errors
    with pytest.raises(PermissionDenied):
        duplicate_decide(
            actor=world.user("movement_officer"),
            case_id=case.pk,
            candidate_id=stranger.pk,
            verdict="not_same",
            justification="x",
        )
