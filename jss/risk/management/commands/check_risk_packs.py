"""Validate the risk instrument packs: every pack in data/risk-packs and the council's folders
(JSS_RISK_PACK_DIRS), or the files and folders given. One line per pack; exit status 1 on any error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jss.risk.packs import pack_dirs, validate_all


class Command(BaseCommand):
    help = __doc__
    requires_system_checks: list[str] = []  # it is the check: a bad pack must be reported, not stop the command

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="pack files or folders (default: every pack folder)")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        if not paths:
            self.stdout.write("pack folders: " + ", ".join(str(folder) for folder in pack_dirs()))
        packs, errors = validate_all(paths or None)
        for pack in packs:
            validated = "validated" if pack.licence.validated else "NOT validated"
            self.stdout.write(
                f"ok     {pack.id} v{pack.version}  {pack.domain}  {len(pack.items)} items "
                f"({len(pack.critical_items)} critical)  {len(pack.bands)} bands  {validated}  "
                f"{pack.licence.licence}  {pack.path}"
            )
        for error in errors:
            self.stdout.write(f"error  {error}")
        if errors:
            raise CommandError(
                f"{len(errors)} pack problem{'s' if len(errors) != 1 else ''}. JSS loads no pack at all while a file "
                "in its pack folders is refused: fix or remove the file, then run check_risk_packs again."
            )
        if not packs:
            self.stdout.write("no pack files found")
