from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jss.directory.services import notify_stale_entries


class Command(BaseCommand):
    help = "E-mail the contacts of directory entries not confirmed for six months, and the secretariat (run weekly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site-url", default="http://127.0.0.1:8000", help="the address people open JSS at")

    def handle(self, *args: Any, site_url: str, **options: Any) -> None:
        notice = notify_stale_entries(now=timezone.now(), site_url=site_url)
        self.stdout.write(f"{notice.institutions} stale entries, {notice.messages} e-mails.")
