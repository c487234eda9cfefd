from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jss.directory.services import TAXONOMY_FILE, load_taxonomy
from jss.lib.yamlfile import DataFileError


class Command(BaseCommand):
    help = "Load (or update) the directory taxonomy: support targets, service types, languages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", default=TAXONOMY_FILE)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            changed = load_taxonomy(path)
        except DataFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{path}: {changed} terms created or changed.")
