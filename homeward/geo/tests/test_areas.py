import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from homeward.core.errors import ValidationFailed
from homeward.geo.models import AdminArea, Country
from homeward.geo.services import admin_areas_import

CSV = """code,name,parent,country
SN-DK,Dakar,,SN
SN-DK-PK,Pikine,SN-DK,SN
SN-KD,Kolda,,sn
"""


def test_every_iso_country_is_loaded(db):
    assert Country.objects.count() >= 249
    assert Country.objects.get(code="SN").alpha3 == "SEN"


def test_country_names_follow_the_language(db):
    germany = Country.objects.get(code="DE")
    with translation.override("fr"):
        assert germany.display_name == "Allemagne"
    assert germany.display_name == "Germany"


def test_areas_import_with_parents_and_reimport_updates(db):
    assert admin_areas_import(csv_text=CSV) == 3
    pikine = AdminArea.objects.get(code="SN-DK-PK")
    assert (pikine.parent.code, pikine.level) == ("SN-DK", 2)
    admin_areas_import(csv_text=CSV.replace("Kolda", "Kolda Region"))
    assert AdminArea.objects.count() == 3
    assert AdminArea.objects.get(code="SN-KD").name == "Kolda Region"


def test_bad_file_imports_nothing(db):
    bad = CSV + "X1,Nowhere,,ZZ\n,NoCode,,SN\n"
    with pytest.raises(ValidationFailed) as exc:
        admin_areas_import(csv_text=bad)
    assert set(exc.value.field_errors) == {"line 5", "line 6"}
    assert AdminArea.objects.count() == 0


def test_import_command(db, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_areas", str(path))
    assert AdminArea.objects.filter(country_id="SN").count() == 3
    path.write_text("code,name,parent,country\nA,B,MISSING,SN\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_areas", str(path))
