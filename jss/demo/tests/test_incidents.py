"""Demo incidents: the plan's numbers (no database), then saving, the truth, re-running and the flags.

The plan's statistics are checked at full scale on one plan (a fixed seed and end date: deterministic);
saving is checked at a small scale, ending today so the flags are open now.
"""

import datetime
import json
import random
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import holidays
import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from jss.accounts.models import User
from jss.audit.models import AccessEvent
from jss.demo.incidents import (
    CRITICAL,
    RATES,
    SHOWCASE_DV_REGION,
    Plan,
    PlannedIncident,
    _years_before,
    generate_incidents,
    open_flags_by_rule,
    plan_incidents,
    report_slots,
)
from jss.demo.people import REGIONS_FILE
from jss.demo.services import generate_network, read_institution_file
from jss.demo.truth import linkage_quality, read_truth
from jss.incidents.models import Incident, Party
from jss.people.matching import Identity, indexes
from jss.people.models import Household, Person, Relationship
from jss.repeats.models import Flag

SEED = 2023
END = datetime.date(2025, 7, 1)
DV = Incident.Domain.DOMESTIC_VIOLENCE
NIGHT = {21, 22, 23, 0, 1, 2}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_incidents(seed=SEED, end=END)


def _years(plan: Plan, domain: str) -> list[list[PlannedIncident]]:
    years = []
    for back in range(plan.years):
        first, last = _years_before(END, back + 1), _years_before(END, back)
        years.append([i for i in plan.incidents if i.domain == domain and first <= i.reported_at.date() < last])
    return years


def test_each_year_has_jejus_number_of_reports_of_each_kind(plan):
    """112 figures (DV 3,600, child abuse 480, stalking 370, dating 1,500) count 112 reports; the others
    count every report. Within 5% each year; the hand-shaped cases add a dozen at most."""
    for domain, rate in RATES.items():
        for year in _years(plan, domain):
            counted = [i for i in year if i.source == "112"] if rate.basis == "112" else year
            assert abs(len(counted) - rate.per_year) <= 0.05 * rate.per_year + 12, (domain, len(counted))
    # Other sources come on top of the 112 figures: DV has 1366 and counselling reports too.
    dv_sources = Counter(i.source for i in plan.incidents if i.domain == DV)
    assert dv_sources["1366"] > 300
    assert dv_sources["counselling"] > 200
    assert plan.start.date() == datetime.date(2022, 7, 1)
    assert all(plan.start <= i.occurred_at <= i.reported_at < plan.end for i in plan.incidents)


