"""How well the linkage has linked the demo's Person records: pairwise precision and recall against the
truth that generate_demo wrote (docs/demo-data.md, "Measuring linkage quality")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jss.demo.truth import linkage_quality, read_truth


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--truth", type=Path, default=settings.BASE_DIR / "var" / "demo-truth.json")

    def handle(self, *args: Any, truth: Path, **options: Any) -> None:
        if not truth.exists():
            raise CommandError(f"{truth} does not exist: run generate_demo first (it writes the truth)")
        try:
            entities = read_truth(truth)
        except ValueError as error:
            raise CommandError(str(error)) from error
        quality = linkage_quality(entities)
        pairs = quality.pairs
        self.stdout.write(
            f"Demo linkage quality: {pairs.records:,} of {len(entities):,} records of the truth in the database, "
            f"{len(set(entities.values())):,} real people.\n"
            f"pairwise precision {quality.precision:.4f}  recall {quality.recall:.4f}  F1 {quality.f1:.4f}  "
            f"(pairs: {pairs.true:,} true, {pairs.linked:,} linked, {pairs.correct:,} correct)"
        )
