"""Reads on assessments: a person's history, work waiting for an assessor, and the rates per institution."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.people.models import Person
from jss.risk.access import visible_assessments
from jss.risk.models import Assessment
from jss.risk.packs import Band, Pack, get_pack

DUE_SOON = datetime.timedelta(days=7)
# An assessment counts for a report when it is about its victim and completed within this time of the report.
COMPLETION_WINDOW = datetime.timedelta(days=14)


def history(user: object, person: Person) -> list[Assessment]:
    """The person's completed assessments the user may see, oldest first."""
    return list(
        visible_assessments(user)
        .filter(person=person, status=Assessment.Status.COMPLETE)
        .select_related("assessor", "institution")
        .order_by("completed_at")
    )


def drafts(user: object) -> QuerySet[Assessment]:
    return (
        visible_assessments(user)
        .filter(status=Assessment.Status.DRAFT, assessor_id=getattr(user, "pk", None))
        .select_related("person")
        .order_by("-updated_at")
    )


def due(user: object, *, today: datetime.date | None = None) -> list[Assessment]:
    """The latest completed assessment of each person and instrument done at the user's institution, when
    its reassessment date is within a week (or past) and nothing newer exists."""
    membership = getattr(user, "membership", None)
    if membership is None:
        return []
    today = today or timezone.localdate()
    newer = Assessment.objects.filter(
        person=OuterRef("person"), pack_id=OuterRef("pack_id"), status=Assessment.Status.COMPLETE,
        completed_at__gt=OuterRef("completed_at"),
    )  # fmt: skip
    return list(
        visible_assessments(user)
        .filter(
            status=Assessment.Status.COMPLETE,
            institution=membership.institution_id,
            reassess_by__lte=today + DUE_SOON,
        )
        .exclude(Exists(newer))
        .select_related("person")
        .order_by("reassess_by")
    )


@dataclass(frozen=True)
class BandView:
    """A band as shown: its label in the active language, and whether it is the pack's top band."""

    code: str
    label: str
    top: bool
    position: int


def band_view(pack: Pack | None, code: str) -> BandView | None:
    if not code:
        return None
    if pack is None:
        return BandView(code=code, label=code, top=False, position=0)
    try:
        band: Band = pack.band(code)
    except KeyError:
        return BandView(code=code, label=code, top=False, position=0)
    return BandView(
        code=code, label=str(band.label), top=band == pack.top_band, position=list(pack.bands).index(band) + 1
    )


def pack_for(assessment: Assessment) -> Pack | None:
    return get_pack(assessment.pack_id, assessment.pack_version)


# --- rates per institution (for the joint council's report) ---------------------------------------------


@dataclass(frozen=True)
class InstitutionRates:
    institution: Institution
    reports: int  # reports the institution recorded in the period, in a domain some pack covers
    assessed: int  # of which the victim was assessed (completed) within COMPLETION_WINDOW
    completed: int  # assessments the institution completed in the period
    overridden: int  # of which a professional set a different band
    answers: int
    unknown_answers: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def completion_rate(self) -> float | None:
        return self._share(self.assessed, self.reports)

    @property
    def override_rate(self) -> float | None:
        return self._share(self.overridden, self.completed)

    @property
    def unknown_rate(self) -> float | None:
        return self._share(self.unknown_answers, self.answers)


def rates(
    *, start: datetime.date, end: datetime.date, domains: list[str], institutions: QuerySet[Institution] | None = None
) -> list[InstitutionRates]:
    """Per institution, for reports and assessments from `start` to `end` (inclusive, Korea time).

    Completion: a report in one of `domains` counts as assessed when one of its victims has a completed
    assessment (by anyone, any instrument) from a day before the report until COMPLETION_WINDOW after it.
    Override: completed assessments whose band a professional changed. Unknown: share of all answers."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    assessed_victim = Assessment.objects.filter(
        status=Assessment.Status.COMPLETE,
        person__parties__incident=OuterRef("pk"),
        person__parties__role=Party.Role.VICTIM,
        completed_at__gte=OuterRef("reported_at") - datetime.timedelta(days=1),  # done at intake, just before
        completed_at__lte=OuterRef("reported_at") + COMPLETION_WINDOW,
    )
    reports = (
        Incident.objects.filter(reported_at__gte=since, reported_at__lt=until, domain__in=domains)
        .annotate(victim_assessed=Exists(assessed_victim))
        .values("reporting_institution")
        .annotate(reports=Count("pk"), assessed=Count("pk", filter=Q(victim_assessed=True)))
    )
    by_reports = {row["reporting_institution"]: row for row in reports}
    completed = Assessment.objects.filter(
        status=Assessment.Status.COMPLETE, completed_at__gte=since, completed_at__lt=until
    )
    by_completed: dict[int, dict[str, int]] = {}
    for assessment in completed.only("institution_id", "answers", "band", "override_band"):
        row = by_completed.setdefault(
            assessment.institution_id, {"completed": 0, "overridden": 0, "answers": 0, "unknown": 0}
        )
        row["completed"] += 1
        row["overridden"] += int(assessment.is_overridden)
        row["answers"] += len(assessment.answers)
        row["unknown"] += sum(1 for answer in assessment.answers.values() if answer == "unknown")
    chosen = institutions if institutions is not None else Institution.objects.all()
    result = []
    for institution in chosen.filter(pk__in={*by_reports, *by_completed}).order_by("name_ko"):
        reported = by_reports.get(institution.pk, {"reports": 0, "assessed": 0})
        done = by_completed.get(institution.pk, {"completed": 0, "overridden": 0, "answers": 0, "unknown": 0})
        result.append(
            InstitutionRates(
                institution=institution,
                reports=reported["reports"],
                assessed=reported["assessed"],
                completed=done["completed"],
                overridden=done["overridden"],
                answers=done["answers"],
                unknown_answers=done["unknown"],
            )
        )
    return result
