"""Import incidents from a large spreadsheet (the web upload stops at 10,000 rows).

    python manage.py import_incidents FILE --institution KEY [--user USERNAME] [--source SOURCE] [--dry-run]

Prints every problem by row and column, then the counts. With --dry-run nothing is saved.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jss.accounts.access import membership_of
from jss.accounts.models import User
from jss.imports import services
from jss.imports.reader import ReadError, read_table
from jss.imports.validation import RowProblem
from jss.incidents.models import Incident
from jss.institutions.models import Institution


class Command(BaseCommand):
    help = "Import incidents from a CSV or XLSX file in the import template (docs/import-template.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--institution", required=True, help="key of the reporting institution")
        parser.add_argument("--user", help="username recorded as the one who imported (a member of the institution)")
        parser.add_argument(
            "--source",
            choices=Incident.Source.values,
            help="source of rows without a 신고경로 value (default: by the institution's kind)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(key=options["institution"]).first()
        if institution is None:
            raise CommandError(f"no institution with the key {options['institution']!r}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            membership = membership_of(actor)
            if actor is None or membership is None or membership.institution_id != institution.pk:
                raise CommandError(f"{options['user']!r} is not an active member of {institution.key}")
        source = options["source"] or services.default_source_for(institution)
        started = time.perf_counter()
        try:
            table = read_table(options["file"].read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from error
        except ReadError as error:
            raise CommandError(str(error)) from error
        if options["dry_run"]:
            preview = services.preview_table(table, institution=institution, source_default=source)
            self._problems(preview.problems)
            self.stdout.write(
                f"Dry run: {preview.rows} rows; {len(preview.to_create)} would be created, "
                f"{len(preview.unchanged_rows)} unchanged, {preview.rows_with_problems} with problems. "
                f"Nothing was saved ({time.perf_counter() - started:.1f} s)."
            )
            return
        try:
            result = services.import_rows(table, institution=institution, actor=actor, source_default=source)
        except services.IncidentImportError as error:
            raise CommandError(str(error)) from error
        self._problems([*result.notices, *result.skipped])
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.created}, unchanged {result.unchanged}, rows not imported {result.skipped_rows} "
                f"({time.perf_counter() - started:.1f} s)."
            )
        )

    def _problems(self, problems: list[RowProblem]) -> None:
        for problem in problems:
            column = f", {problem.column}" if problem.column else ""
            self.stdout.write(f"row {problem.row}{column}: {problem.message}")
