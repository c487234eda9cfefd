"""The support directory, shaped like Open Referral HSDS 3.0.

HSDS organization = `institutions.Institution`; here are its locations, phones and services, the
taxonomy they are described with, the record of every change, and applications to join the network.
See docs/hsds-mapping.md for how each field maps to HSDS.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.lib.names import localized
from jss.regions.models import Region


class TaxonomyTerm(models.Model):
    class Vocabulary(models.TextChoices):
        TARGET = "target", _("Support target")
        SERVICE_TYPE = "service_type", _("Service type")
        LANGUAGE = "language", _("Language")

    vocabulary = models.CharField(_("vocabulary"), max_length=20, choices=Vocabulary.choices)
    code = models.SlugField(_("code"), max_length=40)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["vocabulary", "position"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="taxonomy_term_unique_code")]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)


class Location(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="locations")
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ko = models.CharField(_("name"), max_length=150, blank=True)
    address_ko = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    is_confidential = models.BooleanField(
        _("confidential location"), default=False, help_text=_("Shelters: the address is never published.")
    )
    accessibility_ko = models.CharField(_("accessibility"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name_ko or self.address_ko


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")

    class Fee(models.TextChoices):
        FREE = "free", _("Free")
        PARTLY_FREE = "partly_free", _("Free for some")
        PAID = "paid", _("Paid")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="services")
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ko = models.CharField(_("name (Korean)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_ko = models.TextField(_("description (Korean)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    targets = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("support targets"),
        related_name="+",
        limit_choices_to={"vocabulary": "target"},
    )
    types = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("service types"),
        related_name="+",
        limit_choices_to={"vocabulary": "service_type"},
    )
    languages = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("languages"),
        related_name="+",
        limit_choices_to={"vocabulary": "language"},
    )
    eligibility_ko = models.CharField(_("eligibility (Korean)"), max_length=300, blank=True)
    eligibility_en = models.CharField(_("eligibility (English)"), max_length=300, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    fee = models.CharField(_("fee"), max_length=12, choices=Fee.choices, default=Fee.FREE)
    fee_note_ko = models.CharField(_("fee note"), max_length=200, blank=True)
    how_to_apply_ko = models.TextField(_("how to apply or refer (Korean)"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply or refer (English)"), blank=True)
    service_area = models.ForeignKey(Region, verbose_name=_("service area"), on_delete=models.PROTECT, related_name="+")
    referral_contact = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("JSS contact for referrals"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    always_open = models.BooleanField(_("open 24 hours, every day"), default=False)
    open_on_holidays = models.BooleanField(_("open on public holidays"), default=False)
    # Lower-case, space-free text of everything searchable (see jss.directory.search.normalize).
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name_ko", "name_ko"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=F("maximum_age")),
                name="service_age_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="directory_service_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_ko, self.description_en)

    @property
    def eligibility(self) -> str:
        return localized(self.eligibility_ko, self.eligibility_en)

    @property
    def how_to_apply(self) -> str:
        return localized(self.how_to_apply_ko, self.how_to_apply_en)

    @property
    def ages(self) -> str:
        """ "9–24세", "65세 이상", "17세 이하", or "" without age limits (on screen and in the booklet)."""
        low, high = self.minimum_age, self.maximum_age
        if low is not None and high is not None:
            return gettext("Ages %(minimum)s–%(maximum)s") % {"minimum": low, "maximum": high}
        if low is not None:
            return gettext("Age %(minimum)s and over") % {"minimum": low}
        if high is not None:
            return gettext("Up to age %(maximum)s") % {"maximum": high}
        return ""


class OpeningHours(models.Model):
    """One opening period of a service on one weekday (0 = Monday). Overnight periods are split in two."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="hours")
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Phone(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main number")
        HOTLINE = "hotline", _("24-hour hotline")
        FAX = "fax", _("Fax")
        OTHER = "other", _("Other")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    description_ko = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class EntryChange(models.Model):
    """What changed in an institution's directory entry, by whom; the secretariat reviews these."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        DELETED = "deleted", _("Deleted")
        VERIFIED = "verified", _("Verified as current")
        IMPORTED = "imported", _("Imported")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="entry_changes")
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject = models.CharField(_("what"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("entry change")
        verbose_name_plural = _("entry changes")

    def __str__(self) -> str:
        return f"{self.subject} {self.kind}"


class MembershipApplication(models.Model):
    """A new institution's application to join the council, decided by the secretariat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name_ko = models.CharField(_("institution name (Korean)"), max_length=150)
    name_en = models.CharField(_("institution name (English)"), max_length=150, blank=True)
    category = models.CharField(_("kind of institution"), max_length=30, choices=Institution.Category.choices)
    region = models.ForeignKey(Region, verbose_name=_("eup/myeon/dong"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("main phone"), max_length=20)
    email = models.EmailField(_("institution e-mail"))
    website = models.URLField(_("website"), blank=True)
    services_ko = models.TextField(_("services you offer"))
    service_targets = models.JSONField(_("who you support"), default=list)
    service_types = models.JSONField(_("kinds of support"), default=list)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    institution = models.OneToOneField(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="application_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ko
