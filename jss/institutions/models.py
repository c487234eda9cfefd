from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jss.lib.names import localized
from jss.regions.models import PoliceStation, Region


class Institution(models.Model):
    """A member (or applicant) institution of the council."""

    class Category(models.TextChoices):
        POLICE_AGENCY = "police_agency", _("Provincial police agency")
        POLICE_STATION = "police_station", _("Police station")
        AUTONOMOUS_POLICE = "autonomous_police", _("Autonomous police")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        COMMUNITY_CENTRE = "community_centre", _("Community service centre")
        EDUCATION = "education", _("Education office")
        SCHOOL = "school", _("School")
        CHILD_PROTECTION = "child_protection", _("Child protection agency")
        ELDER_PROTECTION = "elder_protection", _("Elder protection agency")
        DISABILITY_PROTECTION = "disability_protection", _("Disability rights agency")
        DEVELOPMENTAL_DISABILITY = "developmental_disability", _("Developmental disability support centre")
        WOMENS_COUNSELLING = "womens_counselling", _("Women's counselling centre")
        WOMEN_HOTLINE = "women_hotline", _("Women's emergency hotline 1366")
        SUNFLOWER_CENTRE = "sunflower_centre", _("Sunflower centre")
        VICTIM_SUPPORT = "victim_support", _("Crime victim support")
        SHELTER = "shelter", _("Shelter")
        HOSPITAL = "hospital", _("Hospital")
        LEGAL_AID = "legal_aid", _("Legal aid")
        MENTAL_HEALTH = "mental_health", _("Mental health centre")
        ADDICTION = "addiction", _("Addiction centre")
        MIGRANT_SUPPORT = "migrant_support", _("Migrant support centre")
        FAMILY_CENTRE = "family_centre", _("Family centre")
        YOUTH_COUNSELLING = "youth_counselling", _("Youth counselling centre")
        SOCIAL_WELFARE = "social_welfare", _("Social welfare centre")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active member")
        LEFT = "left", _("Left")

    key = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="institutions")
    station = models.OneToOneField(
        PoliceStation,
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institution",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    hosts_secretariat = models.BooleanField(_("hosts the secretariat"), default=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_ko"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(category="police_station", station__isnull=False) | ~Q(category="police_station"),
                name="institution_police_station_has_station",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(member_since__isnull=False),
                name="institution_active_has_member_since",
            ),
            models.UniqueConstraint(
                fields=["hosts_secretariat"],
                condition=Q(hosts_secretariat=True),
                name="institution_one_secretariat",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_ko, self.description_en)
