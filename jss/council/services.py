"""Writes on working council meetings: schedule, research notes, the council's findings per case,
attendance, minutes (drafted from what was recorded, edited, approved only when every case is decided,
then locked). Every write is audited in its transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import caseworker_membership, coordinates_station
from jss.actions.models import Action
from jss.audit.services import record
from jss.cases.access import FULL, scope_for
from jss.cases.models import Case, CaseEvent
from jss.council.causes import cause_factors, current_factors
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting, ResearchNote
from jss.institutions.models import Institution
from jss.lib.ical import calendar_event
from jss.regions.models import PoliceStation


class CouncilError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_version(meeting: Meeting, version: int | None) -> None:
    if version is not None and version != meeting.version:
        raise CouncilError(
            _("Someone else changed this meeting meanwhile. Your text is kept below: check and save again."),
            field="version",
        )


@dataclass
class MeetingData:
    starts_at: datetime.datetime | None
    place: str
    video_link: str
    invited: Sequence[Institution]
    duration_minutes: int = 90


def check_meeting(data: MeetingData, *, now: datetime.datetime | None = None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.starts_at is None:
        problems["starts_at"] = _("Give the date and time of the meeting.")
    elif data.starts_at <= (now or timezone.now()):
        problems["starts_at"] = _("A meeting is scheduled in the future.")
    if not data.place.strip() and not data.video_link.strip():
        problems["place"] = _("Give a place or a video link.")
    if not data.invited:
        problems["invited"] = _("Invite at least one institution.")
    if not 15 <= data.duration_minutes <= 480:
        problems["duration_minutes"] = _("A meeting lasts between 15 minutes and 8 hours.")
    return problems


@transaction.atomic
def schedule(station: PoliceStation, data: MeetingData, *, actor: Any) -> Meeting:
    """A meeting of the station's working council; its agenda (`_agenda`): the accepted cases waiting for the
    council, then the cases whose support actions are due or overdue by the meeting (carried over until done)."""
    if not coordinates_station(actor, station.pk):
        raise CouncilError(_("Only the station's coordinators schedule its working council."))
    if problems := check_meeting(data):
        field, message = next(iter(problems.items()))
        error = CouncilError(message, field=field)
        error.problems = problems  # type: ignore[attr-defined]
        raise error
    assert data.starts_at is not None
    meeting = Meeting.objects.create(
        station=station, starts_at=data.starts_at, duration_minutes=data.duration_minutes, place=data.place.strip(),
        video_link=data.video_link.strip(), chair=actor, created_by=actor,
    )  # fmt: skip
    Invitation.objects.bulk_create([Invitation(meeting=meeting, institution=i) for i in dict.fromkeys(data.invited)])
    items = _agenda(meeting)
    Case.objects.filter(pk__in=[item.case_id for item in items], status=Case.Status.ACCEPTED).update(
        status=Case.Status.IN_COUNCIL
    )
    for item in items:
        CaseEvent.objects.create(case_id=item.case_id, kind="agenda", actor=actor, detail={"meeting": meeting.pk})
    record(actor, "council.schedule", meeting, {
        "station": station.pk, "invited": [i.pk for i in data.invited], "cases": [i.case_id for i in items],
    })  # fmt: skip
    transaction.on_commit(lambda: notify_invited(meeting))
    return meeting


def notify_invited(meeting: Meeting) -> int:
    """E-mail the JSS contacts of each invited institution the date, place and the iCalendar invitation.
    No case, name or report in it: the agenda is read in JSS."""
    from django.core.mail import EmailMessage

    from jss.accounts.models import Membership

    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    subject = _("JSS working council, %(station)s: %(when)s") % {"station": meeting.station.name, "when": when}
    body = _(
        "Your institution is invited to the working council of %(station)s on %(when)s (%(place)s). "
        "The agenda and the research notes are in JSS; the invitation is attached."
    ) % {"station": meeting.station.name, "when": when, "place": meeting.place or meeting.video_link}
    sent = 0
    for invitation in meeting.invitations.select_related("institution"):
        recipients = list(
            Membership.objects.filter(institution=invitation.institution, is_contact=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        ) or ([invitation.institution.email] if invitation.institution.email else [])
        if not recipients:
            continue
        message = EmailMessage(subject, body, None, recipients)
        message.attach(f"{meeting.code}.ics", ical(meeting), "text/calendar")
        message.send()
        invitation.notified_at = timezone.now()
        invitation.save(update_fields=["notified_at"])
        sent += 1
    return sent


def agenda_cases(station: PoliceStation, due: datetime.date) -> list[tuple[Case, str]]:
    """(case, reason) for a meeting on `due`: the accepted cases waiting for the council ("new"), then the cases
    with support actions open and due by then ("review": unfinished actions are carried over until done);
    cases already on another scheduled meeting's agenda are left out."""
    from jss.actions.models import Action  # actions build on cases: imported late

    busy = set(AgendaItem.objects.filter(meeting__status=Meeting.Status.SCHEDULED).values_list("case", flat=True))
    new = list(
        Case.objects.filter(station=station, status__in=[Case.Status.ACCEPTED, Case.Status.IN_COUNCIL])
        .exclude(pk__in=busy)
        .select_related("lead_institution")
        .order_by("created_at")
    )
    review = list(
        Case.objects.filter(
            station=station,
            actions__status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS],
            actions__due_on__lte=due,
        )
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.DECLINED])
        .exclude(pk__in=busy | {case.pk for case in new})
        .select_related("lead_institution")
        .distinct()
        .order_by("created_at")
    )
    return [*((case, "new") for case in new), *((case, "review") for case in review)]


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    cases = agenda_cases(meeting.station, timezone.localtime(meeting.starts_at).date())
    items = [
        AgendaItem(meeting=meeting, case=case, position=position, reason=reason)
        for position, (case, reason) in enumerate(cases, start=1)
    ]
    return AgendaItem.objects.bulk_create(items)


