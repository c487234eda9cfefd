"""Flags raised by the repeat rules, and proposals of flagged cases to the working council.

A flag is about one subject: a person, a victim–suspect pair, or a household (people linked by
domestic-violence incidents or sharing a Household record). It is raised by incidents, or (the
risk-identification rule) by a person's risk assessments with their reports, if any. `persons` holds
everyone the flag is about, whatever the subject, so "the flags about this person" is one query; the
subject's own fields (person, victim and suspect, household) say which kind it is. At most one open
(active or proposed) flag exists per subject and rule: a new firing updates it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jss.incidents.models import Incident
from jss.people.models import Household, Person
from jss.regions.models import PoliceStation


class Flag(models.Model):
    class Subject(models.TextChoices):
        PERSON = "person", _("Person")
        PAIR = "pair", _("Victim and suspect")
        HOUSEHOLD = "household", _("Household")

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("repeat flag state", "Active")
        PROPOSED = "proposed", _("Proposed to the council")
        DISMISSED = "dismissed", _("Dismissed")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.ACTIVE, State.PROPOSED)

    subject_type = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    # "person:12", "pair:12-34" (victim-suspect), "household:12" (the lowest person id in the household).
    subject_key = models.CharField(max_length=60, db_index=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    victim = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    suspect = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    persons = models.ManyToManyField(Person, related_name="repeat_flags")
    rule_id = models.CharField(_("rule"), max_length=50)
    rule_version = models.PositiveIntegerField(_("rule file version"))
    severity = models.PositiveSmallIntegerField(_("severity"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    fired_at = models.DateTimeField(_("raised at"), help_text=_("The report time of the incident that last fired it."))
    expires_at = models.DateTimeField(_("expires at"))
    explanation_ko = models.TextField(_("explanation (Korean)"))
    explanation_en = models.TextField(_("explanation (English)"))
    incidents = models.ManyToManyField(Incident, related_name="repeat_flags")
    assessments = models.ManyToManyField("risk.Assessment", related_name="repeat_flags", blank=True)
    station = models.ForeignKey(
        PoliceStation,
        verbose_name=_("police station"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeat_flags",
        help_text=_("Whose jurisdiction the newest incident is in."),
    )
    dismissed_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("repeat flag")
        verbose_name_plural = _("repeat flags")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "rule_id"],
                condition=Q(state__in=["active", "proposed"]),
                name="repeats_flag_one_open_per_subject_rule",
            ),
            models.CheckConstraint(
                condition=(Q(subject_type="person") & Q(person__isnull=False))
                | (Q(subject_type="pair") & Q(victim__isnull=False) & Q(suspect__isnull=False))
                | Q(subject_type="household"),
                name="repeats_flag_subject_filled",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "state", "-severity", "-fired_at"], name="repeats_flag_triage_idx"),
            models.Index(fields=["state", "expires_at"], name="repeats_flag_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_key}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def explanation(self, language: str) -> str:
        return self.explanation_en if language == "en" else self.explanation_ko


class Proposal(models.Model):
    """A flagged case proposed for the working council's agenda (the council case comes later)."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal to the council")
        verbose_name_plural = _("proposals to the council")

    def __str__(self) -> str:
        return f"{self.flag} {self.created_at:%Y-%m-%d}"
