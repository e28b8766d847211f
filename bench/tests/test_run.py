import pytest

from bench.generate import generate
from bench.run import PageResult, judge, measure, percentile
from homeward.accounts.models import User


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([3.0], 95) == 3.0
    assert percentile([5.0, 1.0, 4.0, 2.0, 3.0], 95) == 5.0


def _page(name, p95):
    return PageResult(name, 200, p95 / 2, p95, p95 * 2, p95 / 2, 10)


def test_judge_applies_both_targets():
    results = judge(
        [_page("floor", 2.0), _page("fast", 9.0), _page("slow", 120.0), _page("heavy", 11.0)]
    )
    by_name = {r.name: r for r in results}
    assert by_name["floor"].passed is None
    assert by_name["fast"].passed and by_name["fast"].ratio_to_floor == 4.5
    assert not by_name["heavy"].passed and len(by_name["heavy"].misses) == 1
    assert not by_name["slow"].passed and len(by_name["slow"].misses) == 2


@pytest.mark.django_db
@pytest.mark.urls("bench.tests.urls")
def test_measure_times_every_page_through_the_full_stack():
    generate(30, seed=2, log=lambda message: None)

    results = measure(User.objects.get(username="counsellor"), requests=3, warmup=1)

    assert [r.name for r in results] == [
        "bare floor",
        "floor",
        "case list",
        "name search",
        "case detail",
    ]
    for result in results:
        assert result.requests == 3
        assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
    floor, *pages = results
    assert all(page.queries > floor.queries for page in pages)
