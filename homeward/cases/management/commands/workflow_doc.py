from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from homeward.cases.workflow_doc import render_workflow_markdown


class Command(BaseCommand):
    help = "Write docs/workflow.md from the workflow table."

    def handle(self, *args, **options):
        target = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        target.write_text(render_workflow_markdown(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {target}"))
