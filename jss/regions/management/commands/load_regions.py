from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jss.lib.yamlfile import DataFileError
from jss.regions.services import load_region_file


class Command(BaseCommand):
    help = "Load (or update) a province's regions and police stations from a YAML data file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="e.g. data/regions/jeju.yaml")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = load_region_file(path)
        except DataFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{path}: regions {result.regions_created} created, {result.regions_updated} updated; "
            f"police stations {result.stations_created} created, {result.stations_updated} updated."
        )
