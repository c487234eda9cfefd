"""Per case, the dates the report measures from: nomination, acceptance, first discussion in a working
council, the council referral, the case's report and kind of violence, closure, and the victims' first new
report after the referral (docs/metrics.md, "Referral" and "Repeat").

Loaded with a handful of grouped queries whatever the number of cases (no query per case); the per-case
work is Python over one row per case.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, QuerySet

from jss.cases.models import Case, CasePerson, Nomination
from jss.council.models import AgendaItem, Meeting
from jss.incidents.models import Party
from jss.people.models import Person
from jss.repeats.engine import Epoch

REPEAT_WINDOW = datetime.timedelta(days=365)  # "within 12 months of the council referral"
HELD = (Meeting.Status.HELD, Meeting.Status.APPROVED)
NOT_DISCUSSED = ("", AgendaItem.Decision.DEFERRED)
CHUNK = 900  # ids per IN (...) list, under SQLite's parameter limit


@dataclass
class CaseFacts:
    pk: int
    status: str
    closed_at: datetime.datetime | None
    outcome: str
    reopened_at: datetime.datetime | None
    first_nominated: datetime.datetime | None = None
    accepted: datetime.datetime | None = None  # the first accepted nomination's decision
    first_discussed: datetime.datetime | None = None  # the first held meeting that decided something on it
    report: datetime.datetime | None = None  # the latest report of the case recorded by its first nomination
    domain: str = ""  # that report's kind of violence ("" when the case has no report)
    victims: set[int] = field(default_factory=set)  # the victims' persons, merged records followed
    first_repeat: datetime.datetime | None = None  # the victims' first report as victim after the referral

    @property
    def referral(self) -> datetime.datetime | None:
        """The council referral: the first working-council meeting that discussed the case, else the
        acceptance of its nomination; None while it is not accepted (nominated or declined)."""
        return self.first_discussed or self.accepted

    def repeat_within(self, window: datetime.timedelta = REPEAT_WINDOW) -> bool:
        referral = self.referral
        return referral is not None and self.first_repeat is not None and self.first_repeat <= referral + window


def moment(seconds: int | None) -> datetime.datetime | None:
    """A time the database gave as whole seconds since 1970 (`Epoch`): much faster to read than its text."""
    return None if seconds is None else datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def _resolve(merged: dict[int, int]) -> dict[int, int]:
    """Merged person → the surviving record at the end of the chain."""
    roots: dict[int, int] = {}
    for start in merged:
        seen = [start]
        root = merged[start]
        while root in merged and root not in seen:
            seen.append(root)
            root = merged[root]
        for person in seen:
            roots[person] = root
    return roots


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def load_case_facts(cases: QuerySet[Case], *, until: datetime.datetime) -> dict[int, CaseFacts]:
    """Facts of `cases` as known before `until` (later reports, nominations and meetings are ignored)."""
    rows = cases.annotate(closed=Epoch("closed_at"), reopened=Epoch("reopened_at")).values_list(
        "pk", "status", "closed", "outcome", "reopened"
    )
    facts = {
        pk: CaseFacts(pk, status, moment(closed), outcome, moment(reopened))
        for pk, status, closed, outcome, reopened in rows
    }
    if not facts:
        return facts
    chosen = cases.values("pk")
    nominations = (
        Nomination.objects.filter(case__in=chosen, created_at__lt=until)
        .values("case")
        .annotate(
            first=Min(Epoch("created_at")),
            accepted=Min(Epoch("decided_at"), filter=Q(status=Nomination.Status.ACCEPTED, decided_at__lt=until)),
        )
        .values_list("case", "first", "accepted")
    )
    for case, first, accepted in nominations:
        facts[case].first_nominated, facts[case].accepted = moment(first), moment(accepted)
    discussed = (
        AgendaItem.objects.filter(case__in=chosen, meeting__status__in=HELD, meeting__starts_at__lt=until)
        .exclude(decision__in=NOT_DISCUSSED)
        .values("case")
        .annotate(first=Min(Epoch("meeting__starts_at")))
        .values_list("case", "first")
    )
    for case, first in discussed:
        facts[case].first_discussed = moment(first)
    reports = (
        Case.incidents.through.objects.filter(case__in=chosen, incident__reported_at__lt=until)
        .annotate(seconds=Epoch("incident__reported_at"))
        .values_list("case_id", "seconds", "incident__domain")  # type: ignore[misc]  # the stubs miss the annotation
    )
    earliest: dict[int, tuple[int, str]] = {}
    for case, seconds, domain in reports:
        fact = facts[case]
        reported_at = moment(seconds)
        assert reported_at is not None
        nominated = fact.first_nominated
        if nominated is not None and reported_at <= nominated and (fact.report is None or reported_at > fact.report):
            fact.report, fact.domain = reported_at, domain
        if case not in earliest or seconds < earliest[case][0]:
            earliest[case] = (seconds, domain)
    for case, (_seconds, domain) in earliest.items():
        if not facts[case].domain:  # only reports after the nomination: its kind still says what the case is
            facts[case].domain = domain
    _load_repeats(facts, chosen, until=until)
    return facts


def _load_repeats(facts: dict[int, CaseFacts], chosen: QuerySet[Case, Any], *, until: datetime.datetime) -> None:
    """Each case's first report after its referral in which one of its victims (any record of the same
    person, merges followed) is a victim."""
    roots = _resolve(dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")))
    victims = CasePerson.objects.filter(case__in=chosen, role=CasePerson.Role.VICTIM)
    for case, person in victims.values_list("case_id", "person_id"):
        facts[case].victims.add(roots.get(person, person))
    referrals = [fact.referral for fact in facts.values() if fact.referral is not None and fact.victims]
    if not referrals:
        return
    since = min(referrals)
    times: dict[int, list[int]] = defaultdict(list)
    parties = Party.objects.filter(
        role=Party.Role.VICTIM, incident__reported_at__gt=since, incident__reported_at__lt=until
    ).annotate(seconds=Epoch("incident__reported_at"))
    rows = list(parties.filter(person__in=victims.values("person_id")).values_list("person_id", "seconds"))
    # Records merged into a victim's, or the record a victim's was merged into: the same person.
    wanted = {root for fact in facts.values() for root in fact.victims}
    related = {person for person, root in roots.items() if root in wanted} | (wanted & set(roots.values()))
    for chunk in _chunks(related):
        rows.extend(parties.filter(person__in=chunk).values_list("person_id", "seconds"))
    for person, seconds in rows:  # a report read twice changes no first repeat
        times[roots.get(person, person)].append(seconds)
    for reports in times.values():
        reports.sort()
    for fact in facts.values():
        referral = fact.referral
        if referral is None:
            continue
        firsts = []
        for root in fact.victims:
            reports = times.get(root, [])
            after = bisect_right(reports, int(referral.timestamp()))  # strictly after the referral
            if after < len(reports):
                firsts.append(reports[after])
        fact.first_repeat = moment(min(firsts, default=None))
