"""Compare every person with every other (Splink on DuckDB, jss.linkage.model), merge the pairs above the
automatic threshold and send the rest to the review queue, keeping every earlier decision. Run nightly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jss.linkage.model import Thresholds
from jss.people.linking import run_linkage


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--auto-link", type=float, default=Thresholds.auto_link,
                            help="merge pairs at or above this match probability (default %(default)s)")  # fmt: skip
        parser.add_argument("--review", type=float, default=Thresholds.review,
                            help="send pairs from this probability up to review (default %(default)s)")  # fmt: skip
        parser.add_argument("--memory-limit", default="2GB", help="DuckDB's memory limit (default %(default)s)")

    def handle(self, *args: Any, auto_link: float, review: float, memory_limit: str, **options: Any) -> None:
        try:
            thresholds = Thresholds(auto_link=auto_link, review=review)
        except ValueError as error:
            raise CommandError(str(error)) from error
        run = run_linkage(thresholds=thresholds, memory_limit=memory_limit)
        self.stdout.write(
            f"linkage run {run.pk}: {run.records} persons compared in {run.seconds:.1f} s; {run.merged} merged, "
            f"{run.queued} sent for review, {run.kept_apart} kept apart{f' ({run.note})' if run.note else ''}"
        )
