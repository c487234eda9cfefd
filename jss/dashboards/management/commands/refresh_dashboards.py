from typing import Any

from django.core.management.base import BaseCommand

from jss.dashboards.services import refresh_dashboards


class Command(BaseCommand):
    help = (
        "Compute and keep the semiannual report's figures the dashboards read: the current half-year to date and "
        "the last complete half-year, for the province, every police station and every active member institution "
        "(run nightly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        refreshed = refresh_dashboards()
        self.stdout.write(
            f"{refreshed.reports} reports kept in {refreshed.seconds:.1f} s (slowest {refreshed.slowest:.1f} s)."
        )
