"""Reads for the action pages: an institution's inbox, an action with its updates, a case's actions and the
choices of the "add an action" form. What an action asks (`description`) may name people: it is shown only
to readers whose institution sees the case in full; others see the service's name or "support action"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import Role, caseworker_membership
from jss.accounts.models import Membership
from jss.actions.access import own_actions, taking_part, visible_actions
from jss.actions.models import Action, ActionUpdate
from jss.cases.access import FULL, fully_shared_cases
from jss.cases.models import Case
from jss.cases.services import may_work_on
from jss.directory.models import Service
from jss.institutions.models import Institution

OPEN_SHOWN = 50  # the inbox's open actions, a page at a time (the overdue come first: they are due earliest)
FINISHED_SHOWN = 20  # the inbox's second list: the latest done or cancelled actions
ASKED_SHOWN = 50  # the inbox's third list: what the institution asked of others, still open, soonest due


@dataclass
class ActionRow:
    action: Action
    what: str  # the description for who sees the case in full, else the service or "support action"
    full: bool
    status_label: str  # the status's name (Action.get_status_display hashes every lazy choice on each call)

    @property
    def overdue(self) -> bool:
        return self.action.is_overdue


def _generic_what(action: Action) -> str:
    return action.service_name or _("Support action")


def full_case_ids(user: object, actions: list[Action]) -> set[int]:
    """Which of the actions' cases the user's institution sees in full: shared in full, or its station's (as
    coordinator). One query at most, whatever the number of actions."""
    membership = caseworker_membership(user)
    if membership is None or not actions:
        return set()
    station = membership.station_id if membership.role == Role.COORDINATOR else None
    ids = {action.case_id for action in actions if station is not None and action.case.station_id == station}
    others = {action.case_id for action in actions} - ids
    if others:
        ids |= set(fully_shared_cases(membership.institution_id).filter(case__in=others).values_list("case", flat=True))
    return ids


def _status_labels() -> dict[str, str]:
    """The statuses' names in the active language, translated once per page rather than once per row."""
    return {value: str(label) for value, label in Action.Status.choices}


def _rows(actions: list[Action], full: set[int]) -> list[ActionRow]:
    labels = _status_labels()
    return [
        ActionRow(
            action,
            action.description if action.case_id in full else _generic_what(action),
            action.case_id in full,
            labels[action.status],
        )
        for action in actions
    ]


def _with_relations(actions: QuerySet[Action]) -> QuerySet[Action]:
    return actions.select_related("case", "institution", "service", "responsible")


@dataclass
class Inbox:
    institution: Institution | None
    open: list[ActionRow]
    finished: list[ActionRow]
    asked: list[ActionRow] = field(default_factory=list)  # open actions the institution asked of others
    page: Any = None  # the page of open actions shown (django.core.paginator.Page)
    overdue_total: int | None = None  # counted apart when the open actions take more than one page

    @property
    def overdue_count(self) -> int:
        if self.overdue_total is not None:
            return self.overdue_total
        return sum(1 for row in self.open if row.overdue)


def inbox(user: object, *, page: int | str | None = 1) -> Inbox:
    """The actions asked of the user's institution: open ones by due date (the overdue first, as they are
    due earliest), then the latest finished ones."""
    membership = caseworker_membership(user)
    if membership is None:
        return Inbox(None, [], [])
    own = _with_relations(own_actions(user))
    open_page = Paginator(
        own.filter(status__in=(Action.Status.OPEN, Action.Status.IN_PROGRESS)).order_by("due_on", "pk"), OPEN_SHOWN
    ).get_page(page)
    open_actions = list(open_page.object_list)
    finished = list(
        own.filter(status__in=(Action.Status.DONE, Action.Status.CANCELLED)).order_by("-updated_at", "-pk")[
            :FINISHED_SHOWN
        ]
    )
    asked = list(
        _with_relations(visible_actions(user))
        .filter(created_by__membership__institution=membership.institution_id,
                status__in=(Action.Status.OPEN, Action.Status.IN_PROGRESS))
        .exclude(institution=membership.institution_id)
        .order_by("due_on", "pk")[:ASKED_SHOWN]
    )  # fmt: skip
    full = full_case_ids(user, open_actions + finished + asked)
    return Inbox(
        membership.institution, _rows(open_actions, full), _rows(finished, full), _rows(asked, full), page=open_page,
        overdue_total=overdue_count(user) if open_page.has_other_pages() else None,
    )  # fmt: skip


def overdue_count(user: object) -> int:
    """How many actions of the user's institution are overdue (the caseworker's home page)."""
    membership = caseworker_membership(user)
    if membership is None:
        return 0
    return (
        own_actions(user)
        .filter(status__in=(Action.Status.OPEN, Action.Status.IN_PROGRESS), due_on__lt=timezone.localdate())
        .count()
    )


@dataclass
class ActionPage:
    row: ActionRow
    updates: list[ActionUpdate]
    requester: Membership | None  # who asked, with their institution and work phone


def action_page(user: object, action: Action, *, scope: str | None) -> ActionPage:
    full = scope == FULL
    action = _with_relations(Action.objects.filter(pk=action.pk)).select_related("created_by", "meeting").get()
    updates = list(action.updates.select_related("author", "institution"))
    requester = Membership.objects.select_related("institution", "user").filter(user=action.created_by_id).first()
    return ActionPage(
        ActionRow(action, action.description if full else _generic_what(action), full, _status_labels()[action.status]),
        updates,
        requester,
    )


# --- the case page's section ----------------------------------------------------------------------------------


@dataclass
class CaseActions:
    rows: list[ActionRow]
    openable: set[int]  # the actions the reader may open
    may_add: bool


@dataclass
class AddChoices:
    institutions: list[Institution]
    persons: list[tuple[Institution, list[Any]]]  # caseworkers of each institution taking part
    services: list[tuple[Institution, list[Service]]]  # active directory services of each


def add_choices(case: Case) -> AddChoices:
    institutions = taking_part(case)
    ids = [institution.pk for institution in institutions]
    members: dict[int, list[Any]] = {pk: [] for pk in ids}
    for membership in (
        Membership.objects.filter(institution__in=ids, user__is_active=True, casework=True)
        .filter(Q(role=Role.PRACTITIONER) | Q(role=Role.COORDINATOR))
        .select_related("user")
        .order_by("user__full_name")
    ):
        members[membership.institution_id].append(membership.user)
    offered: dict[int, list[Service]] = {pk: [] for pk in ids}
    for service in Service.objects.filter(institution__in=ids, status=Service.Status.ACTIVE).order_by("name_ko"):
        offered[service.institution_id].append(service)
    return AddChoices(
        institutions,
        [(institution, members[institution.pk]) for institution in institutions],
        [(institution, offered[institution.pk]) for institution in institutions],
    )


def case_actions(user: object, case: Case, *, scope: str) -> CaseActions:
    """The case's actions for its page: every reader who sees the case sees that actions exist (what they ask
    only in full scope); who may work on the case may add one."""
    from jss.actions.services import WORKING_STATUSES

    if case.status in (Case.Status.NOMINATED, Case.Status.DECLINED):  # never accepted: no actions
        return CaseActions(rows=[], openable=set(), may_add=False)
    actions = list(_with_relations(Action.objects.filter(case=case)).order_by("due_on", "pk"))
    openable = set(visible_actions(user).filter(case=case).values_list("pk", flat=True)) if actions else set()
    full = {case.pk} if scope == FULL else set()
    return CaseActions(
        rows=_rows(actions, full), openable=openable,
        may_add=may_work_on(user, case) and case.status in WORKING_STATUSES,
    )  # fmt: skip
