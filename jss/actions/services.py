"""Writes on support actions: add an action to a case, report progress on it, send the reminders.

Every write is audited in its transaction and leaves a CaseEvent (codes and ids only) for the case's
timeline. An action is asked only of an institution taking part in the case, by those who may work on the
case (the station's coordinators and the lead institution); the responsible institution reports progress,
with evidence when it is done. A save based on an older version of the action is refused.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jss.accounts.access import caseworker_membership, membership_of
from jss.accounts.models import Membership
from jss.actions.access import taking_part, visible_actions
from jss.actions.models import Action, ActionUpdate
from jss.audit.services import record
from jss.cases.models import Case, CaseEvent
from jss.cases.services import may_work_on
from jss.directory.models import Service
from jss.institutions.models import Institution

# Cases that can be given actions: accepted and not closed.
WORKING_STATUSES = (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE, Case.Status.MONITORING)
OPEN = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


class ActionError(Exception):
    """A write that cannot be done. `field` names the form field it is about; `problems` holds every
    problem by field when there are several."""

    def __init__(self, message: str, *, field: str | None = None, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems or ({field: message} if field else {})


def _refuse(problems: dict[str, str]) -> None:
    """Raise the first problem, carrying all of them (the form shows each on its field)."""
    if problems:
        field_name, message = next(iter(problems.items()))
        raise ActionError(message, field=field_name, problems=problems)


def _case_event(case: Case, kind: str, actor: Any, **detail: Any) -> None:
    membership = membership_of(actor)
    CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, institution_id=membership.institution_id if membership else None,
        detail=detail,
    )  # fmt: skip


# --- adding an action ------------------------------------------------------------------------------------


@dataclass
class ActionData:
    institution: Institution | None
    due_on: datetime.date | None
    description: str
    responsible: Any = None  # a user of the responsible institution
    service: Service | None = None
    service_text: str = ""


def check_action(case: Case, data: ActionData, *, today: datetime.date | None = None) -> dict[str, str]:
    """Every problem of a new action, by form field (empty: none)."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if data.institution is None:
        problems["institution"] = _("Choose the institution responsible for the action.")
    elif data.institution.pk not in {institution.pk for institution in taking_part(case)}:
        problems["institution"] = _(
            "%(institution)s does not take part in this case: add it to the case first, on a legal basis."
        ) % {"institution": data.institution.name}
    if data.due_on is None:
        problems["due_on"] = _("Give the due date.")
    elif data.due_on < today:
        problems["due_on"] = _("The due date cannot be in the past.")
    if not data.description.strip():
        problems["description"] = _("Say what exactly is to be done.")
    if data.institution is not None and data.responsible is not None:
        works_there = Membership.objects.filter(
            user=data.responsible, institution=data.institution, user__is_active=True
        ).exists()
        if not works_there:
            problems["responsible"] = _("The responsible person must work for the responsible institution.")
    if data.institution is not None and data.service is not None and data.service.institution_id != data.institution.pk:
        problems["service"] = _("Choose a service of the responsible institution, or describe it in words.")
    return problems


