"""Computed reports, kept: computing the semiannual report takes seconds for Jeju and up to half a minute at
national scale, so pages read the last computation (`jss.reports.store`) and a nightly command refreshes it
(`compute_reports`, docs/operations.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.regions.models import PoliceStation


class Snapshot(models.Model):
    """The whole report (every figure, unsuppressed) for one period and scope, as computed at `computed_at`.
    The payload is a pickle signed with a key derived from JSS_SECRET_KEY: it is read back only when the
    signature matches (jss.reports.store)."""

    scope_key = models.CharField(max_length=40)  # "province", "station:<id>" or "institution:<id>"
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    station = models.ForeignKey(PoliceStation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # None: the nightly command
    seconds = models.FloatField(_("seconds to compute"))
    payload = models.BinaryField()
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("computed report")
        verbose_name_plural = _("computed reports")
        constraints = [models.UniqueConstraint(fields=["scope_key", "start", "end"], name="report_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"
