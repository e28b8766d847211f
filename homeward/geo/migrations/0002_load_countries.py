from django.db import migrations


def load(apps, schema_editor):
    import pycountry

    Country = apps.get_model("geo", "Country")
    Country.objects.bulk_create(
        [
            Country(code=c.alpha_2, alpha3=c.alpha_3, name=getattr(c, "common_name", c.name))
            for c in pycountry.countries
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
