"""Background work of the movements app (Django's tasks API, run by `manage.py db_worker`)."""

from django.tasks import task


@task()
def run_import(batch_id: str) -> str:
    """R-ARR-3: import a notification list queued by `import_services.import_start`."""
    from .import_services import import_run

    return import_run(batch_id=batch_id).status
