"""Office calendars: closures and weekend overrides stored per office, read in one query."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from homeward.accounts.models import OfficeClosure, Weekend
from homeward.accounts.selectors import calendar_for, calendars_for
from homeward.core.deadlines import abn_latest_send_date, coo_confirmation_due
from homeward.core.working_days import WEEKEND_PATTERNS, Calendar, is_working_day


def d(text: str) -> date:
    return date.fromisoformat(text)


def close(office, first: str, last: str | None = None, reason: str = "Office retreat"):
    return OfficeClosure.objects.create(
        office=office, starts_on=d(first), ends_on=d(last or first), reason=reason
    )


def test_weekend_choices_are_the_core_patterns():
    assert set(Weekend.values) == set(WEEKEND_PATTERNS)


def test_calendar_of_an_office_without_closures_is_its_countrys(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = calendar_for(world.niamey)
    assert cal == Calendar("NE")
    assert not is_working_day(d("2026-12-18"), cal)  # Niger's Republic Day


def test_calendar_includes_every_day_of_the_offices_closures(world, django_assert_num_queries):
    close(world.dakar, "2026-03-02", "2026-03-04")
    close(world.dakar, "2026-05-27", reason="Tabaski observed a day later")
    close(world.conakry, "2026-03-05")  # another office's closure does not count
    with django_assert_num_queries(1):
        cal = calendar_for(world.dakar)
    assert cal.country == "SN"
    assert cal.closed == {d("2026-03-02"), d("2026-03-03"), d("2026-03-04"), d("2026-05-27")}
    assert is_working_day(d("2026-03-05"), cal)


def test_r_trv_3_office_closure_moves_the_abn_date(world):
    # Rabat, departure Mon 9 March 2026; closed Tue 3 and Wed 4 March.
    close(world.rabat, "2026-03-03", "2026-03-04")
    assert abn_latest_send_date(d("2026-03-09"), calendar_for(world.rabat)) == d("2026-02-26")


def test_r_trv_4_office_closure_moves_the_confirmation_date(world):
    # Dakar receives an ABN on Fri 6 March 2026 and is closed on Mon 9 March.
    close(world.dakar, "2026-03-09")
    assert coo_confirmation_due(d("2026-03-06"), calendar_for(world.dakar)) == d("2026-03-10")


def test_r_trv_4_office_weekend_override(world):
    # A Dakar office working Sunday to Thursday: received Thursday, due Sunday.
    world.dakar.weekend = Weekend.FRI_SAT
    world.dakar.save()
    cal = calendar_for(world.dakar)
    assert cal.weekend == {4, 5}
    assert coo_confirmation_due(d("2026-03-05"), cal) == d("2026-03-08")


def test_calendars_for_several_offices_in_one_query(world, django_assert_num_queries):
    close(world.niamey, "2026-03-02")
    close(world.rabat, "2026-03-03")
    world.rabat.weekend = Weekend.FRI_SAT
    world.rabat.save()
    offices = [world.niamey, world.rabat, world.dakar]
    with django_assert_num_queries(1):
        cals = calendars_for(offices)
    assert cals == {
        world.niamey.pk: Calendar("NE", closed={d("2026-03-02")}),
        world.rabat.pk: Calendar("MA", weekend={4, 5}, closed={d("2026-03-03")}),
        world.dakar.pk: Calendar("SN"),
    }
    assert cals[world.rabat.pk] == calendar_for(world.rabat)


def test_closure_cannot_end_before_it_starts(world):
    closure = OfficeClosure(
        office=world.dakar, starts_on=d("2026-03-04"), ends_on=d("2026-03-02"), reason="x"
    )
    with pytest.raises(ValidationError) as caught:
        closure.full_clean()
    assert "ends_on" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        closure.save()


def test_closure_text(world):
    assert str(close(world.dakar, "2026-03-02")) == "Dakar: 2026-03-02 (Office retreat)"
    assert (
        str(close(world.dakar, "2026-03-02", "2026-03-04", reason="Move"))
        == "Dakar: 2026-03-02 – 2026-03-04 (Move)"
    )


def test_admin_edits_closures_and_weekend(world, admin_client):
    close(world.dakar, "2026-03-02")
    assert admin_client.get("/admin/accounts/officeclosure/").status_code == 200
    page = admin_client.get(f"/admin/accounts/office/{world.dakar.pk}/change/")
    assert page.status_code == 200
    assert b"closures-TOTAL_FORMS" in page.content
    assert b'name="weekend"' in page.content
    response = admin_client.post(
        "/admin/accounts/officeclosure/add/",
        {
            "office": world.niamey.pk,
            "starts_on": "2026-04-23",
            "ends_on": "2026-04-24",
            "reason": "Regional holiday",
        },
    )
    assert response.status_code == 302
    assert calendar_for(world.niamey).closed == {d("2026-04-23"), d("2026-04-24")}
    refused = admin_client.post(
        "/admin/accounts/officeclosure/add/",
        {
            "office": world.niamey.pk,
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
            "reason": "Backwards",
        },
    )
    assert refused.status_code == 200
    assert OfficeClosure.objects.filter(office=world.niamey).count() == 1
