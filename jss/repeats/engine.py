"""The repeat-rule engine: which flags should be open now, computed in bulk.

Inputs (and nothing else): incidents (report time, kind of violence, source, region, police measures,
severity markers), their victims and suspects, which persons share a Household record or were merged into
another, the referrals recorded on the triage list, and completed risk assessments (completion time,
instrument id and version, computed band, the professional's band, the critical items answered yes, the
report and the assessing institution's region; never the other answers or the reason for a different
band). Disability, mental-health, migrant status, nationality or any other attribute of a person is never
read: no rule can depend on it.

How a rule fires. Each relevant incident of a subject is a moment at which the rule is checked, over the
window that ends at that report (windows include both ends: 365 days means a report 365 days earlier
still counts). A firing stands for `expires_after_days` after the report that made it fire; the next
report that fires it again renews it. So a household leaves grade A three months after its last report
that still met grade A (the police's "removed after 3 months without a report"). Only firings still
standing at `now` become open flags; incidents reported after `now` are ignored.

Risk identification. For each person and instrument only the latest completed assessment counts: it fires
when it was completed within the rule's window and its band (the professional's, when set) is the
instrument's top band, or a critical item was answered yes. It stands for `expires_after_days` after
its completion; a later assessment in a lower band, or a lower band set by a professional, makes it stop.

Subjects. A household is a set of people linked by being victim and suspect of the same domestic-violence
incident, or by sharing a Household record; its key is the lowest person id in it. A pair is an
(ordered) victim and suspect of one incident. A person is a referred person (repeat after referral), the
victim of a critical incident with no suspect recorded, or an assessed person (risk identification).

Two entry points: `evaluate_all` (the nightly batch, `manage.py evaluate_repeat_rules`) loads everything
with a few `values_list` queries and works in memory; `evaluate_for_persons` (right after an incident is
recorded) loads only the households, pairs and persons those people belong to and runs the same code.
"""

from __future__ import annotations

import datetime
import logging
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from jss.incidents.models import Incident, Party
from jss.people.models import Person
from jss.regions.models import PoliceStation
from jss.repeats.models import Flag, Proposal
from jss.repeats.rules import KINDS, MARKERS, Rule, RuleSet, load_rules
from jss.repeats.services import Evaluation, Firing, Subject, expire_flags, save_firings
from jss.risk.models import Assessment
from jss.risk.packs import PackError, get_pack

logger = logging.getLogger(__name__)

__all__ = ["Evaluation", "compute", "evaluate_all", "evaluate_for_persons", "expire_flags"]

DAY = 86_400
ROLES = (Party.Role.VICTIM, Party.Role.SUSPECT)
LINKING_DOMAIN = Incident.Domain.DOMESTIC_VIOLENCE  # victim and suspect of one DV incident: one household
MARKER_BITS = {name: 1 << number for number, name in enumerate(MARKERS)}
CHUNK = 5000  # ids per IN (…) in the incremental path
LARGE = 20_000  # more persons than this: the batch path is faster
PART_SIZE = 500  # flags written per transaction by the batch
RISK_KIND = "risk_identification"


@dataclass
class Incidents:
    """Incidents as parallel lists (position = index), with their victims and suspects (canonical ids)."""

    ids: list[int] = field(default_factory=list)
    times: list[int] = field(default_factory=list)  # reported_at, seconds since the epoch
    domains: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    regions: list[int | None] = field(default_factory=list)
    booked: list[bool] = field(default_factory=list)
    markers: list[int] = field(default_factory=list)  # MARKER_BITS
    victims: list[tuple[int, ...]] = field(default_factory=list)
    suspects: list[tuple[int, ...]] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # positions by report time (then id)


class AssessmentRow(NamedTuple):
    """What the engine reads of a completed assessment (and nothing else of it)."""

    id: int
    person: int  # canonical
    pack_id: str
    pack_version: int
    completed_at: datetime.datetime
    band: str  # as computed
    override_band: str  # the professional's, or ""
    critical_items: tuple[str, ...]  # critical items answered yes
    incident_id: int | None
    incident_region: int | None
    institution_region: int | None


@dataclass(frozen=True)
class Instrument:
    """What the top-band check and the explanation need of a pack (one version of one instrument)."""

    title: tuple[str, str]  # Korean, English
    top_band: str
    bands: Mapping[str, tuple[str, str]]  # code → label
    items: Mapping[str, tuple[str, str]]  # critical item id → text


@dataclass
class Dataset:
    incidents: Incidents
    households: dict[int, int]  # canonical person → Household id (persons with a Household record)
    referrals: dict[int, int]  # canonical person → time of the last proposal to the council
    stations: dict[int, int]  # region id → police station id
    # Completed assessments within the longest risk-identification window, by completion time.
    assessments: list[AssessmentRow] = field(default_factory=list)
    instruments: dict[tuple[str, int], Instrument | None] = field(default_factory=dict)  # None: not installed
    packs_unreadable: bool = False  # a pack file is refused: risk identification cannot be evaluated now