def _invited(meeting: Meeting, institution_id: int | None) -> bool:
    return meeting.invitations.filter(institution=institution_id).exists()


@transaction.atomic
def add_research_note(item: AgendaItem, text: str, *, actor: Any) -> ResearchNote:
    membership = caseworker_membership(actor)
    meeting = item.meeting
    if membership is None or not (
        _invited(meeting, membership.institution_id) or coordinates_station(actor, meeting.station_id)
    ):
        raise CouncilError(_("Only invited institutions add research notes."))
    if scope_for(actor, item.case) != FULL:
        raise CouncilError(_("Your institution does not see this case in full: share it first, on a legal basis."))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise CouncilError(_("Research notes are added before the meeting."))
    if not text.strip():
        raise CouncilError(_("Write what your institution knows."), field="text")
    note = ResearchNote.objects.create(item=item, institution=membership.institution, author=actor, text=text.strip())
    record(actor, "council.research_note", item.case, {"meeting": meeting.pk, "note": note.pk})
    return note


@dataclass
class Findings:
    decision: str
    causes: list[str]
    risk_rating: str = ""
    note: str = ""


@transaction.atomic
def record_findings(item: AgendaItem, findings: Findings, *, actor: Any) -> AgendaItem:
    """The council's decision on a case, its causes (coded) and a risk re-rating, recorded by the chair."""
    item = AgendaItem.objects.select_for_update().select_related("meeting", "case").get(pk=item.pk)
    if not coordinates_station(actor, item.meeting.station_id):
        raise CouncilError(_("The chair (the station's coordinators) records the council's findings."))
    if item.meeting.status == Meeting.Status.APPROVED:
        raise CouncilError(_("The minutes are approved: the meeting is locked."))
    if findings.decision not in AgendaItem.Decision.values or not findings.decision:
        raise CouncilError(_("Choose what the council decided."), field="decision")
    known = {factor.code for factor in current_factors()}
    if unknown := [code for code in findings.causes if code not in known]:
        raise CouncilError(_("Unknown cause: %(codes)s.") % {"codes": ", ".join(unknown)}, field="causes")
    if findings.decision != AgendaItem.Decision.DEFERRED and not findings.causes:
        raise CouncilError(_("Code at least one cause, or defer the case."), field="causes")
    if findings.risk_rating not in AgendaItem.Rating.values:
        raise CouncilError(_("Choose a risk level."), field="risk_rating")
    item.decision = findings.decision
    item.risk_rating = findings.risk_rating
    item.note = findings.note.strip()
    item.save(update_fields=["decision", "risk_rating", "note"])
    item.causes.exclude(factor__in=findings.causes).delete()
    for code in dict.fromkeys(findings.causes):
        CauseFinding.objects.get_or_create(item=item, factor=code)
    case = item.case
    target = {
        AgendaItem.Decision.DISCUSSED: Case.Status.PLAN_ACTIVE,
        AgendaItem.Decision.MONITOR: Case.Status.MONITORING,
    }.get(AgendaItem.Decision(findings.decision))
    if target and case.status in (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE):
        case.status = target
        case.version += 1
        case.save(update_fields=["status", "version", "updated_at"])
    CaseEvent.objects.create(case=case, kind="council", actor=actor, detail={
        "meeting": item.meeting_id, "decision": findings.decision, "causes": list(dict.fromkeys(findings.causes)),
        "risk": findings.risk_rating,
    })  # fmt: skip
    record(actor, "council.findings", case, {"meeting": item.meeting_id, "decision": findings.decision,
                                             "causes": list(dict.fromkeys(findings.causes))})  # fmt: skip
    return item


