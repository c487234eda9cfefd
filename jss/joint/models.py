"""The joint council of institution heads (공동대응협의체, issue 7): its meetings at the Jeju Police Agency
(two regular ones a year, extraordinary ones as needed) and the register of its policy decisions.

Nothing here is personal data: agenda titles, minutes and decisions are about policy, and a case review is
titled without names. A decision not done or dropped is carried to the agenda of every meeting scheduled
after it (jss.joint.services.schedule_meeting) until it is finished. Saves based on an older `version` are
refused (no silent overwrite).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jss.institutions.models import Institution
from jss.people.models import new_code
from jss.reports.sections import Section


def new_joint_meeting_code() -> str:
    return new_code("J-")


class JointMeeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held: minutes in draft")
        APPROVED = "approved", _("Minutes approved")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_joint_meeting_code, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.REGULAR)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    institutions: models.ManyToManyField[Institution, JointInvitation] = models.ManyToManyField(
        Institution, through="JointInvitation", related_name="joint_meetings"
    )
    minutes = models.TextField(_("minutes"), blank=True)  # policy, not people: no personal data
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every save through the services: editing the minutes on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("joint council meeting")
        verbose_name_plural = _("joint council meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.code


class JointInvitation(models.Model):
    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="invitations")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="joint_invitations")
    attended = models.BooleanField(_("attended"), null=True, blank=True)  # None: not recorded yet
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "institution"], name="joint_invite_once")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.institution}"


class JointAgendaItem(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Semiannual report")
        CASE_REVIEW = "case_review", _("Case review")
        POLICY = "policy", _("Policy item")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        UNDECIDED = "", _("Not discussed yet")
        NOTED = "noted", _("Discussed and noted")
        DECIDED = "decided", _("Decided")
        DEFERRED = "deferred", _("Deferred to the next meeting")

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # A report item: the period of the semiannual report.
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    # A policy item following up a decision (carried over until it is done or dropped); None: a new proposal.
    decision = models.ForeignKey(
        "PolicyDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    outcome = models.CharField(
        pgettext_lazy("agenda item", "outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    note = models.TextField(_("discussion note"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "decision"], condition=models.Q(decision__isnull=False), name="joint_decision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.position}"

    @property
    def carried(self) -> bool:
        """A decision of an earlier meeting, followed up here."""
        return self.decision_id is not None


class PolicyDecision(models.Model):
    """A decision of the joint council, followed until its owners have done it (or it is dropped)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("policy decision", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("policy decision", "In progress")
        DONE = "done", pgettext_lazy("policy decision", "Done")
        DROPPED = "dropped", pgettext_lazy("policy decision", "Dropped")

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)  # P-2025-03, per year
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what was decided"))
    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("decided at"), on_delete=models.PROTECT, related_name="decisions"
    )
    # The agenda item it was decided on (None: decided on no particular item).
    agenda_item = models.ForeignKey(
        JointAgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions_taken"
    )
    owners = models.ManyToManyField(Institution, verbose_name=_("owner institutions"), related_name="policy_decisions")
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    # The semiannual report's section (jss.reports.sections) and period that motivated the decision.
    section = models.CharField(_("report section"), max_length=20, choices=Section.choices, blank=True)
    period_start = models.DateField(_("report period from"), null=True, blank=True)
    period_end = models.DateField(_("report period to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("policy decision")
        verbose_name_plural = _("policy decisions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="joint_decision_status_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    @property
    def is_overdue(self) -> bool:
        return not self.is_finished and self.due_on < timezone.localdate()

    @property
    def status_style(self) -> str:
        """The CSS modifier of the status chip (the support actions' chips: dropped looks like cancelled)."""
        return "cancelled" if self.status == self.Status.DROPPED else self.status


class PolicyUpdate(models.Model):
    """A follow-up note on a decision, possibly changing its status, by an owner's head or the secretariat."""

    decision = models.ForeignKey(PolicyDecision, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("follow-up note"), blank=True)
    status_from = models.CharField(max_length=12, choices=PolicyDecision.Status.choices)
    status_to = models.CharField(_("status"), max_length=12, choices=PolicyDecision.Status.choices)
    # The fields of the decision the secretariat changed in an edit (empty for a follow-up note).
    changed = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("policy follow-up")
        verbose_name_plural = _("policy follow-ups")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision} {self.at:%Y-%m-%d}"

    @property
    def changes_status(self) -> bool:
        return self.status_from != self.status_to
