"""Demo risk assessments: the demo caseworkers assess the victims of their recent reports with the shipped
instrument packs, at completion rates like those reported for Korean police (62–69% of call-outs, facts.md),
with some unknown answers and a few bands set by professional judgement.

Answers are drawn at random, leaning towards yes where the report itself shows the risk factor's kind of
severity (a weapon, strangulation, threats): enough for the risk pages, the rates per institution and the
risk rule to have something to show. They are not a model of anything.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jss.accounts.models import Membership, User
from jss.audit.services import record
from jss.demo.services import DEMO_USERS
from jss.incidents.models import Incident, Party
from jss.risk.models import Assessment
from jss.risk.packs import Pack, current_packs, score

WINDOW = datetime.timedelta(days=180)  # reports this recent are assessed
# Share of reports whose victim the reporting institution assesses, by (source, kind of violence).
COMPLETION = {
    ("112", "domestic_violence"): 0.65,  # Korean police: 62–69% (facts.md)
    ("1366", "domestic_violence"): 0.8,
    ("child_protection", "child_abuse"): 0.85,
}
UNKNOWN_SHARE = 0.1
OVERRIDE_SHARE = 0.07
OVERRIDE_REASONS = [
    "피해자가 가해자와 곧 다시 함께 살 예정이라 한 단계 높임",
    "가해자 출소가 임박하여 위험이 높다고 판단함",
    "피해자가 보호시설 입소를 마쳐 당장의 위험은 낮다고 판단함",
    "최근 흉기 구입 정보가 있어 전문가 판단으로 상향함",
    "아동이 친척집으로 분리되어 위험이 낮아졌다고 판단함",
]
# Which markers of a report make which items (by words in their id) more likely yes.
MARKER_WORDS = {
    "strangulation": ("strangl", "chok"),
    "weapon": ("weapon",),
    "threat_to_kill": ("death", "kill"),
    "sexual_violence": ("sexual",),
    "pregnancy": ("pregnan",),
    "alcohol": ("alcohol", "drink", "substance"),
    "injury": ("injur",),
    "children_present": ("children",),
}


@dataclass(frozen=True)
class AssessmentResult:
    created: int
    already_present: int = 0
    overridden: int = 0


def _assessors() -> dict[int, User]:
    """The demo caseworker of each institution that has one (the first, by the list's order)."""
    usernames = [
        user.username for user in DEMO_USERS if user.role in {Membership.Role.COORDINATOR, Membership.Role.PRACTITIONER}
    ]
    found: dict[int, User] = {}
    for user in User.objects.filter(username__in=usernames, is_active=True).select_related("membership"):
        membership = getattr(user, "membership", None)
        if membership is not None and membership.casework:
            found.setdefault(membership.institution_id, user)
    return found


def _answers(pack: Pack, incident: Incident, rng: random.Random) -> dict[str, str]:
    risk = rng.random()  # how much is going on in this family, beyond the report
    shown = [marker for marker, words in MARKER_WORDS.items() if getattr(incident, marker, False)]
    answers = {}
    for item in pack.items:
        if rng.random() < UNKNOWN_SHARE:
            answers[item.id] = "unknown"
            continue
        matches = any(word in item.id for marker in shown for word in MARKER_WORDS[marker])
        # Critical items are rare unless the report shows them; most families answer yes to a few others.
        chance = (0.004 + 0.03 * risk) if item.critical else (0.08 + 0.4 * risk)
        if matches:
            chance = 0.85
        answers[item.id] = "yes" if rng.random() < chance else "no"
    return answers


def generate_assessments(*, seed: int, now: datetime.datetime | None = None) -> AssessmentResult:
    """Assess the victims of the demo caseworkers' institutions' reports of the last 180 days; nothing is
    added when demo assessments exist already."""
    now = now or timezone.now()
    assessors = _assessors()
    present = Assessment.objects.filter(assessor__in=list(assessors.values())).count()
    if present or not assessors:
        return AssessmentResult(created=0, already_present=present)
    packs_by_domain: dict[str, Pack] = {}
    for pack in sorted(current_packs().values(), key=lambda p: p.id):
        if pack.id.startswith("jss-"):
            packs_by_domain.setdefault(pack.domain, pack)
    rng = random.Random(seed * 7919 + 5)  # noqa: S311 (demo data)
    incidents = (
        Incident.objects.filter(
            reported_at__gte=now - WINDOW,
            reported_at__lte=now,
            reporting_institution__in=list(assessors),
            domain__in=list(packs_by_domain),
        )
        .order_by("reported_at", "pk")
        .prefetch_related("parties")
    )
    assessments: list[Assessment] = []
    last_assessed: dict[tuple[int, str], datetime.datetime] = {}
    for incident in incidents:
        chance = COMPLETION.get((incident.source, incident.domain), 0.6)
        victims = [party.person_id for party in incident.parties.all() if party.role == Party.Role.VICTIM]
        if not victims or rng.random() > chance:
            continue
        pack = packs_by_domain[incident.domain]
        person_id = victims[0]
        previous = last_assessed.get((person_id, pack.id))
        if previous is not None and incident.reported_at - previous < datetime.timedelta(days=14):
            continue  # assessed a few days ago for the last report
        answers = _answers(pack, incident, rng)
        scoring = score(pack, answers)
        completed_at = min(incident.reported_at + datetime.timedelta(minutes=rng.randint(10, 60 * 72)), now)
        override_band, reason = "", ""
        if rng.random() < OVERRIDE_SHARE:
            position = list(pack.bands).index(scoring.band)
            moved = position + (1 if position + 1 < len(pack.bands) and rng.random() < 0.7 else -1)
            if 0 <= moved < len(pack.bands) and moved != position:
                override_band, reason = pack.bands[moved].code, rng.choice(OVERRIDE_REASONS)
        assessor = assessors[incident.reporting_institution_id]
        assessments.append(
            Assessment(
                person_id=person_id,
                incident=incident,
                pack_id=pack.id,
                pack_version=pack.version,
                domain=pack.domain,
                status=Assessment.Status.COMPLETE,
                answers=answers,
                score=scoring.score,
                unknown_count=scoring.unknown_count,
                unknown_weight=scoring.unknown_weight,
                band=scoring.band.code,
                possible_band=scoring.possible_band.code,
                critical_items=list(scoring.critical_yes),
                override_band=override_band,
                override_reason=reason,
                overridden_by=assessor if override_band else None,
                assessor=assessor,
                institution_id=incident.reporting_institution_id,
                completed_at=completed_at,
                reassess_by=timezone.localdate(completed_at) + datetime.timedelta(days=pack.reassess_after_days),
            )
        )
        last_assessed[(person_id, pack.id)] = incident.reported_at
    with transaction.atomic():
        Assessment.objects.bulk_create(assessments, batch_size=1000)
        overridden = sum(1 for assessment in assessments if assessment.override_band)
        record(None, "demo.generate_assessments", None, {"seed": seed, "assessments": len(assessments),
                                                           "overridden": overridden})  # fmt: skip
    return AssessmentResult(created=len(assessments), overridden=overridden)
