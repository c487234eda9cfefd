"""Writes on the joint council: schedule a meeting (its agenda carries every unfinished policy decision),
agenda items and their outcomes, attendance, policy decisions and their follow-up, minutes (drafted from
the agenda and the decisions, saved with a version check, approved only when every item is settled, then
locked). Only the secretariat runs the council; the heads of a decision's owner institutions follow it up.
Every write is audited in its transaction; invitations are e-mailed after it commits."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import membership_of
from jss.audit.services import record
from jss.institutions.models import Institution
from jss.joint.access import follows_up, is_secretariat
from jss.joint.models import JointAgendaItem, JointInvitation, JointMeeting, PolicyDecision, PolicyUpdate
from jss.lib.ical import calendar_event
from jss.reports.periods import Period
from jss.reports.sections import Section

UNFINISHED = (PolicyDecision.Status.OPEN, PolicyDecision.Status.IN_PROGRESS)


class JointError(Exception):
    """A write that cannot be done. `field` names the form field it is about; `problems` holds every
    problem by field when there are several (jss.lib.forms.show_refusal puts them on the form)."""

    def __init__(self, message: str, *, field: str | None = None, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems or ({field: message} if field else {})


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise JointError(message, field=field, problems=problems)


def _require_secretariat(actor: Any, message: str) -> None:
    if not is_secretariat(actor):
        raise JointError(message)


def _check_version(current: int, version: int | None) -> None:
    if version is not None and version != current:
        raise JointError(
            _("Someone else changed this meanwhile. Your text is kept below: check and save again."), field="version"
        )


def _lock_meeting(meeting: JointMeeting) -> JointMeeting:
    return JointMeeting.objects.select_for_update().get(pk=meeting.pk)


def _check_open(meeting: JointMeeting) -> None:
    if meeting.status == JointMeeting.Status.APPROVED:
        raise JointError(_("The minutes are approved: the meeting is locked."))


# --- scheduling ------------------------------------------------------------------------------------------------


@dataclass
class MeetingData:
    kind: str
    starts_at: datetime.datetime | None
    place: str
    video_link: str
    invited: Sequence[Institution]
    duration_minutes: int = 120


def check_meeting(data: MeetingData, *, now: datetime.datetime | None = None) -> dict[str, str]:
    """Every problem of a new meeting, by form field (empty: none)."""
    problems: dict[str, str] = {}
    if data.kind not in JointMeeting.Kind.values:
        problems["kind"] = _("Choose a regular or an extraordinary meeting.")
    if data.starts_at is None:
        problems["starts_at"] = _("Give the date and time of the meeting.")
    elif data.starts_at <= (now or timezone.now()):
        problems["starts_at"] = _("A meeting is scheduled in the future.")
    if not 15 <= data.duration_minutes <= 480:
        problems["duration_minutes"] = _("A meeting lasts between 15 minutes and 8 hours.")
    if not data.place.strip() and not data.video_link.strip():
        problems["place"] = _("Give a place or a video link.")
    if not data.invited:
        problems["invited"] = _("Invite at least one institution: each invited institution's head is invited.")
    return problems


def report_period(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last full half-year before `day`: the period a regular meeting's semiannual report covers."""
    period = Period.last_complete_half_year(day)
    return period.start, period.end


