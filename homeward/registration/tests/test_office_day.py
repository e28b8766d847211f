"""Days recorded on a case (sessions, screenings, referrals) are checked against the acting
office's day, not the server's (UTC)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from homeward.cases.models import Phase
from homeward.core.errors import ValidationFailed
from homeward.registration import procedures, services

from .helpers import ready_case, speaks


def _session(held_on: datetime.date) -> dict:
    return {
        "kind": "return",
        "held_on": held_on,
        "place": "Niamey office",
        "mode": "in_person",
        "language": "fr",
    }


def test_r_cns_1_a_session_held_today_at_the_host_office_is_not_in_the_future(world):
    case = world.case(phase=Phase.COUNSELLING)  # hosted in Niamey, UTC+1
    speaks(case.person, "fr")
    counsellor = world.user("counsellor", "niamey")
    # 23:30 UTC: already tomorrow in Niamey.
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    niamey_day = late.date() + datetime.timedelta(days=1)
    with time_machine.travel(late, tick=True):
        session = services.counselling_session_record(
            actor=counsellor, case_id=case.pk, data=_session(niamey_day)
        )
        with pytest.raises(ValidationFailed) as exc:
            services.counselling_session_record(
                actor=counsellor,
                case_id=case.pk,
                data=_session(niamey_day + datetime.timedelta(days=1)),
            )
    assert session.held_on == niamey_day
    assert exc.value.field_errors["held_on"] == ["This date is in the future."]


def test_r_umc_1_assessment_days_count_in_the_host_offices_day(world):
    case = ready_case(world, categories=["umc"])
    counsellor = world.user("counsellor")
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    niamey_day = late.date() + datetime.timedelta(days=1)
    data = {"family_assessment_on": niamey_day, "best_interests_on": niamey_day}
    with time_machine.travel(late, tick=True):
        with pytest.raises(ValidationFailed) as exc:
            procedures.child_protection_save(
                actor=counsellor,
                case_id=case.pk,
                version=None,
                data={**data, "best_interests_on": niamey_day + datetime.timedelta(days=1)},
            )
        record = procedures.child_protection_save(
            actor=counsellor, case_id=case.pk, version=None, data=data
        )
    assert exc.value.field_errors["best_interests_on"] == ["This date is in the future."]
    assert record.family_assessment_on == niamey_day
