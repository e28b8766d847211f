"""R-ARR-3: importing the authorities' notification lists of forced and other-actor returns."""

import datetime

import pytest
from django.test import override_settings
from django.utils import translation

from homeward.audit.models import AuditEvent
from homeward.cases.models import Case, Phase
from homeward.cases.services import case_transition
from homeward.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
)
from homeward.movements import import_services
from homeward.movements.import_selectors import import_batch_get_for
from homeward.movements.import_services import import_check, import_run, import_start
from homeward.movements.imports import column_label, report_for_display
from homeward.movements.models import ImportBatch, ImportedRow, ImportStatus
from homeward.people.models import Contact, Person
from homeward.programmes.models import ReturnScheme
from homeward.registration.models import DuplicateCheck

from . import lists

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def setup(world):
    lists.ensure_areas()
    return world


def _start(world, content, *, user=None, name="list.csv", scheme="forced"):
    return import_start(
        actor=user or world.user("reception_officer", "dakar"),
        content=content,
        file_name=name,
        office=world.dakar,
        programme=world.programme,
        scheme=scheme,
    )


def _check(world, content, *, user=None, name="list.csv"):
    return import_check(
        actor=user or world.user("reception_officer", "dakar"),
        content=content,
        file_name=name,
        office=world.dakar,
        programme=world.programme,
        scheme="forced",
    )


def test_r_arr_3_rows_open_para_cases_at_arrival(setup):
    world = setup
    batch = _start(world, lists.as_csv(lists.rows(12)))
    assert batch.status == ImportStatus.DONE
    assert batch.created_cases == 12
    cases = Case.objects.filter(notification__batch=batch)
    assert cases.count() == 12
    for case in cases.select_related("intended_return_area", "notification"):
        assert case.phase == Phase.ARRIVED
        assert case.scheme == "forced"
        assert case.host_office_id is None
        assert case.origin_office_id == world.dakar.pk
        assert case.intended_return_area.country_id == "SN"
        assert case.notification.flight_date == datetime.date(2026, 2, 14)
        assert case.events.get().to_phase == Phase.ARRIVED
    # Phones are stored in E.164 with the origin country as the default region.
    phones = list(Contact.objects.values_list("value", flat=True))
    assert len(phones) == 6
    assert all(p.startswith("+22177") for p in phones)
    # No pre-departure phase is reachable (R-ARR-3): counselling is refused.
    case = cases.first()
    for action in ("start_counselling", "register"):
        with pytest.raises(TransitionBlocked):
            case_transition(actor=world.user("counsellor", "dakar"), case_id=case.pk, action=action)


