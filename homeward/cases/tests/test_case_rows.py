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
    assert case_rows_for(actor)[5:3].count() == 0 and not list(case_rows_for(actor)[5:3])
    assert case_rows_for(actor, CaseFilters(q="nobody")).count() == 0
    assert not case_rows_for(actor, CaseFilters(q="nobody"))[0:25]


@pytest.fixture
def varied(world):
    """Cases of both hosts and origins, phases, schemes, assignees and flags."""
    from homeward.accounts.models import Membership
    from homeward.cases.models import VulnerabilityFlag

    counsellor = world.user("counsellor")
    made = [
        world.case(phase="counselling", assigned_to=counsellor),
        world.case(phase="registered"),
        world.case(host=world.rabat, origin=world.conakry, phase="counselling"),
        world.case(host=None, origin=world.dakar, scheme="forced", phase="arrived"),
        world.case(origin=world.conakry, phase="withdrawn"),
    ]
    VulnerabilityFlag.objects.create(case=made[0], category="trafficking")
    VulnerabilityFlag.objects.create(case=made[1], category="elderly")
    VulnerabilityFlag.objects.create(case=made[2], category="trafficking")
    # Trafficking flags readable in Rabat only: Niamey's must not come through the filter.
    Membership.objects.create(
        user=world.user("avm_focal_point", "rabat"), office=world.niamey, role="counsellor"
    )
    return world, made


FILTERS = [
    {},
    {"phase": "counselling"},
    {"scheme": "forced"},
    {"assigned_to_me": True},
    {"flag": "trafficking"},
    {"flag": "elderly"},
    {"q": "SN-2026-"},
    {"q": "100%"},
    {"q": "a_b"},
    {"q": "not-a-uuid", "office": "not-a-uuid", "programme": "x"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
@pytest.mark.parametrize(
    "role, office",
    [
        ("counsellor", "niamey"),
        ("case_manager", "dakar"),
        ("auditor", "conakry"),
        ("avm_focal_point", "dakar"),
        ("avm_focal_point", "rabat"),  # and counsellor in Niamey: see `varied`
    ],
)
def test_r_dat_2_the_written_out_ids_match_the_plain_query_for_every_filter(
    varied, filters, role, office
):
    """The list's first read is written out (`list_keys`): the same cases, in the same
    order, as the queryset every other reader uses; never a case of another office and
    never a sensitive flag the role may not read."""
    world, _made = varied
    actor = world.user(role, office)
    for extra in ({}, {"office": str(world.dakar.pk)}, {"programme": str(world.programme.pk)}):
        wanted = CaseFilters(**{**filters, **extra})
        rows = plain(case_rows_for(actor, wanted)[0:25])
        assert rows == expected_rows(actor, wanted)
        assert case_rows_for(actor, wanted)[2:25].count() == max(len(rows) - 2, 0)
    if role == "avm_focal_point" and filters == {"flag": "trafficking"}:
        assert [row["reference"] for row in case_rows_for(actor, CaseFilters(**filters))[0:9]] == [
            _made[0 if office == "dakar" else 2].reference
        ]
