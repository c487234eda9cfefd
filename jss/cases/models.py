"""Cases of the working council, how they come in (nominations) and with whom they are shared (lawfully).

A case gathers persons and reports (and through the persons their assessments and flags); it belongs to
the working council of one police station and has a lead institution. An institution sees a case only
through a share that records its legal basis: a person's consent (who, when, scope, until when) or a
statutory basis from the maintained list (jss.cases.bases). Every grant, revoke and view is audited.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField
from jss.people.models import Person, new_code
from jss.regions.models import PoliceStation


def new_case_code() -> str:
    return new_code("C-")


class Case(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_COUNCIL = "in_council", _("In council")
        PLAN_ACTIVE = "plan_active", _("Plan active")
        MONITORING = "monitoring", _("Monitoring")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        NO_REPEAT = "no_repeat", _("No repeat during monitoring")
        RISK_REDUCED = "risk_reduced", _("Risk reduced")
        MOVED_AWAY = "moved_away", _("Moved out of the area")
        REFERRED = "referred", _("Referred to another service")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_case_code, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOMINATED)
    station = models.ForeignKey(
        PoliceStation, verbose_name=_("working council"), on_delete=models.PROTECT, related_name="cases"
    )
    lead_institution = models.ForeignKey(
        Institution, verbose_name=_("lead institution"), on_delete=models.PROTECT, related_name="led_cases"
    )
    persons: models.ManyToManyField[Person, CasePerson] = models.ManyToManyField(
        Person, through="CasePerson", related_name="cases"
    )
    incidents = models.ManyToManyField(Incident, related_name="cases", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    declined_reason = EncryptedTextField(_("reason for declining"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = EncryptedTextField(_("closing note"), blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    # Raised by every save through the services: a save based on an older version is refused (no silent
    # overwrite when two people edit the same case).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["station", "status"], name="cases_station_status_idx")]

    def __str__(self) -> str:
        return self.code


class CasePerson(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", _("Victim")
        SUSPECT = "suspect", _("Suspect")
        CHILD = "child", _("Child in the household")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_person_once")]

    def __str__(self) -> str:
        return f"{self.case} {self.role} {self.person}"


class Nomination(models.Model):
    class Reason(models.TextChoices):
        REPEAT = "repeat", _("Repeat")
        ESCALATION = "escalation", _("Escalation")
        HIGH_RISK = "high_risk", _("High risk")
        CRITICAL_INDICATOR = "critical_indicator", _("Critical indicator")
        PROFESSIONAL_JUDGEMENT = "professional_judgement", _("Professional judgement")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the coordinator")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="nominations")
    institution = models.ForeignKey(
        Institution, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)  # Reason codes
    note = EncryptedTextField(_("note"), blank=True)
    flag = models.ForeignKey(
        "repeats.Flag", on_delete=models.SET_NULL, null=True, blank=True, related_name="nominations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    declined_reason = EncryptedTextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d}"

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class Share(models.Model):
    """An institution taking part in a case, on a recorded legal basis. Revoked shares are kept."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        STATUTE = "statute", _("Statutory basis")

    class Scope(models.TextChoices):
        FULL = "full", _("Full: names, reports and history")
        SUMMARY = "summary", _("Summary: case code, age band, district, risk — no names")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="case_shares")
    basis = models.CharField(_("legal basis"), max_length=10, choices=Basis.choices)
    statute = models.CharField(_("statutory basis"), max_length=60, blank=True)  # a jss.cases.bases code
    consent_given_by = EncryptedTextField(_("consent given by"), blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = EncryptedTextField(_("what the consent covers"), blank=True)
    consent_until = models.DateField(_("consent valid until"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.FULL)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = EncryptedTextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "institution"], condition=Q(revoked_at__isnull=True), name="one_open_share"
            ),
            models.CheckConstraint(
                condition=(Q(basis="statute") & ~Q(statute=""))
                | (Q(basis="consent") & Q(consent_given_on__isnull=False)),
                name="share_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.institution}"

    def is_active(self, today: datetime.date | None = None) -> bool:
        """Not revoked, and for consent: not past its end date."""
        if self.revoked_at is not None:
            return False
        if self.basis == self.Basis.CONSENT and self.consent_until is not None:
            return self.consent_until >= (today or timezone.localdate())
        return True


class ContactLog(models.Model):
    """A monitoring contact with the person a case is about (phone or visit, with their consent)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Home visit")
        MEETING = "meeting", _("Meeting at the institution")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("contacted on"))
    kind = models.CharField(_("kind of contact"), max_length=10, choices=Kind.choices)
    with_consent = models.BooleanField(_("with the person's consent"))
    reached = models.BooleanField(_("the person was reached"), default=True)
    note = EncryptedTextField(_("note"), blank=True)
    next_contact_by = models.DateField(_("next contact by"), null=True, blank=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring contact")
        verbose_name_plural = _("monitoring contacts")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.contacted_on}"


class CaseEvent(models.Model):
    """What happened to a case itself (nominated, accepted, shared, closed…): with the reports,
    assessments and flags of its persons, the case's timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.JSONField(default=dict, blank=True)  # codes and ids only, like the audit trail

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"
