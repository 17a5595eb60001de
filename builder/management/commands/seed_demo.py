"""`manage.py seed_demo`: the demo application and its admin user (see builder.demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from builder.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo workspace, the Dropbox portal application and an admin user."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo()
        verb = "Seeded" if result.created else "Found"
        self.stdout.write(f"{verb} the demo application (id {result.application_id}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in as '{result.username}' with password '{result.password}' "
                f"(kept in var/demo-admin-password)."
            )
        )
        self.stdout.write(
            f"Editor: /editor/   Portal: /apps/{result.application_id}/   Admin: /admin/"
        )
