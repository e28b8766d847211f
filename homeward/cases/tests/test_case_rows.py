"""The case list reads ids in list order first, then the columns of one page's ids only
(`CaseRows`): the same rows, the same order and the same capped count as the plain query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.cases.selectors import LIST_COLUMNS, CaseFilters, case_list_for, case_rows_for
from homeward.testing.factories import make_case, make_person
from homeward.web.views._common import CappedPaginator

pytestmark = pytest.mark.django_db


def expected_rows(actor, filters=None):
    return list(case_list_for(actor, filters or CaseFilters()).values(*LIST_COLUMNS))


def plain(rows):
    return [{key: row[key] for key in LIST_COLUMNS} for row in rows]


@pytest.fixture
def twelve(world):
    for index in range(12):
        world.case(host=world.niamey if index % 3 else world.rabat)
    return world


def test_pages_hold_the_rows_of_the_plain_query_in_its_order(twelve):
    actor = twelve.user("counsellor")
    expected = expected_rows(actor)
    assert len(expected) == 8  # the Niamey counsellor sees the Niamey cases only

    paginator = CappedPaginator(case_rows_for(actor), 3, requested_page=2, lookahead=10)
    assert paginator.count == 8 and not paginator.is_capped
    pages = [plain(paginator.page(n).object_list) for n in (1, 2, 3)]
    assert pages == [expected[0:3], expected[3:6], expected[6:8]]


def test_the_count_stops_at_the_lookahead_and_says_so(twelve):
    actor = twelve.user("counsellor")
    paginator = CappedPaginator(case_rows_for(actor), 2, requested_page=1, lookahead=2)
    assert paginator.count == 6 and paginator.is_capped
    assert plain(paginator.get_page(3).object_list) == expected_rows(actor)[4:6]


def test_a_page_and_its_count_take_one_read_of_ids_and_one_of_rows(twelve):
    actor = twelve.user("counsellor")
    rows = case_rows_for(actor)  # access_for is resolved here, before counting
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(rows, 3, requested_page=2, lookahead=1).get_page(2)
        assert len(page.object_list) == 3 and list(page.object_list)
        assert page.paginator.count == 8 and page.has_next()
    assert len(queries) == 2


def test_a_name_search_finds_the_same_cases(twelve):
    actor = twelve.user("counsellor")
    person = make_person(twelve.niamey, "Mamadou", "Traoré", spellings=[("Mamadu", "Trawore")])
    case = make_case(
        person=person, programme=twelve.programme, host=twelve.niamey, origin=twelve.dakar
    )
    for query in ("traore", "TRAWORE mamadu", case.reference, case.reference[-6:]):
        filters = CaseFilters(q=query)
        rows = list(case_rows_for(actor, filters)[0:25])
        assert plain(rows) == expected_rows(actor, filters)
        assert [row["reference"] for row in rows] == [case.reference]
    assert case_rows_for(actor, CaseFilters(q="nobody")).count() == 0
    assert not case_rows_for(actor, CaseFilters(q="nobody"))[0:25]
