from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jss.actions.services import remind_actions


class Command(BaseCommand):
    help = "E-mail who is responsible for support actions due within three days or overdue (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site-url", default="http://127.0.0.1:8000", help="the address people open JSS at")

    def handle(self, *args: Any, site_url: str, **options: Any) -> None:
        notice = remind_actions(now=timezone.now(), site_url=site_url)
        self.stdout.write(f"{notice.actions} actions reminded, {notice.messages} e-mails.")
