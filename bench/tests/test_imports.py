import json

import pytest
from django.db import connection

from bench import imports, machine_speed
from homeward.cases.models import Case


@pytest.mark.django_db
def test_machine_speed_gauges_report_both_sides_in_milliseconds():
    gauge = machine_speed.gauges()

    assert gauge["python_ms"] > 0
    if connection.vendor == "postgresql":
        assert gauge["postgresql_ms"] > 0
    else:
        assert set(gauge) == {"python_ms"}


@pytest.mark.django_db
def test_import_benchmark_imports_the_list_once_and_records_the_machine_speed(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(imports, "RESULTS_DIR", tmp_path)

    assert imports.main(["--rows", "40"]) == 0

    written = json.loads(next(tmp_path.glob("imports-*.json")).read_text())
    assert written["rows"] == 40
    assert written["cases"] == Case.objects.count() >= 38  # a row drawn twice is kept once
    assert written["machine_speed_before"]["python_ms"] > 0
    assert written["machine_speed_after"]["python_ms"] > 0
    out = capsys.readouterr().out
    assert "Machine speed before (lower is faster): python " in out
    assert "again: 0 opened" in out
