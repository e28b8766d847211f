"""Pages and API of notification-list imports."""

import html
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from homeward.cases.models import Case
from homeward.movements.import_services import import_start
from homeward.movements.models import ImportBatch

from . import lists


@pytest.fixture
def setup(world):
    lists.ensure_areas()
    return world


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(world, client, content, name="list.csv", **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "office": str(world.dakar.pk),
        "programme": str(world.programme.pk),
        "scheme": "forced",
        **extra,
    }
    return client.post("/api/v1/imports/", data, format="multipart")


def _start(world, user, data):
    """The list imported into Dakar as a forced return, through the service."""
    return import_start(
        actor=user,
        content=lists.as_csv(data),
        file_name="l.csv",
        office=world.dakar,
        programme=world.programme,
        scheme="forced",
    )


def test_api_dry_run_reports_rows_and_writes_nothing(setup):
    world = setup
    client = _api(world.user("reception_officer", "dakar"))
    response = _post(world, client, lists.as_csv(lists.rows(20, bad_every=10)), dry_run="true")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["rows_to_import"], body["invalid_rows"]) == (18, 2)
    assert [r["row"] for r in body["report"]] == [2, 12]
    assert "family_name" in body["report"][0]["errors"]
    assert ImportBatch.objects.count() == 0 and Case.objects.count() == 0


def test_api_import_then_detail(setup):
    world = setup
    client = _api(world.user("case_manager", "dakar"))
    response = _post(world, client, lists.as_xlsx(lists.rows(5)), name="list.xlsx")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["created_cases"], body["percent_done"]) == ("done", 5, 100)
    detail = client.get(f"/api/v1/imports/{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["rows_done"] == 5
    listed = client.get("/api/v1/imports/").json()
    assert [b["id"] for b in listed["results"]] == [body["id"]]
    other = _api(world.user("reception_officer", "conakry"))
    assert other.get(f"/api/v1/imports/{body['id']}/").status_code == 404
    assert other.get("/api/v1/imports/").json()["results"] == []


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a list", "list.pdf", "not a CSV or XLSX"),
        (b"", "empty.csv", "empty"),
        (b"Nom,Prenom\nDiallo,Awa\n", "list.csv", "Columns missing"),
    ],
)
def test_api_bad_uploads_answer_400_with_field_messages(setup, content, name, message):
    world = setup
    client = _api(world.user("reception_officer", "dakar"))
    response = _post(world, client, content, name=name)
    assert response.status_code == 400
    assert message in response.json()["errors"]["file"][0]


def test_api_host_counsellor_is_refused(setup):
    world = setup
    client = _api(world.user("counsellor", "niamey"))
    response = _post(world, client, lists.as_csv(lists.rows(2)))
    assert response.status_code == 403


