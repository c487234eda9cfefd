"""Reads for the triage list and the flag page. Everything the templates show is loaded here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from jss.incidents.access import visible_incidents
from jss.incidents.models import Incident
from jss.people.models import Person
from jss.repeats.access import visible_flags
from jss.repeats.models import Flag, Proposal
from jss.repeats.rules import RuleSet
from jss.risk.access import visible_assessments
from jss.risk.models import Assessment

PAGE_SIZE = 50
INCIDENT_FIELDS = ("id", "code", "domain", "source", "reported_at", "reporting_institution__name_ko",
                   "reporting_institution__name_en")  # fmt: skip


@dataclass
class FlagRow:
    """A flag with the incidents behind it that the user may open, and how many others there are."""

    flag: Flag
    title: str
    explanation: str
    incidents: list[Incident]
    hidden: int
    # Risk identification: the assessments behind the flag that the user may open (flag page only), and
    # how many others there are.
    assessments: list[Assessment] = field(default_factory=list)
    hidden_assessments: int = 0


def _with_links(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    return flags.select_related("station").prefetch_related(
        Prefetch(
            "incidents",
            queryset=Incident.objects.select_related("reporting_institution")
            .only(*INCIDENT_FIELDS)
            .order_by("reported_at", "id"),
        ),
        Prefetch("persons", queryset=Person.objects.only("id", "code").order_by("code")),
    )


def open_flags(user: object) -> QuerySet[Flag]:
    """Open flags the user may see, the most serious and newest first."""
    return (
        visible_flags(user)
        .filter(state__in=Flag.OPEN_STATES, expires_at__gt=timezone.now())
        .order_by("-severity", "-fired_at", "-pk")
    )


def rows(user: object, flags: list[Flag], *, rules: RuleSet, language: str) -> list[FlagRow]:
    incident_ids = {incident.pk for flag in flags for incident in flag.incidents.all()}
    allowed = set(visible_incidents(user).filter(pk__in=incident_ids).values_list("pk", flat=True))
    result = []
    for flag in flags:
        linked = list(flag.incidents.all())
        shown = [incident for incident in linked if incident.pk in allowed]
        rule = rules.get(flag.rule_id)
        result.append(
            FlagRow(
                flag=flag,
                title=rule.title(language) if rule is not None else flag.rule_id,
                explanation=flag.explanation(language),
                incidents=shown,
                hidden=len(linked) - len(shown),
            )
        )
    return result


def triage_page(
    user: object, *, page_number: str | None, rules: RuleSet, language: str
) -> tuple[Page[Flag], list[FlagRow]]:
    page = Paginator(_with_links(open_flags(user)), PAGE_SIZE).get_page(page_number)
    return page, rows(user, list(page.object_list), rules=rules, language=language)


def flag_detail(user: object, flag: Flag, *, rules: RuleSet, language: str) -> tuple[FlagRow, list[Proposal]]:
    loaded = _with_links(Flag.objects.select_related("decided_by").filter(pk=flag.pk)).get()
    proposals = list(loaded.proposals.select_related("proposed_by").order_by("created_at"))
    row = rows(user, [loaded], rules=rules, language=language)[0]
    linked = list(
        loaded.assessments.only("id", "code", "completed_at", "pack_id", "pack_version").order_by("completed_at", "id")
    )
    if linked:
        allowed = set(visible_assessments(user).filter(pk__in=[a.pk for a in linked]).values_list("pk", flat=True))
        row.assessments = [assessment for assessment in linked if assessment.pk in allowed]
        row.hidden_assessments = len(linked) - len(row.assessments)
    return row, proposals
