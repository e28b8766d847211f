from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.core.errors import ValidationFailed
from homeward.geo.services import admin_areas_import


class Command(BaseCommand):
    help = "Import administrative areas from a CSV file with columns code,name,parent,country."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            count = admin_areas_import(csv_text=path.read_text(encoding="utf-8-sig"))
        except ValidationFailed as exc:
            lines = [f"{where}: {'; '.join(msgs)}" for where, msgs in exc.field_errors.items()]
            raise CommandError("\n".join([exc.message, *lines])) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {count} areas."))
