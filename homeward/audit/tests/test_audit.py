"""R-DAT-3: the audit log is append-only and records views, changes and sign-ins."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from homeward.audit.models import AuditEvent
from homeward.audit.selectors import AuditFilters, audit_events_for
from homeward.audit.services import audit_record
from homeward.cases.models import Phase
from homeward.cases.selectors import case_get_for
from homeward.cases.services import case_viewed
from homeward.core.errors import PermissionDenied


def test_r_dat_3_case_view_is_audited(world):
    case = world.case(phase=Phase.COUNSELLING)
    user = world.user("counsellor")
    case_viewed(actor=user, case=case_get_for(user, case_id=case.pk), ip_address="10.0.0.5")
    event = AuditEvent.objects.get(action="view")
    assert (event.actor_name, event.case_reference, event.ip_address) == (
        "counsellor_niamey",
        case.reference,
        "10.0.0.5",
    )


def test_r_dat_3_model_refuses_update_and_delete(db):
    event = audit_record(actor=None, action="export", object_type="cases.case", summary="x")
    event.summary = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "x"


@pytest.mark.postgresql  # the trigger exists on PostgreSQL, the production database
def test_r_dat_3_postgresql_refuses_update_and_delete_at_database_level(db):
    event = audit_record(actor=None, action="export", object_type="cases.case", summary="kept")
    for statement in (
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, summary="kept").exists()
    # Bulk paths that bypass the model are refused too.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="bulk")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_audit_log_only_for_auditors(world):
    with pytest.raises(PermissionDenied):
        audit_events_for(world.user("counsellor"))
    assert audit_events_for(world.user("auditor")) is not None


def test_audit_filters(world):
    audit_record(
        actor=world.user("counsellor"),
        action="view",
        object_type="cases.case",
        case_reference="SN-2026-000001",
    )
    audit_record(
        actor=world.user("case_manager", "dakar"),
        action="update",
        object_type="cases.case",
        case_reference="SN-2026-000002",
    )
    auditor = world.user("auditor")
    by_actor = audit_events_for(auditor, AuditFilters(actor="counsellor_niamey"))
    assert [e.case_reference for e in by_actor] == ["SN-2026-000001"]
    by_action = audit_events_for(auditor, AuditFilters(action="update"))
    assert [e.case_reference for e in by_action] == ["SN-2026-000002"]
    # References are written in capitals; typed in any case, with spaces around.
    by_case = audit_events_for(auditor, AuditFilters(case_reference=" sn-2026-000002 "))
    assert [e.case_reference for e in by_case] == ["SN-2026-000002"]
    today = datetime.date.today()
    assert audit_events_for(auditor, AuditFilters(date_from=today, date_to=today)).count() == 2
    tomorrow = today + datetime.timedelta(days=1)
    assert audit_events_for(auditor, AuditFilters(date_from=tomorrow)).count() == 0


def test_r_dat_2_audit_log_is_scoped_to_the_auditors_offices(world):
    from homeward.cases.services import case_viewed as viewed

    mine = world.case(phase=Phase.COUNSELLING)
    other = world.case(host=world.rabat, origin=world.conakry, phase=Phase.COUNSELLING)
    viewed(actor=world.user("counsellor"), case=mine)
    viewed(actor=world.user("counsellor", "rabat"), case=other)
    seen = {e.case_reference for e in audit_events_for(world.user("auditor", "niamey"))}
    assert mine.reference in seen
    assert other.reference not in seen


def test_r_vot_3_sensitive_flag_changes_are_redacted_for_auditors(world):
    from homeward.audit.selectors import redact_restricted
    from homeward.cases.services import case_set_flags

    case = world.case(phase=Phase.COUNSELLING)
    case_set_flags(actor=world.user("avm_focal_point"), case_id=case.pk, categories=["trafficking"])
    case_set_flags(actor=world.user("counsellor"), case_id=case.pk, categories=["elderly"])
    events = redact_restricted(world.user("auditor"), audit_events_for(world.user("auditor")))
    flag_events = [e for e in events if e.summary == "Vulnerability flags changed"]
    assert len(flag_events) == 2
    restricted = [e for e in flag_events if e.restricted]
    assert len(restricted) == 1 and restricted[0].changes == {}
    open_event = next(e for e in flag_events if not e.restricted)
    assert open_event.changes == {"flags": [[], ["elderly"]]}
    assert "trafficking" not in str([e.changes for e in events])


def test_summaries_are_stored_in_english_and_shown_in_the_readers_language(world):
    from django.utils import translation

    case = world.case(phase=Phase.COUNSELLING)
    with translation.override("fr"):
        case_viewed(actor=world.user("counsellor"), case=case)
    event = AuditEvent.objects.get(action="view")
    assert event.summary == "Case file viewed"
    with translation.override("fr"):
        assert event.summary_display != "Case file viewed"