def test_domestic_violence_peaks_in_summer_and_at_night_and_on_holidays(plan):
    dv = [i for i in plan.incidents if i.domain == DV]
    quarters = Counter((i.reported_at.month - 1) // 3 for i in dv)
    assert quarters[2] > 1.1 * max(quarters[0], quarters[1], quarters[3])  # July–September
    police = [i for i in dv if i.source == "112"]
    night = sum(i.reported_at.hour in NIGHT for i in police) / len(police)
    assert 0.45 <= night <= 0.49  # facts.md: 47% between 21:00 and 03:00
    drunk = sum("alcohol" in i.markers for i in dv) / len(dv)
    assert 0.45 <= drunk <= 0.49  # facts.md: 47% with the perpetrator drunk
    # Chuseok and Seollal days are busier (about 21 such days: the plan's own figure is noisy).
    assert _festival_ratio(police, start=plan.start.date(), end=END) > 1.2


def _festival_ratio(incidents, *, start, end):
    calendar = holidays.country_holidays("KR", years=range(start.year, end.year + 1), language="en_US")
    festival = {day for day, name in calendar.items() if "Chuseok" in name or "Korean New Year" in name}
    by_day = Counter(i.reported_at.date() for i in incidents)
    festival_days = [day for day in festival if start <= day < end]
    on_festivals = sum(by_day[day] for day in festival_days) / len(festival_days)
    ordinary = (len(incidents) - sum(by_day[day] for day in festival_days)) / ((end - start).days - len(festival_days))
    return on_festivals / ordinary


def test_chuseok_and_seollal_days_have_half_as_many_reports_again():
    """facts.md: Chuseok days ~1.5× the daily average. Checked on ten times Jeju's DV reports, so chance
    does not hide the factor."""
    start = _years_before(END, 3)
    slots = report_slots(random.Random(1), DV, start=start, end=END, years=3, scale=10)  # noqa: S311
    reports = [SimpleNamespace(reported_at=time) for time in slots]
    assert 1.4 <= _festival_ratio(reports, start=start, end=END) <= 1.65


def test_school_violence_follows_the_school_year(plan):
    school = [i for i in plan.incidents if i.domain == Incident.Domain.SCHOOL_VIOLENCE]
    months = Counter(i.reported_at.month for i in school)
    assert months[8] < 0.5 * months[5]  # summer vacation against May
    daytime = sum(8 <= i.reported_at.hour < 19 for i in school) / len(school)
    assert daytime > 0.8


def test_most_pairs_report_once_and_a_few_report_often(plan):
    """The repeat structure (docs/demo-data.md): over 70% of DV pairs report once, the top 5% of pairs
    account for more than a quarter of DV reports, and some pairs report ten times or more."""
    dv = [i for i in plan.incidents if i.domain == DV]
    sizes = sorted(Counter(i.pair_id for i in dv).values(), reverse=True)
    assert sum(size == 1 for size in sizes) / len(sizes) > 0.7
    top = sizes[: len(sizes) // 20]
    assert sum(top) / len(dv) > 0.25
    assert sizes[0] >= 15
    assert sum(size >= 10 for size in sizes) >= 20
    everything = Counter(i.pair_id for i in plan.incidents)
    assert sum(size == 1 for size in everything.values()) / len(everything) > 0.75


def test_some_pairs_escalate(plan):
    """Escalating pairs: the gaps between reports shrink and the last reports carry critical markers."""
    by_pair = defaultdict(list)
    for incident in plan.incidents:
        by_pair[incident.pair_id].append(incident)

    def severity(reports):
        return sum(len(i.markers & (CRITICAL | {"injury"})) for i in reports)

    escalating = 0
    for reports in by_pair.values():
        if len(reports) < 5:
            continue
        gaps = [(b.reported_at - a.reported_at).total_seconds() for a, b in pairwise(reports)]
        early, late = gaps[: len(gaps) // 2], gaps[len(gaps) // 2 :]
        shrinking = sum(late) / len(late) < 0.6 * sum(early) / len(early)
        if shrinking and severity(reports[-2:]) > severity(reports[:2]) and reports[-1].markers & CRITICAL:
            escalating += 1
    assert escalating >= 10


def test_dv_households_also_have_child_abuse(plan):
    """Cross-domain: a parent of a household with DV is the suspect of child abuse within a year."""
    dv_times = defaultdict(list)
    for incident in plan.incidents:
        if incident.domain == DV:
            for entity in (incident.victim_entity, incident.suspect_entity):
                dv_times[entity].append(incident.reported_at)
    crossing = {
        i.pair_id
        for i in plan.incidents
        if i.domain == Incident.Domain.CHILD_ABUSE
        and any(abs((i.reported_at - at).days) <= 365 for at in dv_times.get(i.suspect_entity, []))
    }
    assert len(crossing) > 100


def test_reports_go_to_institutions_that_fit_their_source(plan):
    items = read_institution_file()
    category = {item["key"]: item["category"] for item in items}
    station_key = {item["station"]: item["key"] for item in items if item["category"] == "police_station"}
    regions = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    covering = {code: station_key[s["code"]] for s in regions["stations"] for code in s["jurisdiction"]}
    fits = {
        "1366": {"women_hotline"},
        "child_protection": {"child_protection"},
        "elder_protection": {"elder_protection"},
        "disability_protection": {"disability_protection"},
        "school": {"school"},
        "hospital": {"hospital"},
        "counselling": {"womens_counselling", "youth_counselling", "sunflower_centre"},
    }
    for incident in plan.incidents:
        if incident.source == "112":
            assert incident.institution == covering[incident.region_code]
        else:
            assert category[incident.institution] in fits[incident.source], incident
    sources = Counter(i.source for i in plan.incidents if i.domain == Incident.Domain.CHILD_ABUSE)
    assert set(sources) == {"112", "child_protection", "school", "hospital"}
    # Reports come from every station, in proportion to population (제주시 has 73% of the people).
    stations = Counter(i.institution for i in plan.incidents if i.source == "112")
    assert len(stations) == 3
    assert 0.2 < stations["seogwipo-police"] / sum(stations.values()) < 0.35


def test_police_measures_and_critical_markers_are_rare(plan):
    police = [i for i in plan.incidents if i.source == "112"]
    measures = Counter(measure for i in police for measure in i.police_measures)
    assert measures["arrest"] / len(police) < 0.01  # facts.md: fewer than 1% detained
    dv = [i for i in police if i.domain == DV]
    booked = sum("booked" in i.police_measures for i in dv) / len(dv)
    assert 0.12 <= booked <= 0.25  # facts.md: 2018, 3,912 reports → 667 booked (17%)
    assert all(i.police_measures == () for i in plan.incidents if i.source != "112")
    all_dv = [i for i in plan.incidents if i.domain == DV]
    for marker in ("strangulation", "weapon", "threat_to_kill", "sexual_violence", "pregnancy"):
        share = sum(marker in i.markers for i in all_dv) / len(all_dv)
        assert 0 < share < 0.03, marker


def test_institutions_write_the_same_person_differently(plan):
    records = plan.records
    by_entity = defaultdict(list)
    for record in records:
        by_entity[record.entity_id].append(record)
    across = [rs for rs in by_entity.values() if len({r.institution for r in rs}) > 1]
    assert len(across) > 1000

    def written(record):
        return (record.family_name, record.given_name, record.birth_date, record.phone, record.address_detail)

    differing = sum(len({written(r) for r in rs}) > 1 for rs in across)
    assert differing / len(across) > 0.5
    kinds: Counter[str] = Counter()
    for rs in across:
        first = rs[0]
        for other in rs[1:]:
            kinds["surname"] += other.family_name != first.family_name
            kinds["birth date"] += other.birth_date != first.birth_date
            kinds["phone"] += other.phone != first.phone
            kinds["address"] += other.address_detail != first.address_detail
    assert all(count > 50 for count in kinds.values()), kinds
    # Fictional numbers only: 010-0NNN-NNNN in any format (bench/synthetic_people.py says why).
    digits = {"".join(ch for ch in r.phone if ch.isdigit()) for r in records if r.phone}
    national = {"0" + number[2:] if number.startswith("82") else number for number in digits}
    assert all(number.startswith("0100") and len(number) == 11 for number in national)
    # The same institution mostly finds its own record again; now and then it makes a second one.
    per_institution = Counter((r.institution, r.entity_id) for r in records)
    assert 0 < sum(count > 1 for count in per_institution.values()) < 0.05 * len(per_institution)
    seen_again = Counter((i.institution, i.victim) for i in plan.incidents)
    assert sum(count > 1 for count in seen_again.values()) > 1000


def test_the_plan_is_deterministic():
    first = plan_incidents(seed=7, end=END, years=1, scale=0.05)
    second = plan_incidents(seed=7, end=END, years=1, scale=0.05)
    assert first.incidents == second.incidents
    assert first.records == second.records
    other = plan_incidents(seed=8, end=END, years=1, scale=0.05)
    assert other.records != first.records


# --- saving -----------------------------------------------------------------------------------------


def fixed_password(username: str) -> str:
    return f"pw-{username}-0123456789"


@pytest.fixture
def demo_network(jeju):
    generate_network(seed=1, scale=1, password_for=fixed_password)


SCALE = 0.04


def test_generating_saves_the_plan_with_blind_indexes_and_the_truth(demo_network, tmp_path):
    truth_path = tmp_path / "truth.json"
    result = generate_incidents(seed=5, years=1, scale=SCALE, truth_path=truth_path)
    plan = result.plan
    assert plan is not None
    assert result.saved.created == len(plan.incidents) == Incident.objects.count()
    assert Party.objects.count() == sum(1 + (i.suspect is not None) for i in plan.incidents)
    assert Person.objects.count() == len(plan.records) == result.saved.persons
    assert Relationship.objects.count() == result.saved.relationships > 0
    assert Household.objects.count() == result.saved.households > 0
    # The truth: every person record and the real person behind it.
    truth = read_truth(truth_path)
    assert truth == result.saved.truth
    assert set(truth) == set(Person.objects.values_list("code", flat=True))
    assert len(set(truth.values())) == len({r.entity_id for r in plan.records})
    assert oct(truth_path.stat().st_mode & 0o777) == "0o600"
    # Persons are built as intake builds them: encrypted fields, blind indexes.
    person = next(p for p in Person.objects.order_by("pk") if p.family_name and p.given_name)
    identity = Identity(
        family_name=person.family_name,
        given_name=person.given_name,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        phone=person.phone,
    )
    assert person.name_index == indexes(identity)["name_index"] != ""
    # Sources and references: deterministic, unique per institution.
    assert not Incident.objects.exclude(source_reference__startswith="DEMO-5-").exists()
    assert Incident.objects.values("source_reference").distinct().count() == len(plan.incidents)
    # One audit event for the whole generation (the repeat flags audit themselves).
    event = AccessEvent.objects.get(verb="demo.generate_incidents")
    assert event.detail["incidents"] == len(plan.incidents)


def test_the_triage_list_shows_every_kind_of_flag(demo_network, tmp_path, client):
    generate_incidents(seed=5, years=1, scale=SCALE, truth_path=tmp_path / "truth.json")
    flags = open_flags_by_rule()
    for rule in ("household_grade_a", "household_grade_b", "escalation", "critical_indicator", "cross_domain"):
        assert flags.get(rule, 0) >= 1, (rule, flags)
    showcase = Flag.objects.filter(rule_id="household_grade_a", station__code="jeju-dongbu")
    assert showcase.filter(incidents__region__code=SHOWCASE_DV_REGION).exists()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get(reverse("repeats:list")).content.decode()
    assert "재발우려가정 A등급" in page
    assert "가정폭력과 아동학대" in page
    assert "위험 징후" in page


def test_generating_again_adds_nothing(demo_network, tmp_path):
    truth_path = tmp_path / "truth.json"
    generate_incidents(seed=5, years=1, scale=SCALE, truth_path=truth_path)
    counts = (Incident.objects.count(), Person.objects.count(), Party.objects.count(), Flag.objects.count())
    events = AccessEvent.objects.count()
    written = truth_path.read_text()
    again = generate_incidents(seed=5, years=1, scale=SCALE, truth_path=truth_path)
    assert again.saved.created == 0
    assert again.saved.already_present == counts[0]
    assert again.plan is None
    assert (Incident.objects.count(), Person.objects.count(), Party.objects.count(), Flag.objects.count()) == counts
    assert AccessEvent.objects.count() == events
    assert truth_path.read_text() == written


def test_linkage_quality_counts_pairs_of_records_against_the_truth(db):
    a, b, c, d = (Person.objects.create() for _ in range(4))
    truth = {a.code: 1, b.code: 1, c.code: 1, d.code: 2, "P-NOTSAVED": 3}
    nothing = linkage_quality(truth)
    assert (nothing.precision, nothing.recall) == (1.0, 0.0)
    assert nothing.pairs.true == 3
    assert nothing.pairs.records == 4
    Person.objects.filter(pk=b.pk).update(merged_into=a)
    right = linkage_quality(truth)
    assert right.precision == 1.0
    assert right.recall == pytest.approx(1 / 3)
    Person.objects.filter(pk=d.pk).update(merged_into=a)  # d is someone else
    wrong = linkage_quality(truth)
    assert wrong.precision == pytest.approx(1 / 3)
    assert wrong.recall == pytest.approx(1 / 3)
    Person.objects.filter(pk=c.pk).update(merged_into=d)  # c → d → a: a chain
    chained = linkage_quality(truth)
    assert chained.pairs == (3, 6, 3, 4)
    assert (chained.precision, chained.recall) == (0.5, 1.0)


def test_the_commands_generate_and_score_the_demo(jeju, tmp_path, capsys):
    sign_ins, truth = tmp_path / "sign-ins.json", tmp_path / "truth.json"
    call_command("generate_demo", "--seed", "4", "--sign-ins", str(sign_ins), "--no-incidents")
    assert not Incident.objects.exists()
    assert "Demo incidents" not in capsys.readouterr().out
    call_command(
        "generate_demo", "--seed", "4", "--sign-ins", str(sign_ins), "--truth", str(truth),
        "--years", "1", "--incident-scale", str(SCALE),
    )  # fmt: skip
    out = capsys.readouterr().out
    count = Incident.objects.count()
    assert f"Demo incidents: {count:,} from" in out
    assert "(1 year)" in out
    assert "household_grade_a" in out
    assert len(json.loads(truth.read_text())) == Person.objects.count()
    call_command("demo_linkage_quality", "--truth", str(truth))
    out = capsys.readouterr().out
    assert "precision 1.0000  recall 0.0000" in out
    assert f"{Person.objects.count():,} of {Person.objects.count():,} records" in out


def test_scoring_without_a_truth_file_says_what_to_do(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="run generate_demo first"):
        call_command("demo_linkage_quality", "--truth", str(Path(tmp_path) / "missing.json"))
