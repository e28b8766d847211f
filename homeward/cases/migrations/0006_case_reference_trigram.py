"""On PostgreSQL, a trigram index on the reference number, for the partial references people
type into the search box ("000123", "SN-2026-"): `reference LIKE '%000123%'` can use no
B-tree, so without it the list walked every case of the user's offices to find one or two
(tens of milliseconds at 100,000 cases)."""

from django.db import migrations


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS case_reference_trgm "
            "ON cases_case USING gin (reference gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_reference_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_recent_covers_list_search"),
    ]

    operations = [
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