@transaction.atomic
def add_action(case: Case, data: ActionData, *, actor: Any, meeting: Any = None) -> Action:
    """Ask an institution taking part in the case to do something by a due date. `meeting`: the working council
    meeting that agreed it (the case must be on its agenda, and its minutes not yet approved)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_work_on(actor, case):
        raise ActionError(_("Only the station's coordinators and the lead institution add actions to a case."))
    if case.status not in WORKING_STATUSES:
        raise ActionError(_("Actions are added to accepted cases that are not closed."))
    if meeting is not None:
        meeting = type(meeting).objects.select_for_update().get(pk=meeting.pk)  # its status as it is now
        if not meeting.items.filter(case=case).exists():
            raise ActionError(_("This case is not on the meeting's agenda."))
        if meeting.status not in ("scheduled", "held"):
            raise ActionError(_("The minutes are approved: the meeting is locked."))
    _refuse(check_action(case, data))
    assert data.institution is not None
    assert data.due_on is not None
    action = Action.objects.create(
        case=case, institution=data.institution, responsible=data.responsible, service=data.service,
        service_text="" if data.service is not None else data.service_text.strip(),
        description=data.description.strip(), due_on=data.due_on, created_by=actor, meeting=meeting,
    )  # fmt: skip
    _case_event(case, "action_add", actor, action=action.pk, institution=data.institution.pk,
                due=data.due_on.isoformat(), **({"meeting": meeting.pk} if meeting is not None else {}))  # fmt: skip
    record(actor, "actions.add", action, {"case": case.pk, "institution": data.institution.pk,
                                          "service": data.service.pk if data.service else 0})  # fmt: skip
    if case.status in (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL):  # the council's plan is under way
        case.status = Case.Status.PLAN_ACTIVE
        case.version += 1
        case.save(update_fields=["status", "version", "updated_at"])
    return action


def _check_open(action: Action, version: int | None) -> None:
    """Refuse a save based on an older version of the action, or on a finished action."""
    if version is not None and version != action.version:
        raise ActionError(
            _("Someone else updated this action meanwhile. Your text is kept below: check the action and save again."),
            field="version",
        )
    if action.is_finished:
        raise ActionError(_("This action is finished: add a new action to the case if more is needed."))


# --- progress ------------------------------------------------------------------------------------------------


@dataclass
class UpdateData:
    status: str
    text: str = ""
    evidence: str = ""


def check_update(action: Action, data: UpdateData) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.status not in Action.Status.values:
        problems["status"] = _("Choose the status.")
    elif data.status == action.status and not data.text.strip() and not data.evidence.strip():
        problems["text"] = _("Write what has happened, or change the status.")
    if data.status == Action.Status.DONE and not data.evidence.strip():
        problems["evidence"] = _("Say what shows that the action was done (the evidence).")
    if data.status == Action.Status.CANCELLED and not data.text.strip():
        problems["text"] = _("Say why the action is cancelled.")
    return problems


@transaction.atomic
def update_action(action: Action, data: UpdateData, *, actor: Any, version: int | None) -> ActionUpdate:
    """Report progress (and possibly a new status) on an action. Done needs evidence."""
    action = Action.objects.select_for_update().select_related("case").get(pk=action.pk)
    membership = caseworker_membership(actor)
    if membership is None or not visible_actions(actor).filter(pk=action.pk).exists():
        raise ActionError(_("Only the responsible institution, the station's coordinators and the lead institution "
                            "update an action."))  # fmt: skip
    _check_open(action, version)
    _refuse(check_update(action, data))
    previous = action.status
    update = ActionUpdate.objects.create(
        action=action, author=actor, institution=membership.institution, text=data.text.strip(),
        status_from=previous, status_to=data.status, evidence=data.evidence.strip(),
    )  # fmt: skip
    action.status = data.status
    action.completed_at = timezone.now() if data.status == Action.Status.DONE else None
    action.version += 1
    action.save(update_fields=["status", "completed_at", "version", "updated_at"])
    _case_event(action.case, "action_update", actor, action=action.pk, institution=action.institution_id,
                status_from=previous, status_to=data.status)  # fmt: skip
    record(actor, "actions.update", action, {"update": update.pk, "status_from": previous, "status_to": data.status})
    return update


# --- changing what was asked -----------------------------------------------------------------------------------


@dataclass
class EditData:
    due_on: datetime.date | None
    description: str
    responsible: Any = None
    service: Service | None = None
    service_text: str = ""
    reason: str = ""


def check_edit(action: Action, data: EditData, *, today: datetime.date | None = None) -> dict[str, str]:
    """Every problem of a change to an action, by form field (empty: none). The responsible institution
    stays: to ask another, cancel this action and add a new one."""
    today = today or timezone.localdate()
    problems = check_action(
        action.case,
        ActionData(institution=action.institution, due_on=data.due_on, description=data.description,
                   responsible=data.responsible, service=data.service, service_text=data.service_text),
        today=today,
    )  # fmt: skip
    problems.pop("institution", None)  # it does not change; it may have stopped taking part meanwhile
    if data.due_on is not None and data.due_on == action.due_on:
        problems.pop("due_on", None)  # an overdue action keeps its date until it is moved
    if not data.reason.strip():
        problems["reason"] = _("Say why the action changes: the responsible institution reads it.")
    return problems


def _changes(action: Action, data: EditData) -> list[str]:
    changes = []
    if data.due_on != action.due_on:
        assert data.due_on is not None
        changes.append(_("due date %(old)s → %(new)s") % {"old": action.due_on.isoformat(),
                                                         "new": data.due_on.isoformat()})  # fmt: skip
    if data.description.strip() != action.description:
        changes.append(_("what exactly"))
    if data.responsible != action.responsible:
        changes.append(_("responsible person"))
    service_text = "" if data.service is not None else data.service_text.strip()
    if data.service != action.service or service_text != action.service_text:
        changes.append(_("service"))
    return changes


@transaction.atomic
def edit_action(action: Action, data: EditData, *, actor: Any, version: int | None) -> Action:
    """Change what an open action asks, its due date or who does it, with a reason kept in its updates (so the
    responsible institution sees what changed and why). A save based on an older version is refused."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("case", "institution", "responsible", "service")
        .get(pk=action.pk)
    )
    membership = caseworker_membership(actor)
    if membership is None or not may_work_on(actor, action.case):
        raise ActionError(_("Only the station's coordinators and the lead institution change an action."))
    _check_open(action, version)
    _refuse(check_edit(action, data))
    changes = _changes(action, data)
    if not changes:
        raise ActionError(_("Nothing was changed."), field="description")
    assert data.due_on is not None
    text = _("Changed: %(changes)s. Why: %(reason)s") % {"changes": ", ".join(changes), "reason": data.reason.strip()}
    update = ActionUpdate.objects.create(
        action=action, author=actor, institution=membership.institution, text=text, status_from=action.status,
        status_to=action.status,
    )  # fmt: skip
    previous_due = action.due_on
    action.due_on = data.due_on
    action.description = data.description.strip()
    action.responsible = data.responsible
    action.service = data.service
    action.service_text = "" if data.service is not None else data.service_text.strip()
    if data.due_on != previous_due:
        action.reminded_at = None  # the reminders start again from the new date
    action.version += 1
    action.save()
    _case_event(action.case, "action_edit", actor, action=action.pk, institution=action.institution_id,
                due=data.due_on.isoformat())  # fmt: skip
    record(actor, "actions.edit", action, {"update": update.pk, "due_from": previous_due.isoformat(),
                                           "due_to": data.due_on.isoformat(), "changed": len(changes)})  # fmt: skip
    return action


