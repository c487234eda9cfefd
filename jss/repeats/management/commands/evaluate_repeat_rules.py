"""Re-evaluate every repeat rule for everyone and expire what is due (run nightly, and after changing
data/rules/repeat-rules.yaml)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jss.lib.yamlfile import DataFileError
from jss.repeats.engine import evaluate_all


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="evaluate as of this time (ISO 8601, e.g. 2026-05-02T09:00+09:00)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            parsed = parse_datetime(options["now"])
            if parsed is None:
                raise CommandError(f"--now {options['now']!r} is not a date and time")
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        started = time.perf_counter()
        try:
            result = evaluate_all(now=now)
        except DataFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"repeat rules evaluated in {time.perf_counter() - started:.1f} s: {result.created} raised, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.expired} expired, "
            f"{result.suppressed} left dismissed, {result.conflicts} left to the next run"
        )