def test_r_arr_3_other_actor_rows_and_origins_as_written(setup):
    world = setup
    data = lists.rows(3)
    content = lists.as_csv(data).replace(b"Authority reference", b"Scheme")
    content = content.replace(b"R-00001", b"other actor").replace(b"R-00002", b"forced")
    batch = _start(world, content)
    schemes = dict(
        ImportedRow.objects.filter(batch=batch).values_list("row_number", "case__scheme")
    )
    assert schemes == {2: "forced", 3: "other_actor", 4: "forced"}
    origins = set(ImportedRow.objects.values_list("flight_origin", flat=True))
    assert origins <= {"Libya", "LY", "Niger", "Paris CDG"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_flight_origin_is_kept_as_written_whatever_the_language(setup, language):
    # One rule for every spelling: "Libya" was turned into "LY" while "Libye" was kept.
    world = setup
    data = lists.rows(4)
    for row, origin in zip(data, ["Libya", "Libye", "LY", "Paris CDG"], strict=True):
        row["Flight origin"] = origin
    with translation.override(language):
        check = _check(world, lists.as_csv(data))
    origins = [r.values["flight_origin"] for r in check.to_import]
    assert origins == ["Libya", "Libye", "LY", "Paris CDG"]


@pytest.mark.parametrize(
    ("language", "column", "country"),
    [("en", "Flight date", "Senegal"), ("fr", "Date du vol", "Sénégal")],
)
def test_report_keeps_column_keys_and_labels_them_in_the_users_words(
    setup, language, column, country
):
    world = setup
    data = lists.rows(3)
    data[0]["Flight date"] = "14 février"
    data[1]["Area of return"] = "Atlantis"
    header = lists.HEADER if language == "en" else lists.FRENCH_HEADER
    with translation.override(language):
        check = _check(world, lists.as_csv(data, header=header))
        shown = report_for_display(check.report)
        old = report_for_display(
            [{k: v for k, v in r.items() if k != "headers"} for r in check.report]
        )
    report = check.report
    assert [list(r["errors"]) for r in report] == [["flight_date"], ["area"]]
    assert report[0]["headers"] == {"flight_date": column}
    ((label, message),) = shown[0]["messages"]
    assert label == column and "14 février" in message
    ((label, message),) = shown[1]["messages"]
    assert label == header[lists.HEADER.index("Area of return")]
    assert country in message and " SN" not in message
    # A report stored before the headers were kept: the columns' translated labels.
    expected = {"en": ("flight date", "area of return"), "fr": ("date du vol", "zone de retour")}
    assert (old[0]["messages"][0][0], old[1]["messages"][0][0]) == expected[language]


def test_labels_of_service_keys_and_rows_as_a_whole():
    assert column_label("__all__") == ""
    assert column_label("names.0.family_name") == "family name"
    assert column_label("contacts.0.value", {"phone": "Mobile"}) == "Mobile"
    assert column_label("intended_return_area") == "area of return"
    assert column_label("person") == ""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_unknown_scheme_names_the_schemes_by_their_labels_which_are_accepted(setup, language):
    world = setup
    data = lists.rows(3)
    content = lists.as_csv(data).replace(b"Authority reference", b"Scheme")
    with translation.override(language):
        forced, other = str(ReturnScheme.FORCED.label), str(ReturnScheme.OTHER_ACTOR.label)
        content = content.replace(b"R-00001", b"charter").replace(b"R-00002", other.encode())
        check = _check(world, content)
    (message,) = check.report[0]["errors"]["scheme"]
    assert forced in message and other in message and "other_actor" not in message
    assert [r.values["scheme"] for r in check.to_import] == ["forced", "other_actor"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@override_settings(TASKS=IMMEDIATE)
def test_thousand_rows_with_twenty_bad_ones(setup, kind, django_capture_on_commit_callbacks):
    world = setup
    data = lists.rows(1000, bad_every=50)
    content = lists.as_csv(data) if kind == "csv" else lists.as_xlsx(data)
    name = f"list.{kind}"
    expected = {i + 2: row["_bad"] for i, row in enumerate(data) if row["_bad"]}
    assert len(expected) == 20

    check = _check(world, content, name=name)
    report = {r["row"]: r for r in check.report}
    assert set(report) == set(expected)
    for number, column in expected.items():
        assert report[number]["status"] == "invalid"
        assert list(report[number]["errors"]) == [column], report[number]
        assert report[number]["errors"][column][0]
    assert check.counts()["rows_to_import"] == 980

    with django_capture_on_commit_callbacks(execute=True):
        batch = _start(world, content, name=name)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE, batch.error
    assert batch.task_id
    assert (batch.created_cases, batch.invalid_rows, batch.failed_rows) == (980, 20, 0)
    assert batch.rows_done == batch.rows_to_import == 980
    assert Case.objects.filter(phase=Phase.ARRIVED).count() == 980
    assert DuplicateCheck.objects.count() == 980
    assert {r["row"] for r in batch.report} == set(expected)

    # The same file again creates nothing.
    people = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = _start(world, content, name=name)
    again.refresh_from_db()
    assert again.status == ImportStatus.DONE
    assert (again.created_cases, again.already_imported_rows) == (0, 980)
    assert Person.objects.count() == people


def test_reordered_re_export_creates_nothing_twice(setup):
    world = setup
    data = lists.rows(30)
    _start(world, lists.as_csv(data))
    reordered = list(reversed(data))
    again = _start(world, lists.as_xlsx(reordered), name="again.xlsx")
    assert again.created_cases == 0
    assert again.already_imported_rows == 30
    assert Case.objects.count() == 30


def test_rows_repeated_in_a_file_are_imported_once(setup):
    world = setup
    data = lists.rows(5)
    batch = _start(world, lists.as_csv([*data, data[1], data[2]]))
    assert batch.created_cases == 5
    assert batch.duplicate_rows == 2
    assert [r["status"] for r in batch.report] == ["duplicate_in_file"] * 2


def test_dry_run_writes_nothing(setup):
    world = setup
    counts = (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    check = _check(world, lists.as_csv(lists.rows(40, bad_every=10)))
    assert check.counts()["invalid_rows"] == 4
    assert check.counts()["rows_to_import"] == 36
    assert ImportBatch.objects.count() == 0
    assert (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == counts


@pytest.fixture
def tables_read(monkeypatch):
    """How many times a list file was read and validated."""
    calls = []
    read_table = import_services.read_table

    def counting(*args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("file_name"))
        return read_table(*args, **kwargs)

    monkeypatch.setattr(import_services, "read_table", counting)
    return calls


def test_r_arr_3_the_import_after_a_dry_run_uses_its_check(setup, tables_read):
    world = setup
    content = lists.as_csv(lists.rows(12, bad_every=6))
    check = _check(world, content)
    assert _check(world, content).report == check.report  # the report's next page
    batch = _start(world, content)
    assert len(tables_read) == 1  # neither the page nor the import read the file again
    assert batch.status == ImportStatus.DONE
    counts = check.counts()
    assert (
        (batch.invalid_rows, batch.rows_to_import)
        == (2, 10)
        == (
            counts["invalid_rows"],
            counts["rows_to_import"],
        )
    )
    assert batch.created_cases == 10
    assert [r["status"] for r in batch.report] == ["invalid", "invalid"]
    assert batch.report == check.report


def test_r_arr_3_rows_imported_after_the_dry_run_are_not_imported_twice(setup, tables_read):
    world = setup
    data = lists.rows(10)
    content = lists.as_csv(data)
    _check(world, content)
    first = _start(world, lists.as_csv(data[:4]), name="first.csv")
    assert first.created_cases == 4
    batch = _start(world, content)
    assert tables_read == ["list.csv", "first.csv"]  # the checked file was not read again
    assert (batch.created_cases, batch.already_imported_rows) == (6, 4)
    assert [r["status"] for r in batch.report] == ["already_imported"] * 4
    assert Case.objects.count() == 10


def test_a_dry_run_of_another_scheme_or_language_is_checked_again(setup, tables_read):
    world = setup
    content = lists.as_csv(lists.rows(6, bad_every=3))
    with translation.override("fr"):
        french = _check(world, content).report
    _start(world, content)  # checked again: the dry run's messages are in French
    english = ImportBatch.objects.get().report
    assert len(tables_read) == 2 and english != french
    other = _start(world, content, scheme="other_actor")  # another scheme: checked again
    assert len(tables_read) == 3
    assert other.scheme == "other_actor" and other.already_imported_rows == 4
    assert [r["errors"] for r in other.report if r["status"] == "invalid"] == [
        r["errors"] for r in english
    ]


def test_french_headers_semicolons_and_latin_1(setup):
    world = setup
    content = lists.as_csv(
        lists.rows(6), header=lists.FRENCH_HEADER, delimiter=";", encoding="cp1252"
    )
    check = _check(world, content)
    assert check.counts()["rows_to_import"] == 6, check.report


def test_utf8_with_byte_order_mark(setup):
    world = setup
    content = b"\xef\xbb\xbf" + lists.as_csv(lists.rows(4))
    assert _check(world, content).counts()["rows_to_import"] == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 binary", "not a CSV or XLSX"),
        (b"PK\x03\x04not really a zip", "not a CSV or XLSX"),
        (b"Family name,Given names\nDiallo,Awa\n", "Columns missing"),
        (",".join(lists.HEADER).encode() + b"\n", "no rows"),
    ],
)
def test_bad_files_are_refused_with_a_message_on_the_file(setup, content, message):
    with pytest.raises(ValidationFailed) as exc:
        _check(setup, content)
    assert message in exc.value.field_errors["file"][0]


def test_host_office_counsellor_cannot_import_for_an_origin_office(setup):
    world = setup
    for user in (world.user("counsellor", "niamey"), world.user("reception_officer", "conakry")):
        with pytest.raises(PermissionDenied):
            _start(world, lists.as_csv(lists.rows(2)), user=user)
    assert ImportBatch.objects.count() == 0


def test_another_offices_user_cannot_see_the_batch(setup):
    world = setup
    batch = _start(world, lists.as_csv(lists.rows(2)))
    assert import_batch_get_for(world.user("case_manager", "dakar"), batch_id=batch.pk)
    for user in (world.user("reception_officer", "conakry"), world.user("counsellor", "niamey")):
        with pytest.raises(NotFound):
            import_batch_get_for(user, batch_id=batch.pk)


def test_import_is_audited(setup):
    world = setup
    batch = _start(world, lists.as_csv(lists.rows(3)))
    summaries = list(
        AuditEvent.objects.filter(object_id=str(batch.pk)).values_list("summary", flat=True)
    )
    assert summaries == ["Notification list imported", "Notification list import started"]
    assert AuditEvent.objects.filter(object_type="people.person", action="create").count() == 3
    assert AuditEvent.objects.filter(object_type="cases.case", action="create").count() == 3
    assert AuditEvent.objects.filter(summary="Duplicate check run").count() == 3


def test_large_list_runs_in_the_background_with_progress(setup, monkeypatch):
    """Queued on the database backend, then run by the worker chunk by chunk."""
    world = setup
    monkeypatch.setattr(import_services, "INLINE_LIMIT", 10)
    monkeypatch.setattr(import_services, "CHUNK", 7)
    seen = []
    save = import_services._save_progress

    def record(batch):
        save(batch)
        seen.append(ImportBatch.objects.get(pk=batch.pk).rows_done)

    monkeypatch.setattr(import_services, "_save_progress", record)
    batch = _start(world, lists.as_csv(lists.rows(30)))
    assert batch.status == ImportStatus.QUEUED
    assert Case.objects.count() == 0
    done = import_run(batch_id=batch.pk)
    assert done.status == ImportStatus.DONE
    assert seen[1:] == [7, 14, 21, 28, 30, 30]
    assert done.percent_done == 100
    # A task delivered twice does nothing the second time.
    assert import_run(batch_id=batch.pk).created_cases == 30
    assert Case.objects.count() == 30


def test_a_refused_row_never_half_writes(setup, monkeypatch):
    """A chunk the bulk services refuse goes row by row; a row refused there leaves nothing
    and is reported, the others are imported."""
    world = setup

    def refuse_bulk(**kwargs):
        raise ValidationFailed("no")

    real_case_create = import_services.case_create

    def refuse_one(**kwargs):
        if " R2 " in kwargs["person"].display_name:
            raise ValidationFailed("refused", field_errors={"scheme": ["refused"]})
        return real_case_create(**kwargs)

    monkeypatch.setattr(import_services, "para_cases_create_bulk", refuse_bulk)
    monkeypatch.setattr(import_services, "case_create", refuse_one)
    batch = _start(world, lists.as_csv(lists.rows(5)))
    assert (batch.status, batch.created_cases, batch.failed_rows) == (ImportStatus.DONE, 4, 1)
    assert Person.objects.count() == 4
    assert batch.report == [
        {
            "row": 4,
            "status": "failed",
            "name": batch.report[0]["name"],
            "errors": {"scheme": ["refused"]},
        }
    ]


def test_an_unexpected_error_fails_the_batch_with_a_clear_status(setup, monkeypatch):
    world = setup

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_services, "_import_chunk", explode)
    batch = _start(world, lists.as_csv(lists.rows(3)))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "unexpected error" in batch.error
    assert batch.finished_at is not None


# Returnees already in the register, and rows of a list naming some of them (other
# spellings, the same date of birth or age) and some of each other.
REGISTERED = [
    ("Mamadou", "Diallo", "M", datetime.date(1990, 4, 2)),
    ("Aïssatou", "Diallo", "F", datetime.date(1995, 3, 14)),
    ("Ousmane", "Sow", "M", datetime.date(1979, 12, 1)),
]
PLANTED = [
    # family, given, sex, age, date of birth
    ("Jallow", "Mamadou", "M", "", "02/04/1990"),
    ("Dialo", "Mamadu", "M", "", "04/02/1990"),
    ("Jallo", "Aissatou", "F", "", "14/03/1995"),
    ("Sowe", "Usman", "M", "", "01/12/1979"),
    ("Ndiaye", "Awa", "F", "37", ""),
    ("N'Diaye", "Hawa", "F", "38", ""),
    ("Fall", "Fatou", "F", "", "02/02/2001"),
    ("Fall", "Fatou", "F", "", "02/02/2001"),
    ("Diallo", "Mamadou", "M", "35", ""),
]


def _planted_list() -> bytes:
    rows = lists.rows(len(PLANTED))
    for i, (row, (family, given, sex, age, born)) in enumerate(zip(rows, PLANTED, strict=True)):
        row.update(
            {
                "Family name": family,
                "Given names": given,
                "Sex": sex,
                "Age": age,
                "Date of birth": born,
                "Authority reference": f"P-{i}",
            }
        )
    return lists.as_csv(rows)


def test_r_dup_1_imported_cases_get_the_candidates_of_the_per_row_service(setup):
    """R-DUP-1 on a list (R-ARR-3): the checks recorded in bulk hold what the per-row
    duplicate search finds for each case, against the register and the list's other rows."""
    from homeward.registration.duplicate_services import _jsonable
    from homeward.registration.duplicates import find_candidates
    from homeward.testing.factories import make_person

    world = setup
    for given, family, sex, born in REGISTERED:
        make_person(world.dakar, given, family, sex=sex, date_of_birth=born)
    batch = _start(world, _planted_list())
    assert batch.created_cases == len(PLANTED)
    checks = DuplicateCheck.objects.filter(case__notification__batch=batch).select_related(
        "case__person", "case__programme"
    )
    assert checks.count() == len(PLANTED)
    found = 0
    for check in checks:
        one = find_candidates(check.case.person, programme=check.case.programme)
        assert check.candidates == [_jsonable(c) for c in one], check.case.person.display_name
        found += len(one)
    assert found >= len(PLANTED)
    assert batch.likely_duplicates == sum(
        1 for c in checks if any(x["likely"] for x in c.candidates)
    )
    assert batch.likely_duplicates >= 4


def test_r_dup_1_later_chunks_find_rows_of_earlier_chunks(setup, monkeypatch):
    """A list goes in chunks; a row finds the returnee an earlier chunk registered."""
    world = setup
    monkeypatch.setattr(import_services, "CHUNK", 2)
    batch = _start(world, _planted_list())
    assert batch.created_cases == len(PLANTED)
    last = DuplicateCheck.objects.get(case__notification__row_number=len(PLANTED) + 1)
    first = ImportedRow.objects.get(batch=batch, row_number=2)
    assert first.person_id is not None
    assert str(first.person_id) in {c["person_id"] for c in last.candidates}


def test_r_dup_1_a_check_refused_in_bulk_is_run_case_by_case(setup, monkeypatch):
    """The cases stay imported and each still gets its duplicate check."""
    world = setup

    def refuse(**kwargs):
        raise ValidationFailed("no")

    monkeypatch.setattr(import_services, "duplicates_check_many", refuse)
    batch = _start(world, _planted_list())
    assert (batch.status, batch.created_cases) == (ImportStatus.DONE, len(PLANTED))
    checks = DuplicateCheck.objects.filter(case__notification__batch=batch)
    assert checks.count() == len(PLANTED)
    likely = {c.case_id for c in checks if any(x["likely"] for x in c.candidates)}
    assert batch.likely_duplicates == len(likely) >= 4
    flagged = ImportedRow.objects.filter(batch=batch, likely_duplicate=True)
    assert set(flagged.values_list("case_id", flat=True)) == likely