# --- loading ------------------------------------------------------------------------------------------


def _chunks(values: Collection[int]) -> Iterator[list[int]]:
    items = sorted(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _resolve(merged: dict[int, int]) -> dict[int, int]:
    """Follow merge chains (a → b → c) to the surviving person."""
    resolved = {}
    for person, target in merged.items():
        seen = {person}
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        resolved[person] = target
    return resolved


def _merges(persons: Collection[int] | None) -> dict[int, int]:
    """Merged person → surviving person, for `persons` (None: everyone)."""
    merged_persons = Person.objects.filter(merged_into__isnull=False)
    if persons is None:
        return _resolve(dict(merged_persons.values_list("pk", "merged_into_id")))
    merged: dict[int, int] = {}
    todo = set(persons)
    while todo:
        found: dict[int, int] = {}
        for chunk in _chunks(todo):
            found.update(merged_persons.filter(pk__in=chunk).values_list("pk", "merged_into_id"))
        merged.update(found)
        todo = set(found.values()) - set(merged)
    return _resolve(merged)


class Epoch(Func):
    """Whole seconds since 1970 of a datetime column, computed by the database (no per-row conversion)."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Datetimes are stored in UTC as text; "%%%%s" reaches SQLite as strftime('%s', …).
        return self.as_sql(compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)")


def _incident_values(incidents: QuerySet[Incident]) -> QuerySet[Incident, tuple[Any, ...]]:
    """(id, report time in seconds, domain, source, region, booked 0/1, marker bits), ordered by id."""
    bits = sum((Cast(name, output_field=IntegerField()) * bit for name, bit in MARKER_BITS.items()), start=Value(0))
    booked = f'"{Incident.PoliceMeasure.BOOKED.value}"'
    return (
        incidents.annotate(
            measures_text=Cast("police_measures", output_field=TextField()),
            seconds=Epoch("reported_at"),
            booked_flag=Case(When(measures_text__contains=booked, then=Value(1)), default=Value(0)),
            marker_bits=ExpressionWrapper(bits, output_field=IntegerField()),
        )
        .values_list("id", "seconds", "domain", "source", "region_id", "booked_flag", "marker_bits")
        .order_by("id")
    )


def _load_incidents(
    incidents: Iterable[QuerySet[Incident]], parties: Iterable[QuerySet[Party]], merged: dict[int, int]
) -> Incidents:
    """Incidents in id order (each queryset in turn: chunks must come in increasing id ranges)."""
    rows: list[tuple[Any, ...]] = []
    for incident_rows in incidents:
        rows.extend(_incident_values(incident_rows).iterator(chunk_size=20_000))
    data = Incidents()
    if rows:
        columns = list(zip(*rows, strict=True))
        del rows
        data.ids, data.times, data.domains, data.sources, data.regions = (list(column) for column in columns[:5])
        data.booked = [bool(value) for value in columns[5]]
        data.markers = list(columns[6])
        del columns
    count = len(data.ids)
    index = dict(zip(data.ids, range(count), strict=True))
    empty: tuple[int, ...] = ()
    victims = [empty] * count
    suspects = [empty] * count
    for party_rows in parties:
        for role, target in ((Party.Role.VICTIM, victims), (Party.Role.SUSPECT, suspects)):
            for incident_id, person_id in (
                party_rows.filter(role=role)
                .values_list("incident_id", "person_id")
                .order_by()
                .iterator(chunk_size=50_000)
            ):
                position = index.get(incident_id)
                if position is None:
                    continue  # an incident that was not loaded (reported after `now`)
                person = merged.get(person_id, person_id) if merged else person_id
                if person not in target[position]:
                    target[position] += (person,)
    del index
    data.victims, data.suspects = victims, suspects
    data.order = sorted(range(count), key=data.times.__getitem__)
    return data


def _stations() -> dict[int, int]:
    stations: dict[int, int] = {}
    for region_id, station_id in PoliceStation.jurisdiction.through.objects.order_by("policestation_id").values_list(
        "region_id", "policestation_id"
    ):
        stations.setdefault(region_id, station_id)
    return stations


def _referrals(rows: Iterable[tuple[int | None, datetime.datetime]], merged: dict[int, int]) -> dict[int, int]:
    last: dict[int, int] = {}
    for person_id, created_at in rows:
        if person_id is None:
            continue
        person = merged.get(person_id, person_id)
        last[person] = max(last.get(person, 0), int(created_at.timestamp()))
    return last


def _risk_rules(rules: RuleSet) -> list[Rule]:
    return [rule for rule in rules.rules if rule.kind == RISK_KIND]


def _completed_assessments(rules: RuleSet, *, now: datetime.datetime) -> QuerySet[Assessment] | None:
    """The completed assessments the risk-identification rules can see (None: there is no such rule)."""
    risk_rules = _risk_rules(rules)
    if not risk_rules:
        return None
    days = max(rule.parameters["window_days"] for rule in risk_rules)
    return Assessment.objects.filter(
        status=Assessment.Status.COMPLETE, completed_at__lte=now, completed_at__gte=now - datetime.timedelta(days=days)
    )


ASSESSMENT_FIELDS = ("id", "person_id", "pack_id", "pack_version", "completed_at", "band", "override_band",
                     "critical_items", "incident_id", "incident__region_id", "institution__region_id")  # fmt: skip


def _load_assessments(querysets: Iterable[QuerySet[Assessment]], merged: dict[int, int]) -> list[AssessmentRow]:
    """Band, professional's band and critical items of completed assessments, by completion time."""
    rows = []
    for assessments in querysets:
        for values in assessments.values_list(*ASSESSMENT_FIELDS).order_by("completed_at", "id"):
            row = AssessmentRow(*values)
            rows.append(
                row._replace(person=merged.get(row.person, row.person), critical_items=tuple(row.critical_items or ()))
            )
    rows.sort(key=lambda row: (row.completed_at, row.id))
    return rows


def _instruments(rows: list[AssessmentRow]) -> tuple[dict[tuple[str, int], Instrument | None], bool]:
    """The instruments of these assessments, and whether the packs could not be read at all."""
    instruments: dict[tuple[str, int], Instrument | None] = {}
    try:
        for pack_id, version in sorted({(row.pack_id, row.pack_version) for row in rows}):
            pack = get_pack(pack_id, version)
            instruments[(pack_id, version)] = (
                None
                if pack is None
                else Instrument(
                    title=(pack.title.ko, pack.title.en),
                    top_band=pack.top_band.code,
                    bands={band.code: (band.label.ko, band.label.en) for band in pack.bands},
                    items={item.id: (item.text.ko, item.text.en) for item in pack.critical_items},
                )
            )
    except PackError:
        logger.warning("A risk pack file is refused: risk-identification rules were not evaluated (flags kept).")
        return {}, True
    return instruments, False


def _with_assessments(dataset: Dataset, rows: list[AssessmentRow]) -> Dataset:
    dataset.assessments = rows
    if rows:
        dataset.instruments, dataset.packs_unreadable = _instruments(rows)
    return dataset


def load_everything(*, now: datetime.datetime, rules: RuleSet) -> Dataset:
    merged = _merges(None)
    incidents = _load_incidents([Incident.objects.filter(reported_at__lte=now)], [Party.objects.all()], merged)
    households = {
        merged.get(person, person): household
        for person, household in Person.objects.filter(household__isnull=False).values_list("pk", "household_id")
    }
    referrals = _referrals(
        Proposal.objects.filter(created_at__lte=now).values_list("flag__persons", "created_at"), merged
    )
    completed = _completed_assessments(rules, now=now)
    assessments = _load_assessments([completed] if completed is not None else [], merged)
    return _with_assessments(Dataset(incidents, households, referrals, _stations()), assessments)


def _closure(person_ids: set[int]) -> set[int]:
    """The persons whose households, pairs and referrals must be re-evaluated: the given ones, the people
    they are merged with, and everyone in their households (DV co-parties and Household records)."""
    closure: set[int] = set()
    frontier = set(person_ids)
    while frontier:
        closure |= frontier
        found: set[int] = set()
        households: set[int] = set()
        for chunk in _chunks(frontier):
            for pk, into, household in Person.objects.filter(Q(pk__in=chunk) | Q(merged_into__in=chunk)).values_list(
                "pk", "merged_into_id", "household_id"
            ):
                found.add(pk)
                if into is not None:
                    found.add(into)
                if household is not None:
                    households.add(household)
            linked = Party.objects.filter(
                incident__in=Party.objects.filter(
                    person_id__in=chunk, role__in=ROLES, incident__domain=LINKING_DOMAIN
                ).values("incident_id"),
                role__in=ROLES,
            )
            found.update(linked.values_list("person_id", flat=True))
        for chunk in _chunks(households):
            found.update(Person.objects.filter(household_id__in=chunk).values_list("pk", flat=True))
        frontier = found - closure
    return closure


def load_for_persons(person_ids: set[int], *, now: datetime.datetime, rules: RuleSet) -> tuple[Dataset, set[int]]:
    """Everything needed to evaluate the subjects of `person_ids`, and the scope (their canonical persons and
    the persons merged into those)."""
    closure = _closure(person_ids)
    incident_ids: set[int] = set()
    for chunk in _chunks(closure):
        incident_ids.update(
            Party.objects.filter(person_id__in=chunk, role__in=ROLES, incident__reported_at__lte=now).values_list(
                "incident_id", flat=True
            )
        )
    chunks = list(_chunks(incident_ids))
    partners: set[int] = set()
    for chunk in chunks:
        partners.update(Party.objects.filter(incident_id__in=chunk, role__in=ROLES).values_list("person_id", flat=True))
    merged = _merges(closure | partners)
    incidents = _load_incidents(
        [Incident.objects.filter(pk__in=chunk) for chunk in chunks],
        [Party.objects.filter(incident_id__in=chunk) for chunk in chunks],
        merged,
    )
    households: dict[int, int] = {}
    referral_rows: list[tuple[int | None, datetime.datetime]] = []
    for chunk in _chunks(closure):
        for person, household in Person.objects.filter(pk__in=chunk, household__isnull=False).values_list(
            "pk", "household_id"
        ):
            households[merged.get(person, person)] = household
        referral_rows.extend(
            Proposal.objects.filter(created_at__lte=now, flag__persons__in=chunk).values_list(
                "flag__persons", "created_at"
            )
        )
    completed = _completed_assessments(rules, now=now)
    assessments = _load_assessments(
        [] if completed is None else [completed.filter(person_id__in=chunk) for chunk in _chunks(closure)], merged
    )
    # The canonical persons, and those merged into them: an open flag about a merged person is then
    # re-evaluated too (updated to the person kept, or closed), as the batch does.
    scope = {merged.get(person, person) for person in closure} | closure
    dataset = Dataset(incidents, households, _referrals(referral_rows, merged), _stations())
    return _with_assessments(dataset, assessments), scope


# --- components (households) --------------------------------------------------------------------------


class Components:
    """Union-find over person ids; the root of a component is its lowest id. Dense (an array indexed by
    person id) for the batch, sparse (a dict) for the few persons of an incremental run."""

    def __init__(self, size: int | None) -> None:
        self.dense = array("q", range(size)) if size is not None else None
        self.sparse: dict[int, int] = {}

    def find(self, person: int) -> int:
        if self.dense is not None:
            parent = self.dense
            while parent[person] != person:
                parent[person] = parent[parent[person]]
                person = parent[person]
            return person
        sparse = self.sparse
        while (up := sparse.get(person, person)) != person:
            sparse[person] = sparse.get(up, up)
            person = up
        return person

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a == b:
            return
        low, high = (a, b) if a < b else (b, a)
        if self.dense is not None:
            self.dense[high] = low
        else:
            self.sparse[high] = low


# --- the rules ----------------------------------------------------------------------------------------


@dataclass
class Part:
    positions: list[int]
    threshold: int
    window_days: int


@dataclass
class Outcome:
    fired_at: int
    parts: dict[str, Part]
    referral: int | None = None


def _in(domains: frozenset[str] | None, domain: str) -> bool:
    return domains is None or domain in domains


def _window(times: list[int], at: int, days: int) -> tuple[int, int]:
    return bisect_left(times, at - days * DAY), bisect_right(times, at)


def household_repeat(rule: Rule, events: list[int], data: Incidents, now: int) -> Outcome | None:
    """Grade A / B: enough reports, or enough bookings, within their windows."""
    expiry = rule.expires_after_days * DAY
    domains = rule.domains()
    reports = [e for e in events if _in(domains, data.domains[e])]
    if not reports or data.times[reports[-1]] + expiry <= now:
        return None
    p = rule.parameters
    report_times = [data.times[e] for e in reports]
    bookings = [e for e in reports if data.booked[e]]
    booking_times = [data.times[e] for e in bookings]
    for index in range(len(reports) - 1, -1, -1):
        at = report_times[index]
        if at + expiry <= now:
            break
        parts = {}
        low, high = _window(report_times, at, p["report_window_days"])
        if high - low >= p["report_count"]:
            parts["reports"] = Part(reports[low:high], p["report_count"], p["report_window_days"])
        low, high = _window(booking_times, at, p["booking_window_days"])
        if high - low >= p["booking_count"]:
            parts["bookings"] = Part(bookings[low:high], p["booking_count"], p["booking_window_days"])
        if parts:
            return Outcome(at, parts)
    return None


def pair_repeat(rule: Rule, events: list[int], data: Incidents, now: int) -> Outcome | None:
    """Escalation: enough reports about the same victim and suspect within the window."""
    expiry = rule.expires_after_days * DAY
    domains = rule.domains()
    reports = [e for e in events if _in(domains, data.domains[e])]
    if not reports or data.times[reports[-1]] + expiry <= now:
        return None
    count, days = rule.parameters["report_count"], rule.parameters["window_days"]
    times = [data.times[e] for e in reports]
    for index in range(len(reports) - 1, -1, -1):
        at = times[index]
        if at + expiry <= now:
            break
        low, high = _window(times, at, days)
        if high - low >= count:
            return Outcome(at, {"reports": Part(reports[low:high], count, days)})
    return None


def critical_indicator(rule: Rule, events: list[int], data: Incidents, now: int) -> Outcome | None:
    """One incident with a critical marker (or of a critical kind) is enough; each stands for its expiry."""
    expiry = rule.expires_after_days * DAY
    mask = sum(MARKER_BITS[name] for name in rule.parameters["markers"])
    domains = frozenset(rule.parameters["domains"])
    standing = [
        e for e in events if (data.markers[e] & mask or data.domains[e] in domains) and data.times[e] + expiry > now
    ]
    if not standing:
        return None
    return Outcome(data.times[standing[-1]], {"incidents": Part(standing, 1, rule.expires_after_days)})


def after_referral(rule: Rule, events: list[int], data: Incidents, now: int, referral: int) -> Outcome | None:
    """Any new incident within the window after the person's last referral."""
    expiry = rule.expires_after_days * DAY
    domains = rule.domains()
    days = rule.parameters["window_days"]
    after = [e for e in events if referral < data.times[e] <= referral + days * DAY and _in(domains, data.domains[e])]
    if not after or data.times[after[-1]] + expiry <= now:
        return None
    return Outcome(data.times[after[-1]], {"incidents": Part(after, 1, days)}, referral=referral)


def cross_domain(rule: Rule, events: list[int], data: Incidents, now: int) -> Outcome | None:
    """Every listed kind of violence in the same household within the window."""
    expiry = rule.expires_after_days * DAY
    required = frozenset(rule.parameters["domains"])
    days = rule.parameters["window_days"]
    relevant = [e for e in events if data.domains[e] in required]
    if not relevant or data.times[relevant[-1]] + expiry <= now:
        return None
    times = [data.times[e] for e in relevant]
    for index in range(len(relevant) - 1, -1, -1):
        at = times[index]
        if at + expiry <= now:
            break
        low, high = _window(times, at, days)
        if {data.domains[e] for e in relevant[low:high]} >= required:
            return Outcome(at, {"incidents": Part(relevant[low:high], len(required), days)})
    return None


# --- explanations -------------------------------------------------------------------------------------


def _local_date(seconds: int) -> str:
    return datetime.datetime.fromtimestamp(seconds, tz=timezone.get_default_timezone()).date().isoformat()


def duration(days: int, language: str) -> str:
    """365 → 12개월 / 12 months; 1095 → 3년 / 3 years; 90 → 3개월 / 3 months; 45 → 45일 / 45 days."""
    if days % 365 == 0 and days > 365:
        number, ko, en = days // 365, "년", "years"
    elif days == 365:
        number, ko, en = 12, "개월", "months"
    elif days % 30 == 0:
        number, ko, en = days // 30, "개월", "months" if days > 30 else "month"
    else:
        number, ko, en = days, "일", "days" if days > 1 else "day"
    return f"{number}{ko}" if language == "ko" else f"{number} {en}"


def _describe(position: int, rule: Rule, rules: RuleSet, data: Incidents, language: str) -> str:
    which = 0 if language == "ko" else 1
    text = _local_date(data.times[position])
    domains = rule.domains()
    if domains is None or len(domains) > 1 or rule.kind == "critical_indicator":
        text += " " + rules.domains[data.domains[position]][which]
    text += f" ({rules.sources[data.sources[position]][which]})"
    if rule.kind == "critical_indicator":
        names = [
            rules.markers[name][which]
            for name in rule.parameters["markers"]
            if data.markers[position] & MARKER_BITS[name]
        ]
        if names:
            text += ": " + ", ".join(names)
    return text


def explain(rule: Rule, outcome: Outcome, rules: RuleSet, data: Incidents, language: str) -> str:
    which = 0 if language == "ko" else 1
    sentences = []
    for name, part in outcome.parts.items():
        template = rule.templates[name][which]
        sentences.append(
            template.format(
                count=len(part.positions),
                incidents=", ".join(_describe(e, rule, rules, data, language) for e in part.positions),
                threshold=part.threshold,
                window=duration(part.window_days, language),
                referral_date=_local_date(outcome.referral) if outcome.referral is not None else "",
            )
        )
    return " / ".join(sentences)


def explain_assessment(
    rule: Rule, row: AssessmentRow, instrument: Instrument | None, rules: RuleSet, language: str
) -> str:
    """One assessment: its date, instrument, band (the professional's, said so) and critical items."""
    which = 0 if language == "ko" else 1
    final = row.override_band or row.band
    names = [
        (rules.critical_items.get(item) or (instrument.items.get(item) if instrument else None) or (item, item))[which]
        for item in row.critical_items
    ]
    values = {
        "date": row.completed_at.astimezone(timezone.get_default_timezone()).date().isoformat(),
        "instrument": instrument.title[which] if instrument else f"{row.pack_id} v{row.pack_version}",
        "band": instrument.bands.get(final, (final, final))[which] if instrument else final,
        "items": ", ".join(names),
    }
    if row.override_band and row.override_band != row.band:
        values["band"] = rule.templates["override"][which].format(**values)
    if names:
        values["band"] = rule.templates["critical"][which].format(**values)
    return rule.templates["assessment"][which].format(**values)


# --- computing the firings ----------------------------------------------------------------------------


def _firing(rule: Rule, subject: Subject, outcome: Outcome, rules: RuleSet, dataset: Dataset) -> Firing:
    data = dataset.incidents
    positions = sorted(
        {e for part in outcome.parts.values() for e in part.positions}, key=lambda e: (data.times[e], data.ids[e])
    )
    station = next(
        (
            dataset.stations[region]
            for e in reversed(positions)
            if (region := data.regions[e]) is not None and region in dataset.stations
        ),
        None,
    )
    fired_at = datetime.datetime.fromtimestamp(outcome.fired_at, tz=datetime.UTC)
    return Firing(
        rule=rule,
        subject=subject,
        fired_at=fired_at,
        expires_at=fired_at + datetime.timedelta(days=rule.expires_after_days),
        incident_ids=tuple(data.ids[e] for e in positions),
        station_id=station,
        explanation_ko=explain(rule, outcome, rules, data, "ko"),
        explanation_en=explain(rule, outcome, rules, data, "en"),
    )


def _outcomes(rules: list[Rule], evaluate: Any) -> dict[str, tuple[Rule, Outcome]]:
    """Run `evaluate(rule)` for each rule; drop a rule's outcome when its `unless_rule` fired."""
    found = {rule.id: (rule, outcome) for rule in rules if (outcome := evaluate(rule)) is not None}
    return {rule_id: value for rule_id, value in found.items() if value[0].parameters.get("unless_rule") not in found}


def _assessment_fires(rule: Rule, row: AssessmentRow, instrument: Instrument | None, now: datetime.datetime) -> bool:
    """Completed within the window, still standing, and in the top band or with a critical item. The top
    band is the instrument's: an assessment whose pack version is not installed fires on critical items only."""
    if row.completed_at < now - datetime.timedelta(days=rule.parameters["window_days"]):
        return False
    if row.completed_at + datetime.timedelta(days=rule.expires_after_days) <= now:
        return False
    top = instrument is not None and (row.override_band or row.band) == instrument.top_band
    return top or (bool(rule.parameters["critical_items"]) and bool(row.critical_items))


def _newest_report_stations(persons: set[int], dataset: Dataset) -> dict[int, int]:
    """The station of each person's newest report (as victim or suspect) with a known jurisdiction."""
    data, stations = dataset.incidents, dataset.stations
    found: dict[int, int] = {}
    for position in data.order:
        region = data.regions[position]
        if region is None or region not in stations:
            continue
        for person in data.victims[position] + data.suspects[position]:
            if person in persons:
                found[person] = stations[region]
    return found


def _assessment_station(fired: list[AssessmentRow], report_station: int | None, stations: dict[int, int]) -> int | None:
    """The station of the newest assessment's report; else of the person's newest report; else the one
    whose jurisdiction the assessing institution is in."""
    for row in reversed(fired):
        if row.incident_region is not None and row.incident_region in stations:
            return stations[row.incident_region]
    if report_station is not None:
        return report_station
    for row in reversed(fired):
        if row.institution_region is not None and row.institution_region in stations:
            return stations[row.institution_region]
    return None


def risk_identification(
    risk_rules: list[Rule], rules: RuleSet, dataset: Dataset, *, now: datetime.datetime, in_scope: Callable[[int], bool]
) -> list[Firing]:
    """Firings of the risk-identification rules: per person, the latest assessment of each instrument."""
    latest: dict[tuple[int, str], AssessmentRow] = {}
    for row in dataset.assessments:  # by completion time: the last one of a person and instrument stays
        if in_scope(row.person):
            latest[(row.person, row.pack_id)] = row
    by_person: dict[int, list[AssessmentRow]] = defaultdict(list)
    for row in sorted(latest.values(), key=lambda row: (row.completed_at, row.id)):
        by_person[row.person].append(row)
    found: list[tuple[Rule, int, list[AssessmentRow]]] = []
    for person, assessed in sorted(by_person.items()):
        for rule in risk_rules:
            fired = [
                row
                for row in assessed
                if _assessment_fires(rule, row, dataset.instruments.get((row.pack_id, row.pack_version)), now)
            ]
            if fired:
                found.append((rule, person, fired))
    without_report = {
        person for _rule, person, fired in found if not any(row.incident_region in dataset.stations for row in fired)
    }
    report_stations = _newest_report_stations(without_report, dataset) if without_report else {}
    firings = []
    for rule, person, fired in found:
        newest = fired[-1].completed_at
        explanations = [
            tuple(
                explain_assessment(rule, row, dataset.instruments.get((row.pack_id, row.pack_version)), rules, language)
                for row in fired
            )
            for language in ("ko", "en")
        ]
        firings.append(
            Firing(
                rule=rule,
                subject=Subject(
                    type=Flag.Subject.PERSON, key=f"person:{person}", person=person, persons=frozenset((person,))
                ),
                fired_at=newest,
                expires_at=newest + datetime.timedelta(days=rule.expires_after_days),
                incident_ids=tuple(sorted({row.incident_id for row in fired if row.incident_id is not None})),
                station_id=_assessment_station(fired, report_stations.get(person), dataset.stations),
                explanation_ko=" / ".join(explanations[0]),
                explanation_en=" / ".join(explanations[1]),
                assessment_ids=tuple(row.id for row in fired),
            )
        )
    return firings


def compute(rules: RuleSet, dataset: Dataset, *, now: datetime.datetime, scope: set[int] | None) -> list[Firing]:
    """The firings standing at `now`. With `scope`, only subjects touching those persons."""
    data = dataset.incidents
    now_seconds = int(now.timestamp())
    horizon = now_seconds - rules.longest_expiry_days * DAY
    recent = data.order[bisect_right(data.order, horizon, key=data.times.__getitem__) :]
    by_subject: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules.rules:
        by_subject[KINDS[rule.kind].subject].append(rule)
    household_rules = by_subject["household"]
    pair_rules = by_subject["pair"]
    referral_rules = [rule for rule in by_subject["person"] if rule.kind == "after_referral"]
    critical_rules = [rule for rule in pair_rules if rule.kind == "critical_indicator"]

    def in_scope(*persons: int) -> bool:
        return scope is None or any(person in scope for person in persons)

    firings: list[Firing] = []

    # Households
    if household_rules:
        largest = max(
            max(dataset.households, default=0),
            max((max(people) for people in data.victims if people), default=0),
            max((max(people) for people in data.suspects if people), default=0),
        )
        components = Components(largest + 1 if scope is None else None)
        find = components.find
        for position in range(len(data.ids)):
            if data.domains[position] == LINKING_DOMAIN:
                people = data.victims[position] + data.suspects[position]
                for other in people[1:]:
                    components.union(people[0], other)
        by_household: dict[int, list[int]] = defaultdict(list)
        for person, household in dataset.households.items():
            by_household[household].append(person)
        for sharing in by_household.values():
            for other in sharing[1:]:
                components.union(sharing[0], other)
        live = {find(p) for e in recent for p in data.victims[e] + data.suspects[e]}
        if scope is not None:
            live &= scope
        events: dict[int, list[int]] = defaultdict(list)
        members: dict[int, set[int]] = defaultdict(set)
        for position in data.order:
            roots = set()
            for person in data.victims[position] + data.suspects[position]:
                root = find(person)
                if root in live:
                    roots.add(root)
                    members[root].add(person)
            for root in roots:
                events[root].append(position)
        records: dict[int, list[int]] = defaultdict(list)
        for person, household in dataset.households.items():
            root = find(person)
            if root in live:
                members[root].add(person)
                records[root].append(household)
        kind_functions = {"household_repeat": household_repeat, "cross_domain": cross_domain}
        for root in sorted(live):
            subject = Subject(
                type=Flag.Subject.HOUSEHOLD,
                key=f"household:{root}",
                household=min(records[root]) if records[root] else None,
                persons=frozenset(members[root]),
            )
            found = _outcomes(
                household_rules,
                lambda rule, root=root: kind_functions[rule.kind](rule, events[root], data, now_seconds),
            )
            firings.extend(_firing(rule, subject, outcome, rules, dataset) for rule, outcome in found.values())

    # Pairs, and victims of critical incidents without a suspect
    if pair_rules:
        live_pairs = {
            (victim, suspect)
            for e in recent
            for victim in data.victims[e]
            for suspect in data.suspects[e]
            if victim != suspect and in_scope(victim, suspect)
        }
        alone = (
            {victim for e in recent if not data.suspects[e] for victim in data.victims[e] if in_scope(victim)}
            if critical_rules
            else set()
        )
        pair_events: dict[tuple[int, int], list[int]] = defaultdict(list)
        alone_events: dict[int, list[int]] = defaultdict(list)
        for position in data.order:
            suspects = data.suspects[position]
            for victim in data.victims[position]:
                if not suspects:
                    if victim in alone:
                        alone_events[victim].append(position)
                    continue
                for suspect in suspects:
                    if (victim, suspect) in live_pairs:
                        pair_events[(victim, suspect)].append(position)
        kind_functions = {"pair_repeat": pair_repeat, "critical_indicator": critical_indicator}
        for (victim, suspect), events_of_pair in sorted(pair_events.items()):
            subject = Subject(
                type=Flag.Subject.PAIR,
                key=f"pair:{victim}-{suspect}",
                victim=victim,
                suspect=suspect,
                persons=frozenset((victim, suspect)),
            )
            found = _outcomes(
                pair_rules, lambda rule, e=events_of_pair: kind_functions[rule.kind](rule, e, data, now_seconds)
            )
            firings.extend(_firing(rule, subject, outcome, rules, dataset) for rule, outcome in found.values())
        for victim, events_of_victim in sorted(alone_events.items()):
            subject = Subject(
                type=Flag.Subject.PERSON, key=f"person:{victim}", person=victim, persons=frozenset((victim,))
            )
            for rule in critical_rules:
                if (outcome := critical_indicator(rule, events_of_victim, data, now_seconds)) is not None:
                    firings.append(_firing(rule, subject, outcome, rules, dataset))

    # Persons referred to the council
    if referral_rules and dataset.referrals:
        referred = {
            p for e in recent for p in data.victims[e] + data.suspects[e] if p in dataset.referrals and in_scope(p)
        }
        person_events: dict[int, list[int]] = defaultdict(list)
        for position in data.order:
            for person in set(data.victims[position] + data.suspects[position]):
                if person in referred:
                    person_events[person].append(position)
        for person, events_of_person in sorted(person_events.items()):
            subject = Subject(
                type=Flag.Subject.PERSON, key=f"person:{person}", person=person, persons=frozenset((person,))
            )
            for rule in referral_rules:
                outcome = after_referral(rule, events_of_person, data, now_seconds, dataset.referrals[person])
                if outcome is not None:
                    firings.append(_firing(rule, subject, outcome, rules, dataset))

    # Persons with a risk assessment in the top band or with a critical item
    risk_rules = [rule for rule in by_subject["person"] if rule.kind == RISK_KIND]
    if risk_rules and dataset.assessments and not dataset.packs_unreadable:
        firings.extend(risk_identification(risk_rules, rules, dataset, now=now, in_scope=in_scope))
    return firings


def _held(rules: RuleSet, dataset: Dataset) -> frozenset[str]:
    """Rules that could not be evaluated: their open flags are kept as they are."""
    return frozenset(rule.id for rule in _risk_rules(rules)) if dataset.packs_unreadable else frozenset()


# --- entry points -------------------------------------------------------------------------------------


def evaluate_all(*, now: datetime.datetime, actor: Any = None) -> Evaluation:
    """Re-evaluate every rule for everyone; open, update and close flags; expire what is due. Reads
    everything, then writes in parts of PART_SIZE flags, each in its own transaction with its audit events
    (a re-run picks up anything a failure left behind: evaluation is idempotent)."""
    rules = load_rules()
    dataset = load_everything(now=now, rules=rules)
    firings = compute(rules, dataset, now=now, scope=None)
    held = _held(rules, dataset)
    del dataset
    result = save_firings(firings, rules=rules, now=now, scope=None, actor=actor, part_size=PART_SIZE, held=held)
    result.expired += expire_flags(now=now, actor=actor, part_size=PART_SIZE)
    return result


def evaluate_for_persons(person_ids: Iterable[int], *, now: datetime.datetime, actor: Any = None) -> Evaluation:
    """Re-evaluate the households, pairs, referrals and assessments of these persons (after a new incident, a
    completed assessment or a band set by a professional), in one transaction (the caller's, when recording
    an incident). If a concurrent evaluation wrote the same flag meanwhile, it reads again and retries once."""
    ids = {int(person) for person in person_ids}
    if not ids:
        return Evaluation()
    if len(ids) > LARGE:
        return evaluate_all(now=now, actor=actor)
    try:
        with transaction.atomic():
            return _evaluate_for_persons(ids, now=now, actor=actor)
    except IntegrityError:
        with transaction.atomic():
            return _evaluate_for_persons(ids, now=now, actor=actor)


def _evaluate_for_persons(ids: set[int], *, now: datetime.datetime, actor: Any) -> Evaluation:
    rules = load_rules()
    dataset, scope = load_for_persons(ids, now=now, rules=rules)
    firings = compute(rules, dataset, now=now, scope=scope)
    return save_firings(firings, rules=rules, now=now, scope=scope, actor=actor, held=_held(rules, dataset))