def report_title(start: datetime.date, end: datetime.date) -> str:
    return _("Semiannual report, %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _carry(decision: PolicyDecision, meeting: JointMeeting, position: int) -> JointAgendaItem:
    return JointAgendaItem(
        meeting=meeting, position=position, kind=JointAgendaItem.Kind.POLICY, decision=decision,
        title=f"{decision.code} {decision.title}",
    )  # fmt: skip


@transaction.atomic
def schedule_meeting(data: MeetingData, *, actor: Any) -> JointMeeting:
    """A meeting of the joint council. Its agenda: for a regular meeting, the semiannual report of the last
    full half-year; then every policy decision not done or dropped (carried over until it is finished)."""
    _require_secretariat(actor, _("Only the secretariat schedules the joint council."))
    _refuse(check_meeting(data))
    assert data.starts_at is not None
    meeting = JointMeeting.objects.create(
        kind=data.kind, starts_at=data.starts_at, duration_minutes=data.duration_minutes, place=data.place.strip(),
        video_link=data.video_link.strip(), created_by=actor,
    )  # fmt: skip
    invited = list(dict.fromkeys(data.invited))
    JointInvitation.objects.bulk_create([JointInvitation(meeting=meeting, institution=i) for i in invited])
    items: list[JointAgendaItem] = []
    if data.kind == JointMeeting.Kind.REGULAR:
        start, end = report_period(timezone.localtime(data.starts_at).date())
        items.append(
            JointAgendaItem(meeting=meeting, kind=JointAgendaItem.Kind.REPORT, title=report_title(start, end),
                            period_start=start, period_end=end, position=1)
        )  # fmt: skip
    unfinished = PolicyDecision.objects.filter(status__in=UNFINISHED).order_by("due_on", "pk")
    items += [_carry(decision, meeting, len(items) + n) for n, decision in enumerate(unfinished, start=1)]
    JointAgendaItem.objects.bulk_create(items)
    record(actor, "joint.schedule", meeting, {
        "kind": data.kind, "invited": [i.pk for i in invited],
        "carried": [item.decision_id for item in items if item.decision_id is not None],
    })  # fmt: skip
    transaction.on_commit(lambda: notify_invited(meeting))
    return meeting


def ical(meeting: JointMeeting, *, uid_domain: str = "jss") -> str:
    """The iCalendar invitation: time, place, link; no agenda in it."""
    return calendar_event(
        uid=f"{meeting.code}@{uid_domain}", starts_at=meeting.starts_at, minutes=meeting.duration_minutes,
        summary=_("JSS joint council: %(kind)s") % {"kind": meeting.get_kind_display()}, place=meeting.place,
        link=meeting.video_link, product="-//JSS//joint council//KO",
    )  # fmt: skip


def notify_invited(meeting: JointMeeting) -> int:
    """E-mail each invited institution's heads (or, without a head in JSS, the institution's address) the
    date, the place and the iCalendar invitation. The agenda and the papers are read in JSS."""
    from django.core.mail import EmailMessage

    from jss.accounts.models import Membership

    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    subject = _("JSS joint council: %(when)s") % {"when": when}
    body = _(
        "Your institution is invited to the %(kind)s of the joint council on %(when)s (%(place)s). "
        "The agenda and the papers are in JSS; the invitation is attached."
    ) % {"kind": meeting.get_kind_display(), "when": when, "place": meeting.place or meeting.video_link}
    attachment = ical(meeting)
    invitations = list(meeting.invitations.select_related("institution"))
    heads: dict[int, list[str]] = {}
    for institution_id, email in (
        Membership.objects.filter(
            institution__in=[i.institution_id for i in invitations], role=Membership.Role.HEAD, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("institution_id", "user__email")
    ):
        heads.setdefault(institution_id, []).append(email)
    sent = 0
    for invitation in invitations:
        email = invitation.institution.email
        recipients = heads.get(invitation.institution_id) or ([email] if email else [])
        if not recipients:
            continue
        message = EmailMessage(subject, body, None, recipients)
        message.attach(f"{meeting.code}.ics", attachment, "text/calendar")
        message.send()
        invitation.notified_at = timezone.now()
        invitation.save(update_fields=["notified_at"])
        sent += 1
    return sent


# --- the agenda ------------------------------------------------------------------------------------------------


@dataclass
class ItemData:
    kind: str
    title: str
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


def check_item(data: ItemData) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.kind not in JointAgendaItem.Kind.values:
        problems["kind"] = _("Choose the kind of item.")
    if data.kind == JointAgendaItem.Kind.REPORT:
        if data.period_start is None:
            problems["period_start"] = _("Give the first day of the report's period.")
        if data.period_end is None:
            problems["period_end"] = _("Give the last day of the report's period.")
        elif data.period_start is not None and data.period_end < data.period_start:
            problems["period_end"] = _("The period ends after it starts.")
    elif not data.title.strip():
        problems["title"] = _("Give the item a title (no names: a case review is titled without personal data).")
    return problems


@transaction.atomic
def add_item(meeting: JointMeeting, data: ItemData, *, actor: Any) -> JointAgendaItem:
    """An item added by the secretariat: a report for a period, a case review, a new policy proposal, other."""
    meeting = _lock_meeting(meeting)
    _require_secretariat(actor, _("The secretariat sets the agenda."))
    _check_open(meeting)
    _refuse(check_item(data))
    report = data.kind == JointAgendaItem.Kind.REPORT
    title = data.title.strip()
    if report and data.period_start and data.period_end:
        title = title or report_title(data.period_start, data.period_end)
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = JointAgendaItem.objects.create(
        meeting=meeting, kind=data.kind, title=title, position=position,
        period_start=data.period_start if report else None, period_end=data.period_end if report else None,
    )  # fmt: skip
    record(actor, "joint.item_add", meeting, {"item": item.pk, "kind": data.kind})
    return item


@transaction.atomic
def remove_item(item: JointAgendaItem, *, actor: Any) -> None:
    """Take an item added by hand off the agenda; a carried decision stays until it is finished."""
    meeting = _lock_meeting(item.meeting)
    _require_secretariat(actor, _("The secretariat sets the agenda."))
    _check_open(meeting)
    if item.decision_id is not None:
        raise JointError(_("A policy decision stays on the agenda until it is done or dropped."))
    if item.decisions_taken.exists():
        raise JointError(_("A decision was recorded on this item: it stays on the agenda."))
    record(actor, "joint.item_remove", meeting, {"item": item.pk, "kind": item.kind})
    item.delete()


@transaction.atomic
def record_outcome(item: JointAgendaItem, outcome: str, note: str, *, actor: Any) -> JointAgendaItem:
    """What the council did with an item: noted, decided (a decision was recorded on it), or deferred."""
    item = JointAgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _require_secretariat(actor, _("The secretariat records the council's outcomes."))
    _check_open(item.meeting)
    if not outcome or outcome not in JointAgendaItem.Outcome.values:
        raise JointError(_("Choose what the council did with this item."), field="outcome")
    if outcome == JointAgendaItem.Outcome.DECIDED and not item.decisions_taken.exists():
        raise JointError(
            _("Record the policy decision on this item first (below the agenda), or choose another outcome."),
            field="outcome",
        )
    item.outcome = outcome
    item.note = note.strip()
    item.save(update_fields=["outcome", "note"])
    record(actor, "joint.outcome", item.meeting, {"item": item.pk, "outcome": outcome})
    return item


@transaction.atomic
def set_attendance(meeting: JointMeeting, attended: Sequence[int], *, actor: Any) -> JointMeeting:
    meeting = _lock_meeting(meeting)
    _require_secretariat(actor, _("The secretariat records attendance."))
    _check_open(meeting)
    present = set(attended)
    for invitation in meeting.invitations.all():
        invitation.attended = invitation.institution_id in present
        invitation.save(update_fields=["attended"])
    if meeting.status == JointMeeting.Status.SCHEDULED:
        meeting.status = JointMeeting.Status.HELD
    meeting.version += 1
    meeting.save(update_fields=["status", "version"])
    record(actor, "joint.attendance", meeting, {"attended": sorted(present)})
    return meeting


# --- policy decisions ------------------------------------------------------------------------------------------


@dataclass
class DecisionData:
    title: str
    text: str
    owners: Sequence[Institution]
    due_on: datetime.date | None
    section: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    item: JointAgendaItem | None = None  # the agenda item decided on, if any


def check_decision(
    data: DecisionData, *, today: datetime.date | None = None, due_before: datetime.date | None = None
) -> dict[str, str]:
    """Every problem of a decision, by form field. `due_before`: the due date an edit starts from (a date
    already past may stay as it is; a new one may not be in the past)."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = _("Give the decision a short title.")
    if not data.text.strip():
        problems["text"] = _("Write what the council decided.")
    if not data.owners:
        problems["owners"] = _("Choose at least one owner institution: who carries the decision out.")
    if data.due_on is None:
        problems["due_on"] = _("Give the due date.")
    elif data.due_on < today and data.due_on != due_before:
        problems["due_on"] = _("The due date cannot be in the past.")
    if data.section and data.section not in Section.values:
        problems["section"] = _("Choose a section of the semiannual report.")
    if (data.period_start is None) != (data.period_end is None):
        problems["period_end" if data.period_end is None else "period_start"] = _(
            "Give both ends of the report's period, or neither."
        )
    elif data.period_start and data.period_end and data.period_end < data.period_start:
        problems["period_end"] = _("The period ends after it starts.")
    if (data.period_start or data.period_end) and not data.section:
        problems["section"] = _("Say which section of the report for that period motivated the decision.")
    return problems


def _next_code(year: int) -> str:
    prefix = f"P-{year}-"
    taken = PolicyDecision.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    last = max((int(code.removeprefix(prefix)) for code in taken if code.removeprefix(prefix).isdigit()), default=0)
    return f"{prefix}{last + 1:02d}"


@transaction.atomic
def record_decision(meeting: JointMeeting, data: DecisionData, *, actor: Any) -> PolicyDecision:
    """A decision of the council at `meeting`. It joins the agenda of every meeting already scheduled after
    this one, as every later meeting's agenda will carry it until it is done or dropped."""
    meeting = _lock_meeting(meeting)
    _require_secretariat(actor, _("The secretariat records the council's decisions."))
    _check_open(meeting)
    if data.item is not None and data.item.meeting_id != meeting.pk:
        raise JointError(_("Choose an item of this meeting's agenda."), field="item")
    _refuse(check_decision(data))
    assert data.due_on is not None
    decision = PolicyDecision.objects.create(
        code=_next_code(timezone.localtime(meeting.starts_at).year), title=data.title.strip(),
        text=data.text.strip(), meeting=meeting, agenda_item=data.item, due_on=data.due_on, section=data.section,
        period_start=data.period_start, period_end=data.period_end, created_by=actor,
    )  # fmt: skip
    decision.owners.set(dict.fromkeys(data.owners))
    if data.item is not None:
        JointAgendaItem.objects.filter(pk=data.item.pk).update(outcome=JointAgendaItem.Outcome.DECIDED)
    later = list(
        JointMeeting.objects.filter(status=JointMeeting.Status.SCHEDULED, starts_at__gt=meeting.starts_at).annotate(
            last=Max("items__position")
        )
    )
    JointAgendaItem.objects.bulk_create([_carry(decision, m, (m.last or 0) + 1) for m in later])
    record(actor, "joint.decision", decision, {
        "meeting": meeting.pk, "owners": sorted({i.pk for i in data.owners}), "section": data.section,
        "carried_to": [m.pk for m in later],
    })  # fmt: skip
    return decision


@transaction.atomic
def edit_decision(decision: PolicyDecision, data: DecisionData, *, actor: Any, version: int | None) -> PolicyDecision:
    """The secretariat corrects a decision (its wording, owners, due date, motivating section); the change
    shows in the decision's history."""
    decision = PolicyDecision.objects.select_for_update().get(pk=decision.pk)
    _require_secretariat(actor, _("The secretariat edits the council's decisions."))
    _check_version(decision.version, version)
    _refuse(check_decision(data, due_before=decision.due_on))
    before_owners = set(decision.owners.values_list("pk", flat=True))
    after_owners = {i.pk for i in data.owners}
    values = {
        "title": data.title.strip(), "text": data.text.strip(), "due_on": data.due_on, "section": data.section,
        "period_start": data.period_start, "period_end": data.period_end,
    }  # fmt: skip
    changed = [name for name, value in values.items() if getattr(decision, name) != value]
    if before_owners != after_owners:
        changed.append("owners")
    if not changed:
        raise JointError(_("Nothing was changed."))
    for name, value in values.items():
        setattr(decision, name, value)
    decision.version += 1
    decision.save()
    decision.owners.set(dict.fromkeys(data.owners))
    membership = membership_of(actor)
    assert membership is not None
    PolicyUpdate.objects.create(
        decision=decision, author=actor, institution=membership.institution, status_from=decision.status,
        status_to=decision.status, changed=changed,
    )  # fmt: skip
    record(actor, "joint.decision_edit", decision, {"changed": changed, "owners": sorted(after_owners)})
    return decision


@dataclass
class FollowUpData:
    status: str
    text: str = ""


def check_follow_up(decision: PolicyDecision, data: FollowUpData) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.status not in PolicyDecision.Status.values:
        problems["status"] = _("Choose the status.")
    elif data.status == decision.status and not data.text.strip():
        problems["text"] = _("Write what has happened, or change the status.")
    elif data.status == PolicyDecision.Status.DONE and not data.text.strip():
        problems["text"] = _("Say what was done (what shows the decision is carried out).")
    elif data.status == PolicyDecision.Status.DROPPED and not data.text.strip():
        problems["text"] = _("Say why the decision is dropped.")
    return problems


@transaction.atomic
def follow_up_decision(
    decision: PolicyDecision, data: FollowUpData, *, actor: Any, version: int | None
) -> PolicyUpdate:
    """A follow-up note on a decision, possibly a new status, by an owner institution's head or the
    secretariat. Done and dropped need a word on what happened; a finished decision is reopened only by
    the secretariat."""
    decision = PolicyDecision.objects.select_for_update().get(pk=decision.pk)
    membership = membership_of(actor)
    if membership is None or not follows_up(actor, decision):
        raise JointError(_("Only the heads of the owner institutions and the secretariat follow a decision up."))
    _check_version(decision.version, version)
    if decision.is_finished and data.status in UNFINISHED and not is_secretariat(actor):
        raise JointError(_("Only the secretariat reopens a finished decision."), field="status")
    _refuse(check_follow_up(decision, data))
    previous = decision.status
    update = PolicyUpdate.objects.create(
        decision=decision, author=actor, institution=membership.institution, text=data.text.strip(),
        status_from=previous, status_to=data.status,
    )  # fmt: skip
    decision.status = data.status
    if data.status != previous:
        finished = data.status in (PolicyDecision.Status.DONE, PolicyDecision.Status.DROPPED)
        decision.completed_at = timezone.now() if finished else None
    decision.version += 1
    decision.save(update_fields=["status", "completed_at", "version", "updated_at"])
    record(actor, "joint.follow_up", decision, {"update": update.pk, "status_from": previous, "status_to": data.status})
    return update


# --- minutes ---------------------------------------------------------------------------------------------------


def draft_minutes(meeting: JointMeeting) -> str:
    """Minutes drafted from the attendance, the agenda with its outcomes and notes, and the decisions taken."""
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    present = [i.institution.name for i in meeting.invitations.select_related("institution") if i.attended]
    lines = [
        _("Joint council, %(kind)s, %(when)s, %(place)s")
        % {"kind": meeting.get_kind_display(), "when": when, "place": meeting.place or meeting.video_link},
        "",
        _("Attended (%(count)s): %(names)s") % {"count": len(present), "names": ", ".join(sorted(present)) or "—"},
        "",
        _("Agenda"),
    ]
    for item in meeting.items.all():
        outcome = item.get_outcome_display()
        lines.append(f"{item.position}. [{item.get_kind_display()}] {item.title}: {outcome}")
        if item.note:
            lines.append("   " + item.note)
    decisions = list(meeting.decisions.prefetch_related("owners").order_by("code"))
    if decisions:
        lines += ["", _("Decisions")]
    for decision in decisions:
        owners = ", ".join(sorted(owner.name for owner in decision.owners.all()))
        lines.append(f"{decision.code} {decision.title}")
        lines.append("   " + decision.text.replace("\n", "\n   "))
        lines.append(
            "   " + _("Owners: %(owners)s; due %(due)s") % {"owners": owners, "due": decision.due_on.isoformat()}
        )
    return "\n".join(lines)


@transaction.atomic
def save_minutes(meeting: JointMeeting, text: str, *, actor: Any, version: int | None) -> JointMeeting:
    meeting = _lock_meeting(meeting)
    _require_secretariat(actor, _("The secretariat writes the minutes."))
    _check_version(meeting.version, version)
    _check_open(meeting)
    if meeting.status == JointMeeting.Status.SCHEDULED:
        raise JointError(_("Record attendance first: minutes are of a meeting that was held."), field="minutes")
    meeting.minutes = text.strip()
    meeting.version += 1
    meeting.save(update_fields=["minutes", "version"])
    record(actor, "joint.minutes_save", meeting, {"version": meeting.version})
    return meeting


@transaction.atomic
def approve_minutes(meeting: JointMeeting, *, actor: Any, version: int | None) -> JointMeeting:
    meeting = _lock_meeting(meeting)
    _require_secretariat(actor, _("The secretariat approves the minutes."))
    _check_version(meeting.version, version)
    if meeting.status != JointMeeting.Status.HELD:
        raise JointError(_("Only the minutes of a meeting that was held, not yet approved, can be approved."))
    if undecided := list(meeting.items.filter(outcome="").values_list("position", flat=True)):
        raise JointError(
            _("Settle every agenda item first (noted, decided or deferred): item %(positions)s.")
            % {"positions": ", ".join(str(p) for p in undecided)},
            field="minutes",
        )
    if not meeting.minutes.strip():
        raise JointError(_("Write the minutes first (start from the draft)."), field="minutes")
    meeting.status = JointMeeting.Status.APPROVED
    meeting.approved_by = actor
    meeting.approved_at = timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["status", "approved_by", "approved_at", "version"])
    record(actor, "joint.minutes_approve", meeting, {})
    return meeting
