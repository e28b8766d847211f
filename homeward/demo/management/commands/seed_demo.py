"""`manage.py seed_demo`: the demo programme, its offices and staff, and about 200 cases.

Run it again at any time: reference data is refreshed, cases are created only once, and
every demo login gets a new random password, printed once and never stored in the repository.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from homeward.accounts.roles import Role
from homeward.cases.models import Case
from homeward.demo.reference import (
    ADMIN_USERNAME,
    DEMO_URL,
    DEMO_USERS,
    passwords_reset,
    reference_ensure,
)
from homeward.demo.seeding import cases_seed

DEFAULT_SEED = 20260115


# The demo's notices are not sent: they would print thousands of e-mails before the logins.
SILENT_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Load the demonstration programme and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200, help="how many cases (first run)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")

    def handle(self, *args, cases: int, seed: int, **options):
        started = time.monotonic()
        reference = reference_ensure()
        if Case.objects.filter(programme=reference.programme).exists():
            self.stdout.write("The demo cases already exist; they were not created again.")
        else:
            with (
                override_settings(MAILERS=SILENT_MAILERS),
                transaction.atomic(),
            ):
                created = cases_seed(reference, count=cases, seed=seed)
            self.stdout.write(
                f"Created {len(created)} demo cases in {time.monotonic() - started:.1f} s."
            )
        logins = [reference.users[spec.username] for spec in DEMO_USERS]
        logins.append(reference.users[ADMIN_USERNAME])
        passwords = passwords_reset(logins)
        self.stdout.write(self._table(reference, passwords))

    def _table(self, reference, passwords: dict) -> str:
        office_names = {o.code: o.name for o in reference.offices.values()}
        rows = [("Role", "Username", "Office", "Password")]
        for spec in DEMO_USERS:
            offices = ", ".join(office_names[code] for code in spec.offices)
            label = ", ".join(str(Role(r).label) for r in spec.roles)
            rows.append((label, spec.username, offices, passwords[spec.username]))
        rows.append(
            ("Administrator (reference data)", ADMIN_USERNAME, "—", passwords[ADMIN_USERNAME])
        )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(
            [
                "",
                f"Homeward demo: sign in at {DEMO_URL}",
                "(new passwords on every run; the administrator uses /admin/ for reference data)",
                "",
                *lines,
                "",
            ]
        )