def test_page_upload_check_confirm_and_result(setup, client):
    world = setup
    client.force_login(world.user("reception_officer", "dakar"))
    assert "Notification lists" in client.get(reverse("web:my_work")).content.decode()
    data = {
        "file": SimpleUploadedFile("list.csv", lists.as_csv(lists.rows(30, bad_every=10))),
        "office": str(world.dakar.pk),
        "programme": str(world.programme.pk),
        "scheme": "forced",
    }
    response = client.post(reverse("web:import_list"), data)
    assert response.status_code == 302
    check = client.get(response["Location"])
    page = check.content.decode()
    assert "Import the 27 valid rows" in page
    assert "Atlantis" not in page  # rows 2, 12 and 22 carry other problems
    assert Case.objects.count() == 0
    token = re.search(r'name="t" value="([^"]+)"', page).group(1)
    done = client.post(reverse("web:import_check"), {"t": token})
    assert done.status_code == 302
    result = client.get(done["Location"]).content.decode()
    assert Case.objects.count() == 27
    reference = Case.objects.first().reference
    assert reference in result or "Next" in result
    progress = client.get(done["Location"], HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_page_bad_upload_shows_the_message_on_the_form(setup, client):
    world = setup
    client.force_login(world.user("reception_officer", "dakar"))
    data = {
        "file": SimpleUploadedFile("list.csv", b"Nom,Prenom\nDiallo,Awa\n"),
        "office": str(world.dakar.pk),
        "programme": str(world.programme.pk),
        "scheme": "forced",
    }
    response = client.post(reverse("web:import_list"), data)
    assert response.status_code == 400
    assert "Columns missing" in response.content.decode()


def test_pages_are_refused_to_host_offices_and_other_offices(setup, client):
    world = setup
    batch = import_start(
        actor=world.user("reception_officer", "dakar"),
        content=lists.as_csv(lists.rows(2)),
        file_name="l.csv",
        office=world.dakar,
        programme=world.programme,
        scheme="forced",
    )
    client.force_login(world.user("counsellor", "niamey"))
    assert client.get(reverse("web:import_list")).status_code == 403
    assert "Notification lists" not in client.get(reverse("web:my_work")).content.decode()
    client.force_login(world.user("reception_officer", "conakry"))
    assert client.get(reverse("web:import_detail", args=[batch.pk])).status_code == 404


def test_batch_list_query_count_does_not_grow(setup, client, django_assert_max_num_queries):
    world = setup
    user = world.user("reception_officer", "dakar")
    for _ in range(6):
        _start(world, user, lists.rows(2, prefix="B" + str(_)))
    client.force_login(user)
    # Session, user, memberships, nav, form choices, count and one statement for the rows.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("web:import_list"))
    assert response.content.decode().count("l.csv") == 6


def test_batch_page_query_count_does_not_grow_with_its_rows(setup, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = setup
    user = world.user("reception_officer", "dakar")
    client.force_login(user)

    def statements(count: int, prefix: str) -> tuple[int, str]:
        batch = _start(world, user, lists.rows(count, bad_every=4, prefix=prefix))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("web:import_detail", args=[batch.pk]))
        assert page.status_code == 200
        return len(queries), page.content.decode()

    small, _page = statements(4, "S")
    large, page = statements(20, "L")
    assert large == small
    batch = ImportBatch.objects.get(total_rows=20)
    assert batch.created_cases == 15 and page.count('href="/cases/') >= 15


def _upload(world, client, content):
    data = {
        "file": SimpleUploadedFile("list.csv", content),
        "office": str(world.dakar.pk),
        "programme": str(world.programme.pk),
        "scheme": "forced",
    }
    response = client.post(reverse("web:import_list"), data)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("language", "header", "expected"),
    [
        ("en", lists.HEADER, ["Flight date</strong>", "Area of return</strong>", "of Senegal"]),
        (
            "fr",
            lists.FRENCH_HEADER,
            ["Date du vol</strong>", "Zone de retour</strong>", "zone connue de Sénégal"],
        ),
    ],
)
def test_dry_run_report_speaks_the_users_words(setup, client, language, header, expected):
    world = setup
    client.force_login(world.user("reception_officer", "dakar"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = lists.rows(3)
    data[0]["Flight date"] = "14 février"
    data[1]["Area of return"] = "Atlantis"
    page = html.unescape(_upload(world, client, lists.as_csv(data, header=header)))
    for text in expected:
        assert text in page
    assert "14 février" in page and "Atlantis" in page
    for raw in ("flight_date", "<strong>area", "of SN", "de SN"):
        assert raw not in page


def test_batch_page_of_an_old_report_shows_translated_labels(setup, client):
    world = setup
    user = world.user("reception_officer", "dakar")
    data = lists.rows(3)
    data[0]["Flight date"] = "14 février"
    batch = _start(world, user, data)
    # Stored before the file's headers were kept beside the messages.
    batch.report = [{k: v for k, v in r.items() if k != "headers"} for r in batch.report]
    batch.save(update_fields=["report"])
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = html.unescape(client.get(reverse("web:import_detail", args=[batch.pk])).content.decode())
    assert "date du vol</strong>" in page and "flight_date" not in page


def test_batch_page_pages_its_two_lists_apart(setup, client, monkeypatch):
    from homeward.web.views import imports as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    monkeypatch.setattr(views, "REPORT_PER_PAGE", 2)
    world = setup
    user = world.user("reception_officer", "dakar")
    data = lists.rows(10)
    for row in data[:6]:
        row["Sex"] = "Q"  # rows 2 to 7: problems; rows 8 to 11: cases
    batch = _start(world, user, data)
    assert (batch.invalid_rows, batch.created_cases) == (6, 4)
    client.force_login(user)
    url = reverse("web:import_detail", args=[batch.pk])
    page = html.unescape(client.get(url, {"page": 2}).content.decode())
    links = re.findall(r'href="(\?[^"]*)" rel="(?:next|prev)"', page)
    cases_prev, problems_next = links  # cases: page 2 of 2; problems: page 1 of 3
    assert QueryDict(cases_prev[1:]) == QueryDict("page=1")
    assert QueryDict(problems_next[1:]) == QueryDict("page=2&problems=2")
    # Paging the problems keeps the cases' page, and the other way round.
    page = html.unescape(client.get(url + problems_next).content.decode())
    shown = re.findall(r'<td class="num">(\d+)</td>', page)
    assert shown == ["10", "11", "4", "5"]  # cases of rows 10-11; problems of rows 4-5
    cases_prev, problems_prev, problems_next = re.findall(
        r'href="(\?[^"]*)" rel="(?:next|prev)"', page
    )
    assert QueryDict(cases_prev[1:]) == QueryDict("page=1&problems=2")
    assert QueryDict(problems_prev[1:]) == QueryDict("page=2&problems=1")
    assert QueryDict(problems_next[1:]) == QueryDict("page=2&problems=3")


def test_api_keeps_the_field_keys_of_the_report(setup):
    world = setup
    client = _api(world.user("reception_officer", "dakar"))
    data = lists.rows(3)
    data[0]["Flight date"] = "14 février"
    data[1]["Area of return"] = "Atlantis"
    response = _post(world, client, lists.as_csv(data), dry_run="true")
    assert response.status_code == 200, response.json()
    report = response.json()["report"]
    assert [list(r["errors"]) for r in report] == [["flight_date"], ["area"]]
    response = _post(world, client, lists.as_csv(data))
    detail = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert [list(r["errors"]) for r in detail["report"]] == [["flight_date"], ["area"]]
