"""Incidents (112 calls and reports from any institution) and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField
from jss.people.models import Person, new_code
from jss.regions.models import Region

# Yes/no facts of an incident: severity markers first, then circumstances.
SEVERITY_FIELDS = ("injury", "weapon", "strangulation", "threat_to_kill", "sexual_violence", "pregnancy")
MARKER_FIELDS = (*SEVERITY_FIELDS, "alcohol", "children_present")
# What recording an incident copies from the report onto the Incident row (intake and both import paths).
INCIDENT_FIELDS = ("domain", "occurred_at", "reported_at", "source", "source_reference", "reporting_institution",
                   "region", *MARKER_FIELDS, "police_measures", "narrative")  # fmt: skip


def new_incident_code() -> str:
    return new_code("I-")


class Incident(models.Model):
    class Domain(models.TextChoices):
        DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
        CHILD_ABUSE = "child_abuse", _("Child abuse")
        ELDER_ABUSE = "elder_abuse", _("Elder abuse")
        DISABILITY_ABUSE = "disability_abuse", _("Abuse of a disabled person")
        SCHOOL_VIOLENCE = "school_violence", _("School violence")
        SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
        STALKING = "stalking", _("Stalking")
        DATING_VIOLENCE = "dating_violence", _("Dating violence")

    class Source(models.TextChoices):
        POLICE_112 = "112", _("112 call")
        HOTLINE_1366 = "1366", _("Women's hotline 1366")
        CHILD_PROTECTION = "child_protection", _("Child protection agency")
        ELDER_PROTECTION = "elder_protection", _("Elder protection agency")
        DISABILITY_PROTECTION = "disability_protection", _("Disability rights agency")
        SCHOOL = "school", _("School")
        HOSPITAL = "hospital", _("Hospital")
        COUNSELLING = "counselling", _("Counselling centre")
        SELF_REPORT = "self_report", _("Self-report")
        OTHER = "other", _("Other institution")

    class PoliceMeasure(models.TextChoices):
        ON_SCENE_CLOSURE = "on_scene_closure", _("Closed on the scene (현장종결)")
        EMERGENCY_MEASURES = "emergency_measures", _("Emergency measures (응급조치)")
        EMERGENCY_TEMPORARY_ORDER = "emergency_temporary_order", _("Emergency temporary order (긴급임시조치)")
        TEMPORARY_ORDER = "temporary_order", _("Temporary order (임시조치)")
        PROTECTION_ORDER = "protection_order", _("Victim protection order (피해자보호명령)")
        ARREST = "arrest", _("Arrest")
        BOOKED = "booked", _("Booked as a criminal case (입건)")
        REFERRED = "referred", _("Referred to a support institution")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_incident_code, editable=False)
    domain = models.CharField(_("kind of violence"), max_length=20, choices=Domain.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    source = models.CharField(_("source"), max_length=25, choices=Source.choices)
    source_reference = models.CharField(
        _("source reference number"), max_length=60, blank=True, help_text=_("The 112 or case number at the source.")
    )
    reporting_institution = models.ForeignKey(
        Institution, verbose_name=_("reporting institution"), on_delete=models.PROTECT, related_name="incidents"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("eup/myeon/dong"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    injury = models.BooleanField(_("injury"), default=False)
    weapon = models.BooleanField(_("weapon or dangerous object"), default=False)
    strangulation = models.BooleanField(_("strangulation or choking"), default=False)
    threat_to_kill = models.BooleanField(_("threat to kill"), default=False)
    sexual_violence = models.BooleanField(_("sexual violence"), default=False)
    pregnancy = models.BooleanField(_("victim pregnant"), default=False)
    alcohol = models.BooleanField(_("suspect drunk"), default=False)
    children_present = models.BooleanField(_("children present"), default=False)
    police_measures = models.JSONField(_("police measures"), default=list, blank=True)
    narrative = EncryptedTextField(_("what happened"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_institution", "source", "source_reference"],
                condition=~Q(source_reference=""),
                name="incident_source_reference_unique",
            ),
            models.CheckConstraint(condition=Q(reported_at__gte=F("occurred_at")), name="incident_reported_after"),
        ]
        indexes = [models.Index(fields=["region", "reported_at"], name="incident_region_reported_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def booked(self) -> bool:
        return self.PoliceMeasure.BOOKED in self.police_measures

    @property
    def severity_markers(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in SEVERITY_FIELDS
            if getattr(self, name)
        ]


class Party(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", _("Victim")
        SUSPECT = "suspect", _("Suspect")
        REPORTER = "reporter", _("Reporter")
        WITNESS = "witness", _("Witness")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["incident", "person", "role"], name="party_unique_role")]

    def __str__(self) -> str:
        return f"{self.incident} {self.role} {self.person}"
