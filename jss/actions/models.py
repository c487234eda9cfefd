"""Support actions of the working council: what one institution does for a case, by when, followed through.

An action asks an institution taking part in a case (the station's own police institution, or one with an
active share) to do something by a due date: a service from the directory or free text, and what exactly
(encrypted: it may name people). The responsible institution reports progress in updates, with evidence when
it is done. A save based on an older `version` is refused (no silent overwrite).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jss.cases.models import Case
from jss.directory.models import Service
from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("support action", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("support action", "In progress")
        DONE = "done", pgettext_lazy("support action", "Done")
        CANCELLED = "cancelled", pgettext_lazy("support action", "Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    institution = models.ForeignKey(
        Institution, verbose_name=_("responsible institution"), on_delete=models.PROTECT, related_name="actions"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_text = models.CharField(_("service (free text)"), max_length=200, blank=True)
    # The working council meeting that agreed the action (None: added on the case page between meetings).
    meeting = models.ForeignKey(
        "council.Meeting", verbose_name=_("agreed at"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="actions",
    )  # fmt: skip
    description = EncryptedTextField(_("what exactly"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # When the last reminder e-mail went out (remind_actions): at most one a week per action.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Raised by every save through the services: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        indexes = [
            models.Index(fields=["institution", "status", "due_on"], name="actions_inbox_idx"),
            # The inbox's latest finished actions: read in order, 20 of the busiest institution's 2,500.
            models.Index(
                fields=["institution", "-updated_at", "-id"], name="actions_finished_idx",
                condition=models.Q(status__in=["done", "cancelled"]),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CANCELLED)

    @property
    def is_overdue(self) -> bool:
        return not self.is_finished and self.due_on < timezone.localdate()

    @property
    def service_name(self) -> str:
        """The directory service's name, else the free text (neither names a person)."""
        return self.service.name if self.service is not None else self.service_text


class ActionUpdate(models.Model):
    """Progress on an action, reported by the responsible institution (or the case's coordinator or lead)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField(_("progress"), blank=True)
    status_from = models.CharField(max_length=12, choices=Action.Status.choices)
    status_to = models.CharField(_("status"), max_length=12, choices=Action.Status.choices)
    evidence = EncryptedTextField(pgettext_lazy("support action", "evidence"), blank=True)

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"

    @property
    def changes_status(self) -> bool:
        return self.status_from != self.status_to
