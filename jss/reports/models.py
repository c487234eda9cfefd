"""Computed reports, kept: computing the semiannual report takes seconds for Jeju and up to half a minute at
national scale, so pages read the last computation (`jss.reports.store`) and a nightly command refreshes it
(`compute_reports`, docs/operations.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField
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


class CaseReview(models.Model):
    """An anonymised account of one case for the joint council: written by who works on the case (the station's
    coordinator or the lead institution), without names or identifying detail; the secretariat chooses which
    go into the semiannual report of a period. The case link stays inside JSS (the report shows title and text
    only)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CHOSEN = "chosen", _("Chosen for the report")
        SET_ASIDE = "set_aside", _("Not chosen")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(_("title"), max_length=120)
    text = EncryptedTextField(_("the case, anonymised"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    start = models.DateField(_("report from"), null=True, blank=True)  # the report period it was chosen for
    end = models.DateField(_("report to"), null=True, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return self.title