# --- reminders -----------------------------------------------------------------------------------------------

DUE_SOON = datetime.timedelta(days=3)
REMIND_AGAIN = datetime.timedelta(days=7)


@dataclass
class ReminderNotice:
    actions: int = 0
    messages: int = 0
    recipients: dict[str, list[Action]] = field(default_factory=dict)


def _reminder_due(action: Action, *, now: datetime.datetime, today: datetime.date) -> bool:
    """Once when the due date is three days away or nearer, once on becoming overdue, then weekly at most."""
    last = timezone.localdate(action.reminded_at) if action.reminded_at is not None else None
    if action.due_on < today:  # overdue
        return last is None or last <= action.due_on or action.reminded_at <= now - REMIND_AGAIN  # type: ignore[operator]
    if action.due_on - today <= DUE_SOON:
        return last is None or last < action.due_on - DUE_SOON
    return False


def _recipients(action: Action, contacts: dict[int, list[str]]) -> list[str]:
    """The responsible person, when one is named; otherwise the institution's JSS contacts."""
    if action.responsible is not None and action.responsible.is_active and action.responsible.email:
        return [action.responsible.email]
    return contacts.get(action.institution_id, [])


@transaction.atomic
def remind_actions(*, now: datetime.datetime, site_url: str) -> ReminderNotice:
    """E-mail who is responsible for open actions due within three days or overdue: one message per person,
    listing case codes, due dates and links (no names, no description). Run daily from cron:
    `python manage.py remind_actions`."""
    from django.core.mail import send_mail
    from django.urls import reverse

    today = timezone.localdate(now)
    candidates = (
        Action.objects.select_for_update(of=("self",))
        .filter(status__in=OPEN, due_on__lte=today + DUE_SOON, case__status__in=WORKING_STATUSES)
        .select_related("case", "responsible", "service")
        .order_by("due_on", "pk")
    )
    due = [action for action in candidates if _reminder_due(action, now=now, today=today)]
    contacts: dict[int, list[str]] = defaultdict(list)
    for institution_id, email in Membership.objects.filter(
        institution__in={action.institution_id for action in due}, is_contact=True, user__is_active=True
    ).values_list("institution_id", "user__email"):
        if email:
            contacts[institution_id].append(email)
    notice = ReminderNotice()
    for action in due:
        addresses = _recipients(action, contacts)
        for address in addresses:
            notice.recipients.setdefault(address, []).append(action)
        action.reminded_at = now
        action.save(update_fields=["reminded_at"])
        record(None, "actions.reminder", action, {"overdue": action.due_on < today, "recipients": len(addresses)})
        notice.actions += 1
    outgoing: list[tuple[str, str, str]] = []
    for address, actions in notice.recipients.items():
        count = len(actions)
        subject = ngettext(
            "JSS support actions: due date reminder (%(count)d)", "JSS support actions: due date reminder (%(count)d)",
            count,
        ) % {"count": count}  # fmt: skip
        lines = []
        for action in actions:
            link = site_url.rstrip("/") + reverse("actions:detail", args=[action.pk])
            if action.due_on < today:
                when = _("overdue since %(date)s") % {"date": action.due_on.isoformat()}
            else:
                when = _("due %(date)s") % {"date": action.due_on.isoformat()}
            lines.append(f"- {action.case.code} · {when} · {link}")
        body = (
            _("These support actions of the working council are due soon or overdue. Please update them in JSS.")
            + "\n\n"
            + "\n".join(lines)
        )
        outgoing.append((subject, body, address))
    notice.messages = len(outgoing)

    def send() -> None:
        for subject, body, address in outgoing:
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)
    return notice
