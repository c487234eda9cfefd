"""Reads for the review of possible duplicates: the queue, and a pair side by side with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jss.incidents.models import Incident
from jss.incidents.queries import person_incidents
from jss.people.access import sees_merged_record, visible_links
from jss.people.models import LinkageRun, Person, PersonLink

COMPARISONS: dict[str, Promise] = {
    "given_name": _("Given name"),
    "surname": _("Family name"),
    "birth": _("Birth date"),
    "contact": _("Phone and address"),
    "sex": _("Sex"),
    "identifier": _("Identification number"),
}
LEVELS: dict[str, Promise] = {
    "missing": _("not written on one side"),
    "exact": _("the same"),
    "one_jamo_apart": _("one letter (jamo) apart"),
    "similar": _("similar"),
    "different": _("different"),
    "day_month_swapped": _("day and month swapped"),
    "one_digit_apart": _("one digit apart"),
    "same_year_date_unknown": _("same year, date not written"),
    "same_phone_same_address": _("same phone and same address"),
    "same_phone": _("same phone"),
    "same_unit": _("same building and unit"),
    "unit_one_digit_apart": _("same building, unit one digit apart"),
    "same_building_unit_unknown": _("same building, unit not written"),
    "same_building_other_unit": _("same building, another unit"),
    "same_region": _("same eup/myeon/dong only"),
}
REVIEW_REASONS: dict[str, Promise] = {
    "below_auto_link_threshold": _("The evidence is not strong enough to merge without a person."),
    "names_differ": _("The names differ (a changed name, or two people of one household?)."),
    "two_common_names": _("Both given names are common and one letter apart: a typo, or twins?"),
    "two_established_names": _("Each given name is written the same way in other records: probably two people."),
    "too_few_records": _("Too few persons yet for merging without a person."),
    "victim_and_suspect": _("Victim and suspect of the same report: kept apart."),
    "not_merged_automatically": _("Strong enough to merge, but the records changed during the run: decide."),
}
RUN_NOTES: dict[str, Promise] = {
    LinkageRun.NOTHING_TO_COMPARE: _("Fewer than two persons: nothing to compare."),
    LinkageRun.TOO_FEW_TO_MERGE: _("Too few persons to merge anything without a person; every pair went to review."),
    LinkageRun.UNTRAINED: _("Too few duplicates left to learn from, and no earlier model to use: nothing compared."),
}


def link_queue(user: object) -> QuerySet[PersonLink]:
    """Pairs waiting for a decision, strongest first; pairs whose records were merged meanwhile are left out
    (the next run compares what they were merged into)."""
    return (
        visible_links(user)
        .filter(status=PersonLink.Status.PENDING, person__merged_into__isnull=True, other__merged_into__isnull=True)
        .select_related("person", "other")
        .order_by("-match_probability", "pk")
    )


def recent_decisions(user: object, *, limit: int = 20) -> list[PersonLink]:
    decided = (
        visible_links(user)
        .exclude(status=PersonLink.Status.PENDING)
        .select_related("person", "other", "decided_by")
        .order_by("-decided_at", "-pk")[: limit * 3]
    )
    return [link for link in decided if sees_merged_record(user, link)][:limit]


def last_run() -> LinkageRun | None:
    return LinkageRun.objects.defer("model").order_by("-started_at").first()


@dataclass
class EvidenceRow:
    comparison: str
    level: str
    weight: float

    @property
    def supports(self) -> bool:
        return self.weight > 0


def evidence_rows(link: PersonLink) -> list[EvidenceRow]:
    rows = []
    for item in link.evidence:
        code, level = str(item.get("comparison", "")), str(item.get("level", ""))
        rows.append(
            EvidenceRow(
                comparison=str(COMPARISONS.get(code, code)),
                level=str(LEVELS.get(level, level)),
                weight=float(item.get("weight", 0.0)),
            )
        )
    return rows


@dataclass
class Side:
    person: Person
    incidents: list[Incident]
    masked_identifier: str


def masked_identifier(value: str) -> str:
    """A registration number as its first seven characters (birth date and the sex digit) and stars."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[:8] + "*" * max(0, len(value) - 8) if "-" in value[:8] else value[:7] + "*" * max(0, len(value) - 7)


def sides(user: object, link: PersonLink) -> list[Side]:
    """Both records with the reports the user may see; for a merged pair, the other record's reports are
    those the merge moved (they are held by the kept person now)."""
    from jss.incidents.access import visible_incidents

    kept = list(person_incidents(user, link.person)[:20])
    if link.status == PersonLink.Status.MERGED:
        other = list(
            visible_incidents(user)
            .filter(parties__pk__in=link.moved_parties)
            .select_related("reporting_institution", "region")
            .order_by("-reported_at")
            .distinct()[:20]
        )
    else:
        other = list(person_incidents(user, link.other)[:20])
    return [
        Side(person=person, incidents=incidents, masked_identifier=masked_identifier(person.identifier))
        for person, incidents in ((link.person, kept), (link.other, other))
    ]


def review_reason(link: PersonLink) -> Any:
    return REVIEW_REASONS.get(link.review_reason, "")