# --- the chair's timer ------------------------------------------------------------------------------------------


def elapsed_seconds(item: AgendaItem, *, now: datetime.datetime | None = None) -> int:
    """How long the council has spent on the case: the stored seconds plus the running stretch."""
    running = 0
    if item.started_at is not None:
        running = max(0, int(((now or timezone.now()) - item.started_at).total_seconds()))
    return item.seconds + running


def seconds_per_case(meeting: Meeting, item_count: int) -> int:
    """The time the chair can give each case: the meeting's length shared by its cases (at least 3 minutes)."""
    return max(180, meeting.duration_minutes * 60 // max(item_count, 1))


@transaction.atomic
def start_timer(item: AgendaItem, *, actor: Any) -> AgendaItem:
    """Start (or resume) the clock on one case; the clock on any other case of the meeting stops."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
    if not coordinates_station(actor, meeting.station_id):
        raise CouncilError(_("The chair runs the timer."))
    if meeting.status not in (Meeting.Status.SCHEDULED, Meeting.Status.HELD):
        raise CouncilError(_("The minutes are approved: the meeting is locked."))
    now = timezone.now()
    for other in meeting.items.select_for_update().filter(started_at__isnull=False).exclude(pk=item.pk):
        other.seconds = elapsed_seconds(other, now=now)
        other.started_at = None
        other.save(update_fields=["seconds", "started_at"])
    if item.started_at is None:
        item.started_at = now
        item.save(update_fields=["started_at"])
    return item


@transaction.atomic
def stop_timer(item: AgendaItem, *, actor: Any) -> AgendaItem:
    """Stop the clock on a case, keeping the time spent (it resumes from there)."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if not coordinates_station(actor, item.meeting.station_id):
        raise CouncilError(_("The chair runs the timer."))
    if item.started_at is not None:
        item.seconds = elapsed_seconds(item)
        item.started_at = None
        item.save(update_fields=["seconds", "started_at"])
    return item


@transaction.atomic
def set_attendance(meeting: Meeting, attended: Sequence[int], *, actor: Any) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not coordinates_station(actor, meeting.station_id):
        raise CouncilError(_("The chair records attendance."))
    if meeting.status == Meeting.Status.APPROVED:
        raise CouncilError(_("The minutes are approved: the meeting is locked."))
    present = set(attended)
    for invitation in meeting.invitations.all():
        invitation.attended = invitation.institution_id in present
        invitation.save(update_fields=["attended"])
    if meeting.status == Meeting.Status.SCHEDULED:
        meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save(update_fields=["status", "version"])
    record(actor, "council.attendance", meeting, {"attended": sorted(present)})
    return meeting


def draft_minutes(meeting: Meeting) -> str:
    """Minutes drafted from what was recorded: attendance, then per case the decision, causes, re-rating
    and note. Case codes, not names: the minutes go to every attending institution."""
    factors = cause_factors()
    lines = [
        _("Working council of %(station)s, %(when)s")
        % {
            "station": meeting.station.name,
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        },
        "",
        _("Attended: %(names)s")
        % {
            "names": ", ".join(
                i.institution.name for i in meeting.invitations.select_related("institution") if i.attended
            )
            or "—"
        },
        "",
    ]
    agreed: dict[int, list[Action]] = defaultdict(list)
    for action in meeting.actions.select_related("institution", "service").order_by("due_on", "pk"):
        agreed[action.case_id].append(action)
    for item in meeting.items.select_related("case").prefetch_related("causes"):
        causes = ", ".join(str(factors[c.factor]) if c.factor in factors else c.factor for c in item.causes.all())
        lines.append(f"{item.position}. {item.case.code}: {item.get_decision_display()}")
        if causes:
            lines.append("   " + _("Causes: %(causes)s") % {"causes": causes})
        if item.risk_rating:
            lines.append("   " + _("Risk: %(rating)s") % {"rating": item.get_risk_rating_display()})
        if item.note:
            lines.append("   " + item.note)
        for action in agreed.get(item.case_id, []):
            lines.append(
                "   "
                + _("Action: %(institution)s, %(what)s, due %(date)s")
                % {"institution": action.institution.name, "what": action.service_name or _("support action"),
                   "date": action.due_on.isoformat()}
            )  # fmt: skip
    return "\n".join(lines)


@transaction.atomic
def save_minutes(meeting: Meeting, text: str, *, actor: Any, version: int | None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_version(meeting, version)
    if not coordinates_station(actor, meeting.station_id):
        raise CouncilError(_("The chair writes the minutes."))
    if meeting.status == Meeting.Status.APPROVED:
        raise CouncilError(_("The minutes are approved: the meeting is locked."))
    if meeting.status == Meeting.Status.SCHEDULED:
        raise CouncilError(_("Record attendance first: minutes are of a meeting that was held."))
    meeting.minutes = text.strip()
    meeting.version += 1
    meeting.save(update_fields=["minutes", "version"])
    record(actor, "council.minutes_save", meeting, {"version": meeting.version})
    return meeting


@transaction.atomic
def approve_minutes(meeting: Meeting, *, actor: Any, version: int | None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_version(meeting, version)
    if not coordinates_station(actor, meeting.station_id):
        raise CouncilError(_("The chair approves the minutes."))
    if meeting.status != Meeting.Status.HELD:
        raise CouncilError(_("Only the minutes of a meeting that was held, not yet approved, can be approved."))
    if undecided := list(meeting.items.filter(decision="").select_related("case")):
        raise CouncilError(
            _("Decide every case first: %(codes)s.") % {"codes": ", ".join(i.case.code for i in undecided)}
        )
    if not meeting.minutes.strip():
        raise CouncilError(_("Write the minutes first (start from the draft)."), field="minutes")
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_by = actor
    meeting.approved_at = timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["status", "approved_by", "approved_at", "version"])
    record(actor, "council.minutes_approve", meeting, {})
    return meeting


def ical(meeting: Meeting, *, uid_domain: str = "jss") -> str:
    """An iCalendar invitation (RFC 5545): time, place, link; case codes and names never go into it."""
    return calendar_event(
        uid=f"{meeting.code}@{uid_domain}", starts_at=meeting.starts_at, minutes=meeting.duration_minutes,
        summary=_("JSS working council, %(station)s") % {"station": meeting.station.name}, place=meeting.place,
        link=meeting.video_link, product="-//JSS//working council//KO",
    )  # fmt: skip
