from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.regions.models import PoliceStation


class User(AbstractUser):
    """A person who signs in. Korean names are one field, not first/last."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """Which institution a user works for and what they do in JSS. A user belongs to one institution."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        COORDINATOR = "coordinator", _("Station coordinator")
        PRACTITIONER = "practitioner", _("Practitioner")
        HEAD = "head", _("Head of institution")
        AUDITOR = "auditor", _("Data-protection auditor")
        ADMIN = "admin", _("Technical administrator")

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    station = models.ForeignKey(
        PoliceStation,
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        help_text=_("Required for station coordinators."),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=20, blank=True)
    casework = models.BooleanField(
        _("may record and see reports"),
        default=True,
        help_text=_("Practitioners and coordinators with this may record reports and see those of their institution."),
    )
    is_contact = models.BooleanField(
        _("JSS contact of the institution"),
        default=False,
        help_text=_("Keeps the institution's directory entry current and receives referrals."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="coordinator") & Q(station__isnull=False))
                | (~Q(role="coordinator") & Q(station__isnull=True)),
                name="membership_station_iff_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.institution})"
