"""Working council meetings of a police station: invitations, agenda, research notes, cause analysis,
attendance and minutes (issue 6, item 4). Support actions are jss.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jss.cases.models import Case
from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField
from jss.people.models import new_code
from jss.regions.models import PoliceStation


def new_meeting_code() -> str:
    return new_code("M-")


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held: minutes in draft")
        APPROVED = "approved", _("Minutes approved")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_meeting_code, editable=False)
    station = models.ForeignKey(
        PoliceStation, verbose_name=_("working council"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    institutions: models.ManyToManyField[Institution, Invitation] = models.ManyToManyField(
        Institution, through="Invitation", related_name="council_meetings"
    )
    minutes = EncryptedTextField(_("minutes"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every save through the services: editing the minutes on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("working council meeting")
        verbose_name_plural = _("working council meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.code


class Invitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="council_invitations")
    attended = models.BooleanField(_("attended"), null=True, blank=True)  # None: not recorded yet
    invited_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "institution"], name="council_invite_once")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.institution}"


class AgendaItem(models.Model):
    class Decision(models.TextChoices):
        UNDECIDED = "", _("Not discussed yet")
        DISCUSSED = "discussed", _("Discussed: plan agreed")
        MONITOR = "monitor", _("Discussed: monitoring")
        DEFERRED = "deferred", _("Deferred to the next meeting")
        CLOSE = "close", _("Discussed: to be closed")

    class Rating(models.TextChoices):
        NONE = "", _("Not re-rated")
        CAUTION = "caution", _("Caution (주의)")
        CRISIS = "crisis", _("Crisis (위기)")
        SEVERE = "severe", _("Severe (심각)")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=20, default="new")  # "new" (accepted case) or "review" (open actions)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    risk_rating = models.CharField(_("risk re-rating"), max_length=10, choices=Rating.choices, blank=True, default="")
    note = EncryptedTextField(_("discussion note"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)  # the chair's timer
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="council_case_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.case}"


class ResearchNote(models.Model):
    """What an invited institution knows about a case, added before the meeting."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="research_notes")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("what your institution knows"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.institution}"


class CauseFinding(models.Model):
    """One coded cause the council found for a case (jss.council.causes)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="causes")
    factor = models.CharField(_("cause"), max_length=40)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "factor"], name="council_cause_once")]

    def __str__(self) -> str:
        return f"{self.item} {self.factor}"
