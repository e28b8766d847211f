"""Phase-1 reads: scoped to the actor's offices and field groups, in a fixed number of queries."""

import pytest

from homeward.cases.models import Case, Phase
from homeward.core.errors import NotFound
from homeward.registration import procedures, selectors, services
from homeward.registration.models import DuplicateCheck, DuplicateDecision, Referral

from .helpers import TODAY, ready_case

pytestmark = pytest.mark.django_db


def test_case_for_finds_by_reference_in_the_users_offices_only(world):
    case = world.case()
    elsewhere = world.case(host=world.rabat, origin=world.conakry)
    counsellor = world.user("counsellor")
    assert selectors.case_for(counsellor, reference=case.reference.lower()) == case
    for reference in (elsewhere.reference, "SN-2026-999999", "'; drop"):
        with pytest.raises(NotFound, match="Case not found."):
            selectors.case_for(counsellor, reference=reference)


def test_reads_of_another_offices_case_are_not_found(world):
    case = ready_case(world)
    stranger = world.user("counsellor", "rabat")
    for read in (
        selectors.sessions_for,
        selectors.profile_for,
        selectors.asylum_referrals_for,
        selectors.screenings_for,
        selectors.referrals_for,
        selectors.guardians_for,
        selectors.office_vulnerabilities_for,
        selectors.registration_status_for,
        selectors.health_for,
        selectors.protection_for,
        selectors.child_protection_for,
    ):
        with pytest.raises(NotFound):
            read(stranger, case)


def test_r_vot_3_screenings_hold_only_findings_of_readable_groups(world):
    case = ready_case(world, categories=["elderly", "trafficking", "chronic_illness", "gbv"])

    def findings(role):
        [screening] = selectors.screenings_for(world.user(role), case)
        single = selectors.screening_get_for(world.user(role), screening_id=screening.pk)
        categories = {f.category for f in screening.readable_findings}
        assert {f.category for f in single.readable_findings} == categories
        return categories

    assert findings("counsellor") == {"elderly"}
    assert findings("movement_officer") == {"elderly"}
    assert findings("case_manager") == {"elderly"}
    assert findings("avm_focal_point") == {"elderly", "trafficking", "gbv"}
    assert findings("medical_officer") == {"elderly", "chronic_illness"}


def test_r_vot_3_referrals_only_of_readable_groups(world):
    case = ready_case(world, categories=["disability", "trafficking", "pregnancy"])

    def categories(role):
        return {r.category for r in selectors.referrals_for(world.user(role), case)}

    assert categories("counsellor") == {"disability"}
    assert categories("case_manager") == {"disability"}
    assert categories("avm_focal_point") == {"disability", "trafficking"}
    assert categories("medical_officer") == {"disability", "pregnancy"}
    pregnancy = Referral.objects.get(case=case, category="pregnancy")
    with pytest.raises(NotFound, match="Referral not found."):
        selectors.referral_get_for(world.user("counsellor"), referral_id=pregnancy.pk)
    assert selectors.referral_get_for(world.user("medical_officer"), referral_id=pregnancy.pk)
    with pytest.raises(NotFound):
        selectors.referral_get_for(world.user("counsellor"), referral_id="not-a-uuid")


def test_r_hlt_1_health_record_only_for_medical_readers(world):
    case = ready_case(world, categories=["chronic_illness"])
    medic = world.user("medical_officer")
    assert selectors.health_for(medic, case) is None
    record = procedures.health_assessment_save(
        actor=medic, case_id=case.pk, version=None, data={"treatment_at_origin": "available"}
    )
    assert selectors.health_for(medic, case) == record
    assert selectors.group_readable(medic, case, "medical")
    for role in ("counsellor", "case_manager", "avm_focal_point", "movement_officer"):
        assert selectors.health_for(world.user(role), case) is None
        assert not selectors.group_readable(world.user(role), case, "medical")


def test_r_vot_3_protection_record_for_avm_and_the_consented_case_manager(world):
    case = ready_case(world, categories=["trafficking"])
    avm = world.user("avm_focal_point")
    record = procedures.protection_assessment_save(
        actor=avm, case_id=case.pk, version=None, data={"risk_level": "low"}
    )
    assert selectors.protection_for(avm, case) == record
    manager = world.user("case_manager")
    for role in ("counsellor", "case_manager", "medical_officer", "movement_officer"):
        assert selectors.protection_for(world.user(role), case) is None
    Case.objects.filter(pk=case.pk).update(
        assigned_to=manager, protection_shared_with_assignee=True
    )
    case.refresh_from_db()
    assert selectors.protection_for(manager, case) == record


