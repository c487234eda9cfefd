from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jss.people.services import rotate_field_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt personal fields with the newest key in JSS_FIELD_KEYS (put the new key first, keep the old "
        "ones until this has run). --reindex also recomputes blind indexes after JSS_BLIND_INDEX_KEY changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reindex", action="store_true")

    def handle(self, *args: Any, reindex: bool, **options: Any) -> None:
        rotation = rotate_field_keys(reindex=reindex)
        self.stdout.write(f"{rotation.rows} rows read, {rotation.values} values re-encrypted with the newest key.")
