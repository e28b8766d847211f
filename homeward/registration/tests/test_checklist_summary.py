"""The checklist's summary is compiled once and run with each case's key: the values must
be exactly those the ORM returns, converted the same way, on SQLite and PostgreSQL."""

import pytest

from homeward.core.prepared import PreparedValues
from homeward.registration.checklist import _summary, _summary_of

from .helpers import ready_case

pytestmark = pytest.mark.django_db


def test_prepared_summary_equals_the_orm_for_each_case(world):
    ready = ready_case(world, categories=["umc"])
    bare = world.case()
    for case in (ready, bare):
        assert _summary(case) == _summary_of(case.pk).get()
    summary = _summary(ready)
    assert summary["has_return_session"] is True
    assert summary["flag_umc"] is True
    assert summary["candidates"] == []  # JSON decoded, as the ORM does
    assert summary["checked_at"].tzinfo is not None  # an aware datetime, also on SQLite
    assert _summary(bare)["has_return_session"] is False
    assert _summary(bare)["checked_at"] is None


def test_a_prepared_query_answers_none_for_an_unknown_key(world):
    import uuid

    assert PreparedValues(_summary_of).one(uuid.uuid4()) is None


def test_a_prepared_query_must_use_its_key_exactly_once(world):
    from homeward.cases.models import Case

    twice = PreparedValues(lambda key: Case.objects.filter(pk=key, person_id=key).values("pk"))
    with pytest.raises(ValueError):
        twice.one(world.case().pk)
