"""R-TRV-3, R-TRV-4: the Advance Booking Notification, its deadlines on the offices'
calendars (weekends, public holidays, closures), its answer, its copies (R-VOT-3)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from homeward.accounts.models import OfficeClosure
from homeward.cases.models import VulnerabilityFlag
from homeward.core.deadlines import DeadlineStatus
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed
from homeward.movements import selectors, services
from homeward.movements.models import AbnStatus, Movement

from .travel import book, booked_case, discuss, movement, ready_case

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(monkeypatch, *args):
    moment = datetime.datetime(*args, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def movement_on(world, day: datetime.date) -> Movement:
    return Movement.objects.create(
        host_office=world.niamey,
        origin_office=world.dakar,
        means="flight",
        departs_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=UTC),
        departure_place="Niamey",
        arrival_place="Dakar",
        luggage_allowance="23 kg",
        created_by=world.user("movement_officer"),
    )


def send(world, mv):
    return services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)


def answer(world, abn, confirm=True, message=""):
    abn.refresh_from_db()
    return services.abn_respond(
        actor=world.user("reception_officer", "dakar"),
        abn_id=abn.pk,
        version=abn.version,
        confirm=confirm,
        message=message,
    )


def test_r_trv_3_send_date_skips_weekend_and_niger_national_day(world, monkeypatch):
    # Thursday 24 December 2026; Friday 18 December is Niger's national day.
    mv = movement_on(world, datetime.date(2026, 12, 24))
    at(monkeypatch, 2026, 12, 16, 9)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    assert abn.send_due == datetime.date(2026, 12, 16)  # 17 without the holiday
    assert abn.sent_late is False


def test_r_trv_3_sending_after_the_date_is_allowed_but_flagged_late(world, monkeypatch):
    mv = movement_on(world, datetime.date(2026, 12, 24))
    at(monkeypatch, 2026, 12, 17, 9)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    assert abn.sent_late is True
    assert abn.status == AbnStatus.SENT


def test_r_trv_3_office_closure_moves_the_send_date(world, monkeypatch):
    OfficeClosure.objects.create(
        office=world.niamey,
        starts_on=datetime.date(2026, 12, 14),
        ends_on=datetime.date(2026, 12, 16),
        reason="Retreat",
    )
    mv = movement_on(world, datetime.date(2026, 12, 24))
    at(monkeypatch, 2026, 12, 10, 9)
    book(world, mv, ready_case(world))
    # 23, 22, 21, 17 and (closed 14–16) Friday 11.
    assert send(world, mv).send_due == datetime.date(2026, 12, 11)


def test_r_trv_3_no_abn_without_bookings(world):
    with pytest.raises(ValidationFailed):
        send(world, movement(world))


def test_r_trv_3_abn_holds_every_item_and_is_mailed_on_commit(
    world, django_capture_on_commit_callbacks
):
    world.dakar.email = "dakar@example.org"
    world.dakar.save()
    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    book(
        world,
        mv,
        case,
        needs_airport_assistance=True,
        needs_onward_transport=True,
        needs_temporary_shelter=True,
        final_destination="Thiès",
        assistance_notes="Pocket money paid",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        abn = send(world, mv)
    content = abn.content
    assert content["migrants"] == 1
    assert content["means"] == "flight" and content["luggage_allowance"]
    row = content["returnees"][0]
    assert row["reference"] == case.reference
    assert row["final_destination"] == "Thiès"
    assert row["airport_assistance"] and row["onward_transport"] and row["temporary_shelter"]
    assert row["vulnerabilities"] == ["elderly"] and row["special_attention"]
    assert row["assistance"] == "Pocket money paid"
    assert "legs" in content and "large_scale" in content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dakar@example.org"]


def test_r_trv_3_no_mail_when_the_send_rolls_back(world, django_capture_on_commit_callbacks):
    world.dakar.email = "dakar@example.org"
    world.dakar.save()
    mv = movement(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        send(world, mv)
    assert mail.outbox == []


def test_r_trv_4_friday_receipt_is_due_monday(world, monkeypatch):
    mv = movement_on(world, datetime.date(2026, 12, 31))
    at(monkeypatch, 2026, 12, 11, 16)  # Friday afternoon
    book(world, mv, ready_case(world))
    assert send(world, mv).confirmation_due == datetime.date(2026, 12, 14)


def test_r_trv_4_christmas_and_weekend_in_dakar(world, monkeypatch):
    mv = movement_on(world, datetime.date(2027, 1, 8))
    at(monkeypatch, 2026, 12, 24, 15)  # Thursday; Friday 25 is a holiday in Senegal
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    assert abn.confirmation_due == datetime.date(2026, 12, 28)
    at(monkeypatch, 2026, 12, 28, 17)
    assert answer(world, abn).responded_late is False


def test_r_trv_4_late_confirmation_is_flagged(world, monkeypatch):
    mv = movement_on(world, datetime.date(2027, 1, 8))
    at(monkeypatch, 2026, 12, 24, 15)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    at(monkeypatch, 2026, 12, 29, 9)
    rows = selectors.abn_inbox_for(world.user("reception_officer", "dakar"))
    assert rows[0].status == DeadlineStatus.OVERDUE
    abn = answer(world, abn)
    assert abn.status == AbnStatus.CONFIRMED and abn.responded_late is True
    rows = selectors.abn_inbox_for(world.user("reception_officer", "dakar"))
    assert rows[0].status == DeadlineStatus.LATE


def test_r_trv_4_only_the_origin_office_answers_and_a_query_needs_a_message(world):
    mv = movement(world)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    with pytest.raises(PermissionDenied):
        services.abn_respond(
            actor=world.user("movement_officer"), abn_id=abn.pk, version=abn.version, confirm=True
        )
    with pytest.raises(NotFound):
        services.abn_respond(
            actor=world.user("reception_officer", "conakry"),
            abn_id=abn.pk,
            version=abn.version,
            confirm=True,
        )
    with pytest.raises(ValidationFailed):
        answer(world, abn, confirm=False)
    assert answer(world, abn, confirm=False, message="Flight time?").status == AbnStatus.QUERIED
    assert answer(world, abn).status == AbnStatus.CONFIRMED
    with pytest.raises(ValidationFailed):
        answer(world, abn)


def test_r_vot_3_protection_detail_only_in_the_avm_focal_points_copy(world):
    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="trafficking", note="Recruiter in Thiès")
    book(world, mv, case)
    abn = send(world, mv)
    assert "Recruiter" not in str(abn.content)
    general = selectors.abn_copy_for(world.user("reception_officer", "dakar"), abn_id=abn.pk)
    assert general.protection == {} and general.can_answer
    focal = selectors.abn_copy_for(world.user("avm_focal_point", "dakar"), abn_id=abn.pk)
    assert focal.protection[case.reference][0]["note"] == "Recruiter in Thiès"
    assert not focal.can_answer
    assert "Recruiter" not in str(general.content)
    # A returnee's special attention shows without the category.
    assert abn.content["returnees"][0]["special_attention"]
    assert abn.content["returnees"][0]["vulnerabilities"] == []


def test_abn_invisible_to_other_offices(world):
    mv = movement(world)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    with pytest.raises(NotFound):
        selectors.abn_copy_for(world.user("reception_officer", "conakry"), abn_id=abn.pk)


def test_inbox_and_board_query_counts(world, django_assert_max_num_queries):
    mv = movement(world)
    for _ in range(3):
        case = ready_case(world)
        VulnerabilityFlag.objects.create(case=case, category="elderly")
        book(world, mv, case)
    send(world, mv)
    officer = world.user("movement_officer")
    with django_assert_max_num_queries(12):
        board = selectors.movement_board(officer, movement_id=mv.pk)
    assert len(board.rows) == 3 and all(r.travel_document for r in board.rows)
    assert all(r.abn == AbnStatus.SENT and not r.ready for r in board.rows)
    for _ in range(3):
        book(world, mv, ready_case(world))
    with django_assert_max_num_queries(12):
        board = selectors.movement_board(officer, movement_id=mv.pk)
    assert len(board.rows) == 6
    reception = world.user("reception_officer", "dakar")
    with django_assert_max_num_queries(4):
        rows = selectors.abn_inbox_for(reception)
    assert len(rows) == 1


def test_worklists_of_both_offices(world):
    mv = movement(world)
    book(world, mv, ready_case(world))
    items = selectors.worklist_for(world.user("movement_officer"))
    assert [i.kind for i in items] == ["send_abn"]
    send(world, mv)
    assert selectors.worklist_for(world.user("movement_officer")) == []
    items = selectors.worklist_for(world.user("reception_officer", "dakar"))
    assert [i.kind for i in items] == ["answer_abn"]


def test_board_shows_a_ready_case(world):
    booking = booked_case(world)
    board = selectors.movement_board(
        world.user("movement_officer"), movement_id=booking.movement_id
    )
    assert not board.rows[0].ready  # R-TRV-8: the final discussion is part of readiness
    discuss(world, booking)
    board = selectors.movement_board(
        world.user("movement_officer"), movement_id=booking.movement_id
    )
    assert board.rows[0].ready


def test_r_trv_11_transit_office_sees_the_request_on_its_worklist(world):
    from homeward.accounts.roles import Role
    from homeward.testing.factories import OfficeFactory, user_with_role

    bamako = OfficeFactory(code="BKO", name="Bamako", country_id="ML", is_transit=True)
    staff = user_with_role(Role.MOVEMENT_OFFICER, bamako, username="mo_bamako")
    mv = movement(
        world,
        legs=[
            {"from_place": "Niamey", "to_place": "Bamako", "transit_office_id": bamako.pk},
            {"from_place": "Bamako", "to_place": "Dakar"},
        ],
    )
    book(world, mv, ready_case(world))
    assert selectors.worklist_for(staff) == []
    send(world, mv)
    items = selectors.worklist_for(staff)
    assert [i.kind for i in items] == ["transit_assistance"]


def test_movement_list_page_query_count(world, client, django_assert_max_num_queries):
    from django.urls import reverse

    for _ in range(3):
        mv = movement(world)
        book(world, mv, ready_case(world))
    client.force_login(world.user("movement_officer"))
    with django_assert_max_num_queries(16):
        page = client.get(reverse("web:movement_list"))
    assert page.status_code == 200 and page.content.count(b'data-deadline="due"') == 3


def test_queried_abn_is_answered_in_time_and_goes_back_to_the_host_worklist(world):
    mv = movement(world)
    book(world, mv, ready_case(world))
    abn = send(world, mv)
    answer(world, abn, confirm=False, message="Which terminal?")
    rows = selectors.abn_inbox_for(world.user("reception_officer", "dakar"))
    assert rows[0].status == DeadlineStatus.DONE
    items = selectors.worklist_for(world.user("movement_officer"))
    assert [i.kind for i in items] == ["answer_query"]
    send(world, mv)
    assert selectors.worklist_for(world.user("movement_officer")) == []


def test_r_vot_3_gbv_detail_reaches_gbv_readers_and_the_audit_is_restricted(world):
    from homeward.audit.models import AuditEvent

    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="gbv", note="Shelter needed")
    book(world, mv, case)
    abn = send(world, mv)
    assert (
        selectors.abn_copy_for(world.user("case_manager", "dakar"), abn_id=abn.pk).protection == {}
    )
    focal = selectors.abn_copy_for(world.user("avm_focal_point", "dakar"), abn_id=abn.pk)
    assert focal.protection[case.reference][0]["group"] == "gbv"
    views = AuditEvent.objects.filter(object_id=str(abn.pk), action="view")
    assert sorted(v.restricted_group for v in views) == ["", "gbv"]
