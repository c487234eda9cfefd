"""Reports per month, counted by the nightly refresh (`refresh_dashboards`) for the dashboards' trend lines:
counting two years of reports month by month in a request took up to 2 s at national scale."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReports(models.Model):
    """How many reports were made in one calendar month in one scope ("province" or "station:<id>", as
    jss.reports.store.scope_key), as counted at `counted_at` (the current month: so far)."""

    scope_key = models.CharField(max_length=40)
    month = models.DateField(_("month"))  # its first day
    reports = models.PositiveIntegerField(_("reports"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("reports in a month")
        verbose_name_plural = _("reports per month")
        constraints = [models.UniqueConstraint(fields=["scope_key", "month"], name="monthly_reports_once")]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.month:%Y-%m}"
