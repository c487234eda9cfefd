"""The meeting pack: a PDF of a working council meeting's agenda for one institution (issue 6, item 4).

The pack is per institution, not per reader: an institution sees a case on the agenda in full when it is the
station's own police institution or holds an active full share of it (`full_cases`); every other invited
institution gets it pseudonymised. Both get the case code, why it is on the agenda, its status and lead
institution, the persons by role with age band, sex and eup/myeon/dong, the risk summary (latest completed
assessment per person: band, date, unknown answers; the open repeat flags by rule title), the history (the
persons' reports by date, kind and source; the nominations' reasons; the council's earlier decisions and
causes) and the open support actions (institution, due date, status). Only a full institution gets names,
the repeat flags' explanations, what the actions ask exactly, and the research notes.

`pack_content` reads everything in a fixed number of queries; `render_pack` lays it out with
`council/pack.html` (the booklet's PretendardGOV fonts); bench/meeting_pack.py times both.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from jss.actions.models import Action
from jss.cases.access import fully_shared_cases
from jss.cases.models import Case, CasePerson, Nomination
from jss.cases.queries import ROLE_ORDER, age_band
from jss.council.causes import cause_factors
from jss.council.models import AgendaItem, Meeting, ResearchNote
from jss.directory.booklet import font_faces
from jss.incidents.models import Party
from jss.institutions.models import Institution
from jss.lib.language import content_language
from jss.repeats.models import Flag
from jss.repeats.rules import load_rules
from jss.risk.models import Assessment
from jss.risk.queries import BandView, band_view, pack_for

TEMPLATE = "council/pack.html"


@dataclass(frozen=True)
class RiskLine:
    instrument: str
    band: BandView | None
    completed_on: datetime.date | None
    unknown_count: int


@dataclass(frozen=True)
class PersonLine:
    role_label: str
    name: str  # "" unless the institution sees the case in full
    age_band: str
    sex: str
    area: str
    risk: RiskLine | None  # the latest completed assessment


@dataclass(frozen=True)
class FlagLine:
    title: str
    raised_on: datetime.date
    state: str
    explanation: str  # "" unless full: it lists the reports' dates, sources and kinds


@dataclass(frozen=True)
class ReportLine:
    reported_on: datetime.date
    kind: str
    source: str
    in_nomination: bool


@dataclass(frozen=True)
class NominationLine:
    nominated_on: datetime.date
    institution: str
    reasons: str


@dataclass(frozen=True)
class FindingLine:
    meeting_on: datetime.date
    decision: str
    causes: str
    risk_rating: str


@dataclass(frozen=True)
class ActionLine:
    institution: str
    service: str
    due_on: datetime.date
    status: str
    overdue: bool
    description: str  # "" unless full
    action_id: int = 0


@dataclass(frozen=True)
class NoteLine:
    institution: str
    text: str


@dataclass
class CasePack:
    item: AgendaItem
    case: Case
    full: bool
    reason: str
    persons: list[PersonLine] = field(default_factory=list)
    flags: list[FlagLine] = field(default_factory=list)
    reports: list[ReportLine] = field(default_factory=list)
    nominations: list[NominationLine] = field(default_factory=list)
    findings: list[FindingLine] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)  # only when full
    note_count: int = 0


@dataclass
class MeetingPack:
    meeting: Meeting
    institution: Institution
    cases: list[CasePack]
    generated_at: datetime.datetime

    @property
    def full_count(self) -> int:
        return sum(1 for case in self.cases if case.full)


def full_cases(institution: Institution, cases: list[Case]) -> set[int]:
    """The cases (ids) the institution sees in full today: those of its own station (a police station's
    institution) and those shared with it in full (jss.cases.access.fully_shared_cases). One query at most."""
    own = {
        case.pk for case in cases if institution.station_id is not None and case.station_id == institution.station_id
    }
    rest = [case.pk for case in cases if case.pk not in own]
    if not rest:
        return own
    shared = fully_shared_cases(institution.pk).filter(case__in=rest).values_list("case", flat=True)
    return own | set(shared)


def _reason(item: AgendaItem) -> str:
    return _("Review: support actions due") if item.reason == "review" else _("New case")


def _risk_lines(person_ids: set[int]) -> dict[int, RiskLine]:
    """The latest completed assessment of each person, whatever the instrument."""
    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(person_id__in=person_ids, status=Assessment.Status.COMPLETE).only(
        "id", "person_id", "pack_id", "pack_version", "band", "override_band", "unknown_count", "completed_at",
        "updated_at",
    ).order_by("completed_at", "pk"):  # fmt: skip
        latest[assessment.person_id] = assessment
    lines = {}
    for person_id, assessment in latest.items():
        pack = pack_for(assessment)
        completed = assessment.completed_at or assessment.updated_at
        lines[person_id] = RiskLine(
            instrument=str(pack.title) if pack else assessment.pack_id,
            band=band_view(pack, assessment.final_band),
            completed_on=timezone.localdate(completed) if completed else None,
            unknown_count=assessment.unknown_count,
        )
    return lines


def pack_content(
    meeting: Meeting, institution: Institution, *, now: datetime.datetime, only: AgendaItem | None = None
) -> MeetingPack:
    """What the pack shows the institution, in the active language: eleven queries whatever the number of
    cases (twelve when the council has discussed some of them before: their causes). `only`: just that
    agenda item's case (the chair's screen)."""
    agenda = AgendaItem.objects.filter(meeting=meeting)
    if only is not None:
        agenda = agenda.filter(pk=only.pk)
    items = list(agenda.select_related("case__lead_institution", "case__station"))
    cases = [item.case for item in items]
    case_ids = [case.pk for case in cases]
    full = full_cases(institution, cases)
    today = timezone.localdate(now)
    language = content_language()
    packs = {
        item.case_id: CasePack(item=item, case=item.case, full=item.case_id in full, reason=_reason(item))
        for item in items
    }

    # The persons; reports, assessments and flags of a person merged into another are the other record's now.
    members = list(CasePerson.objects.filter(case__in=case_ids).select_related("person__region"))
    members.sort(key=lambda row: (ROLE_ORDER.get(row.role, 9), row.pk))
    persons_of: dict[int, set[int]] = defaultdict(set)  # case → person ids, merged records included
    for row in members:
        persons_of[row.case_id].add(row.person_id)
        if row.person.merged_into_id is not None:
            persons_of[row.case_id].add(row.person.merged_into_id)
    person_ids = set().union(*persons_of.values()) if persons_of else set()
    risks = _risk_lines(person_ids)
    for row in members:
        person = row.person
        case_pack = packs[row.case_id]
        case_pack.persons.append(
            PersonLine(
                role_label=row.get_role_display(),
                name=person.full_name if case_pack.full else "",
                age_band=age_band(person, today),
                sex=person.get_sex_display(),
                area=person.region.name if person.region else "—",
                risk=risks.get(person.merged_into_id or person.pk) or risks.get(person.pk),
            )
        )

    rules = load_rules()
    flag_links = (
        Flag.persons.through.objects.filter(person_id__in=person_ids, flag__state__in=Flag.OPEN_STATES)
        .select_related("flag")
        .order_by("flag__fired_at", "flag_id")
    )
    flags_of: dict[int, list[Flag]] = defaultdict(list)
    for link in flag_links:
        for case_id, ids in persons_of.items():
            if link.person_id in ids and link.flag not in flags_of[case_id]:
                flags_of[case_id].append(link.flag)
    for case_id, flags in flags_of.items():
        case_pack = packs[case_id]
        for flag in flags:
            rule = rules.get(flag.rule_id)
            case_pack.flags.append(
                FlagLine(
                    title=rule.title(language) if rule else flag.rule_id,
                    raised_on=timezone.localdate(flag.fired_at),
                    state=flag.get_state_display(),
                    explanation=flag.explanation(language) if case_pack.full else "",
                )
            )

    nominated = set(Case.incidents.through.objects.filter(case__in=case_ids).values_list("case_id", "incident_id"))
    parties = (
        Party.objects.filter(person_id__in=person_ids)
        .select_related("incident")
        .only("person_id", "incident__id", "incident__domain", "incident__source", "incident__reported_at")
        .order_by("incident__reported_at", "incident_id")
    )
    seen: set[tuple[int, int]] = set()
    for party in parties:
        for case_id, ids in persons_of.items():
            if party.person_id in ids and (case_id, party.incident_id) not in seen:
                seen.add((case_id, party.incident_id))
                incident = party.incident
                packs[case_id].reports.append(
                    ReportLine(
                        reported_on=timezone.localdate(incident.reported_at),
                        kind=incident.get_domain_display(),
                        source=incident.get_source_display(),
                        in_nomination=(case_id, incident.pk) in nominated,
                    )
                )

    for nomination in (
        Nomination.objects.filter(case__in=case_ids).select_related("institution").order_by("created_at", "pk")
    ):
        packs[nomination.case_id].nominations.append(
            NominationLine(
                nominated_on=timezone.localdate(nomination.created_at),
                institution=nomination.institution.name,
                reasons=", ".join(nomination.reason_labels()),
            )
        )

    factors = cause_factors()
    earlier = (
        AgendaItem.objects.filter(case__in=case_ids, meeting__starts_at__lt=meeting.starts_at)
        .exclude(decision="")
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting")
        .prefetch_related("causes")
        .order_by("meeting__starts_at", "pk")
    )
    for item in earlier:
        packs[item.case_id].findings.append(
            FindingLine(
                meeting_on=timezone.localdate(item.meeting.starts_at),
                decision=item.get_decision_display(),
                causes=", ".join(
                    str(factors[c.factor]) if c.factor in factors else c.factor
                    for c in sorted(item.causes.all(), key=lambda c: c.factor)
                ),
                risk_rating=item.get_risk_rating_display() if item.risk_rating else "",
            )
        )

    for action in (
        Action.objects.filter(case__in=case_ids, status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
        .select_related("institution", "service")
        .order_by("due_on", "pk")
    ):
        case_pack = packs[action.case_id]
        case_pack.actions.append(
            ActionLine(
                institution=action.institution.name,
                service=action.service_name,
                due_on=action.due_on,
                status=action.get_status_display(),
                overdue=action.due_on < today,
                description=action.description if case_pack.full else "",
                action_id=action.pk,
            )
        )

    # Research notes: the text for a full institution, how many for the others.
    by_item = {case_pack.item.pk: case_pack for case_pack in packs.values()}
    for note in ResearchNote.objects.filter(item__in=list(by_item)).select_related("institution"):
        case_pack = by_item[note.item_id]
        case_pack.note_count += 1
        if case_pack.full:
            case_pack.notes.append(NoteLine(institution=note.institution.name, text=note.text))

    return MeetingPack(meeting=meeting, institution=institution, cases=list(packs.values()), generated_at=now)


def render_pack(pack: MeetingPack) -> bytes:
    """The pack as PDF bytes, in the active language."""
    html = render_to_string(TEMPLATE, {"pack": pack, "font_faces": font_faces()})
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=FontConfiguration())
    return pdf
