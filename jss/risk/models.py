"""Risk identification: assessments of a person with an instrument pack (jss.risk.packs).

A pack is data (YAML, versioned); an assessment stores the pack's id and version, every answer, the
computed score and band, and a professional's different band with the reason. Scores identify risk
factors; they are never presented as predictions (docs/risk-packs.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField
from jss.people.models import Person, new_code


def new_assessment_code() -> str:
    return new_code("A-")


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        COMPLETE = "complete", _("Complete")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_assessment_code, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assessments")
    incident = models.ForeignKey(
        Incident, verbose_name=_("report"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assessments",
    )  # fmt: skip
    pack_id = models.CharField(_("instrument"), max_length=60)
    pack_version = models.PositiveIntegerField(_("instrument version"))
    domain = models.CharField(_("kind of violence"), max_length=20, choices=Incident.Domain.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # {item id: "yes" | "no" | "unknown"}
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    unknown_count = models.PositiveIntegerField(_("unknown answers"), default=0)
    unknown_weight = models.PositiveIntegerField(default=0)
    band = models.CharField(_("band"), max_length=30, blank=True)  # as computed
    possible_band = models.CharField(max_length=30, blank=True)  # if every unknown were yes
    critical_items = models.JSONField(default=list, blank=True)  # ids of critical items answered yes
    override_band = models.CharField(_("band set by the professional"), max_length=30, blank=True)
    override_reason = EncryptedTextField(_("reason for the different band"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="assessments"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    reassess_by = models.DateField(_("reassess by"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            # One assessment in progress per person, instrument and assessor: starting again resumes it.
            models.UniqueConstraint(
                fields=["person", "pack_id", "assessor"], condition=Q(status="draft"), name="risk_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["person", "-completed_at"], name="risk_person_history_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def final_band(self) -> str:
        """The band that counts: the professional's when set, else the computed one."""
        return self.override_band or self.band

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_band) and self.override_band != self.band
