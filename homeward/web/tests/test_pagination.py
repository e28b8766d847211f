"""The capped paginator counts only as far as the user can page from where they are."""

import pytest

from homeward.audit.models import AuditEvent
from homeward.audit.services import audit_record
from homeward.web.views._common import CappedPaginator


@pytest.fixture
def thirty_rows(db):
    for i in range(30):
        audit_record(actor=None, action="export", object_type="x", summary=str(i))
    return AuditEvent.objects.order_by("id")


def test_counts_up_to_the_lookahead_and_says_so(thirty_rows):
    paginator = CappedPaginator(thirty_rows, 5, requested_page=1, lookahead=2)
    assert paginator.count == 15
    assert paginator.is_capped
    assert paginator.num_pages == 3


def test_counting_moves_on_with_the_requested_page(thirty_rows):
    paginator = CappedPaginator(thirty_rows, 5, requested_page=3, lookahead=2)
    assert paginator.count == 25
    assert [e.summary for e in paginator.get_page(3).object_list] == ["10", "11", "12", "13", "14"]


def test_exact_count_when_everything_fits(thirty_rows):
    paginator = CappedPaginator(thirty_rows, 5, requested_page=1, lookahead=10)
    assert paginator.count == 30
    assert not paginator.is_capped
