"""R-ARR-3: a notification list is checked against the importing office's day, not the
server's (UTC), and the ages it gives are estimated on that day."""

import datetime

import time_machine
from django.utils import timezone

from homeward.cases.models import Case
from homeward.movements import import_services
from homeward.movements.import_services import import_check, import_start
from homeward.movements.models import ImportStatus

from . import lists


def _row(*, flight: datetime.date, birth: str = "", age: str = "30") -> dict:
    row = lists.rows(1)[0]
    row.update({"Flight date": flight.isoformat(), "Date of birth": birth, "Age": age})
    return row


def _target(world):
    return {
        "actor": world.user("reception_officer", "dakar"),
        "office": world.dakar,
        "programme": world.programme,
        "scheme": "forced",
    }


def test_r_arr_3_dates_are_checked_against_the_importing_offices_day(world):
    lists.ensure_areas()
    world.dakar.time_zone = "Africa/Lagos"  # UTC+1 all year
    world.dakar.save()
    # 23:30 UTC: already tomorrow at the office.
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    office_day = late.date() + datetime.timedelta(days=1)
    born_tomorrow = (office_day + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    content = lists.as_csv(
        [_row(flight=office_day), _row(flight=office_day, birth=born_tomorrow, age="")]
    )
    with time_machine.travel(late, tick=True):
        check = import_check(**_target(world), content=content, file_name="list.csv")
        assert [r.number for r in check.to_import] == [2]  # the first row after the header
        (refused,) = check.invalid
        assert "The date of birth is in the future." in refused.errors["date_of_birth"]
        batch = import_start(**_target(world), content=content, file_name="list.csv")
    assert batch.status == ImportStatus.DONE
    case = Case.objects.select_related("person", "notification").get()
    assert case.notification.flight_date == office_day
    assert case.person.estimated_age == 30
    assert case.person.age_estimated_on == office_day


def test_r_arr_3_the_dry_runs_check_is_kept_for_the_offices_day_only(world, monkeypatch):
    lists.ensure_areas()
    world.dakar.time_zone = "Africa/Lagos"
    world.dakar.save()
    content = lists.as_csv([_row(flight=datetime.date(2026, 2, 14))])
    evening = timezone.now().replace(hour=22, minute=50, second=0, microsecond=0)
    with time_machine.travel(evening, tick=True):
        import_check(**_target(world), content=content, file_name="list.csv")
    checked_again = []
    real_check = import_services._check

    def counted_check(*args, **kwargs):
        checked_again.append(1)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(import_services, "_check", counted_check)
    with time_machine.travel(evening + datetime.timedelta(minutes=5), tick=True):
        import_check(**_target(world), content=content, file_name="list.csv")
    assert checked_again == []  # 23:55 at the office: the same day, the kept check
    with time_machine.travel(evening + datetime.timedelta(minutes=15), tick=True):
        import_check(**_target(world), content=content, file_name="list.csv")
    assert checked_again == [1]  # 00:05 at the office: a new day, checked again


def test_r_arr_3_references_carry_the_year_it_is_at_the_importing_office(world):
    lists.ensure_areas()
    world.dakar.time_zone = "Africa/Lagos"  # UTC+1: New Year's Day at 23:30 UTC
    world.dakar.save()
    new_years_eve = timezone.now().replace(month=12, day=31, hour=23, minute=30, second=0)
    content = lists.as_csv([_row(flight=datetime.date(2026, 2, 14))])
    with time_machine.travel(new_years_eve, tick=True):
        import_start(**_target(world), content=content, file_name="list.csv")
    assert Case.objects.get().reference.startswith(f"SN-{new_years_eve.year + 1}-")
