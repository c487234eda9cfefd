"""Delete uploaded import files whose hour has passed (run it from cron, e.g. every 15 minutes).

Uploads are also deleted after their import, when cancelled, and whenever someone uploads a new file;
this command makes sure an abandoned upload does not outlive its hour when nobody uploads for a while.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jss.imports.services import discard_expired_pending_imports


class Command(BaseCommand):
    help = "Delete uploaded import files that have expired (older than an hour)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = discard_expired_pending_imports()
        self.stdout.write(f"Deleted {deleted} expired upload(s).")
