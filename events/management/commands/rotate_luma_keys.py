"""`manage.py rotate_luma_keys`: re-encrypt lu.ma keys with the first FIELD_ENCRYPTION_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from events.services.secrets import luma_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every org's lu.ma API key with the first key in FIELD_ENCRYPTION_KEY "
        "(set it to 'new,old' first; drop 'old' afterwards)."
    )

    def handle(self, *args, **options) -> None:
        result = luma_keys_rotate()
        self.stdout.write(f"Re-encrypted {result.rotated} lu.ma key(s) with the first key.")
        if result.unreadable:
            raise CommandError(
                f"{len(result.unreadable)} key(s) could not be read with any configured key "
                f"and were left alone; these orgs must enter theirs again: "
                + ", ".join(result.unreadable)
            )