def test_r_umc_1_child_protection_for_readers_of_the_vulnerability_group(world):
    case = ready_case(world, categories=["umc"])
    record = procedures.child_protection_save(
        actor=world.user("counsellor"), case_id=case.pk, version=None, data={"notes": "x"}
    )
    assert selectors.child_protection_for(world.user("movement_officer"), case) == record
    assert selectors.child_protection_for(world.user("committee_member"), case) is None


def test_records_by_id_are_not_found_outside_the_users_offices(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    stranger = world.user("counsellor", "rabat")
    referral = services.asylum_referral_record(
        actor=counsellor, case_id=case.pk, data={"referred_on": TODAY}
    )
    guardian = procedures.guardian_record(
        actor=counsellor,
        case_id=case.pk,
        data={"reason": "capacity", "name": "Moussa Diallo", "relationship": "brother"},
    )
    [screening] = case.screenings.all()
    assert selectors.asylum_referral_get_for(counsellor, referral_id=referral.pk) == referral
    assert selectors.guardian_get_for(counsellor, guardian_id=guardian.pk) == guardian
    for read, key, value in (
        (selectors.asylum_referral_get_for, "referral_id", referral.pk),
        (selectors.guardian_get_for, "guardian_id", guardian.pk),
        (selectors.screening_get_for, "screening_id", screening.pk),
    ):
        with pytest.raises(NotFound):
            read(stranger, **{key: value})
        with pytest.raises(NotFound):
            read(counsellor, **{key: "nope"})


def test_latest_duplicate_check_and_decisions(world):
    case = ready_case(world)
    counsellor = world.user("counsellor")
    person = world.case(host=world.rabat, origin=world.conakry).person
    latest = DuplicateCheck.objects.create(case=case, checked_by=counsellor, candidates=[])
    assert selectors.latest_duplicate_check(case) == latest
    decision = DuplicateDecision.objects.create(
        case=case, candidate=person, verdict="not_same", justification="x", decided_by=counsellor
    )
    assert selectors.duplicate_decisions_for(case) == [decision]
    assert selectors.can_decide_duplicates(counsellor, case)
    assert not selectors.can_decide_duplicates(world.user("movement_officer"), case)


def test_registration_status_says_who_may_register_now(world):
    case = ready_case(world)
    status = selectors.registration_status_for(world.user("counsellor"), case)
    assert status.can_register and status.reasons == []
    assert not selectors.registration_status_for(world.user("movement_officer"), case).can_register
    blocked = world.case(phase=Phase.COUNSELLING)
    status = selectors.registration_status_for(world.user("counsellor"), blocked)
    assert not status.can_register
    assert "No return counselling session is recorded." in status.reasons
    Case.objects.filter(pk=case.pk).update(phase=Phase.IDENTIFIED)
    case.refresh_from_db()
    assert not selectors.registration_status_for(world.user("counsellor"), case).can_register


def test_list_reads_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    case = ready_case(world, categories=["elderly", "disability", "trafficking"])
    counsellor = world.user("counsellor")
    for _ in range(5):
        services.screening_record(
            actor=counsellor,
            case_id=case.pk,
            data={
                "stage": "later",
                "screened_on": TODAY,
                "capacity": "able",
                "categories": ["elderly", "disability"],
            },
        )
        services.counselling_session_record(
            actor=counsellor,
            case_id=case.pk,
            data={
                "kind": "return",
                "held_on": TODAY,
                "place": "Office",
                "mode": "phone",
                "language": "fr",
            },
        )
    case = selectors.case_for(counsellor, reference=case.reference)
    with django_assert_num_queries(2):
        screenings = selectors.screenings_for(counsellor, case)
        assert sum(len(s.readable_findings) for s in screenings) == 12
    with django_assert_num_queries(1):
        sessions = selectors.sessions_for(counsellor, case)
        assert len(sessions) == 6 and all(s.counsellor.username for s in sessions)
