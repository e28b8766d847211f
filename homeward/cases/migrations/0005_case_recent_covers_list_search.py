"""On PostgreSQL, `case_recent` also carries the id, the offices and the search text of each
case, and the planner learns how common each spelling is.

A case list or a name search reads the ids of its page in `updated_at` order
(`selectors.CaseRows`). With these columns in the index that walk never visits the table (an
index-only scan), so a common name such as "Diallo" costs a fraction of a millisecond
instead of thousands of table rows. A rare name is better served by the trigram index
(0002); the planner chooses between the two from its estimate of how many cases match,
which the larger statistics sample on `search_text` makes close to the truth.

The model still declares `case_recent` on `-updated_at` only: Django would warn on SQLite,
which ignores the extra columns.
"""

from django.db import migrations

COVERING = (
    "CREATE INDEX case_recent ON cases_case (updated_at DESC) "
    "INCLUDE (id, host_office_id, origin_office_id, search_text)"
)
PLAIN = "CREATE INDEX case_recent ON cases_case (updated_at DESC)"


def covering_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_recent")
        schema_editor.execute(COVERING)
        schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN search_text SET STATISTICS 500")
        schema_editor.execute("ANALYZE cases_case")


def plain_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN search_text SET STATISTICS -1")
        schema_editor.execute("DROP INDEX IF EXISTS case_recent")
        schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_protection_shared_with_assignee"),
    ]

    operations = [
        migrations.RunPython(covering_index, plain_index),
    ]
