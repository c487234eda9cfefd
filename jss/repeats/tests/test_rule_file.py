"""The rule file is validated as a whole: a bad one is refused with the rule and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from jss.lib.yamlfile import DataFileError
from jss.repeats.engine import duration
from jss.repeats.rules import RULE_FILE, load_rules

SHIPPED = yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))


def test_the_shipped_file_loads_with_every_rule_of_the_issue():
    rules = load_rules()
    assert rules.version == 2
    assert [rule.id for rule in rules.rules] == [
        "household_grade_a",
        "household_grade_b",
        "escalation",
        "repeat_after_referral",
        "critical_indicator",
        "cross_domain",
        "high_risk_assessment",
    ]
    grade_a = rules.get("household_grade_a")
    assert grade_a is not None
    assert dict(grade_a.parameters) == {
        "domains": ["domestic_violence"],
        "report_count": 3,
        "report_window_days": 365,
        "booking_count": 3,
        "booking_window_days": 1095,
    }
    assert all(rule.source and rule.expires_after_days > 0 for rule in rules.rules)


def write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def rule(data, rule_id):
    return next(item for item in data["rules"] if item["id"] == rule_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: rule(d, "escalation").update(kind="hunch"), "rule escalation: unknown kind 'hunch'"),
        (
            lambda d: rule(d, "household_grade_a")["parameters"].pop("booking_count"),
            "rule household_grade_a: missing parameter booking_count",
        ),
        (
            lambda d: rule(d, "cross_domain")["parameters"].update(window_days=-365),
            "rule cross_domain: parameter window_days is a negative window",
        ),
        (
            lambda d: rule(d, "escalation").update(expires_after_days=-1),
            "rule escalation: expires_after_days is a negative window",
        ),
        (
            lambda d: rule(d, "escalation")["parameters"].update(report_count=0),
            "rule escalation: parameter report_count must be a whole number of 1 or more",
        ),
        (
            lambda d: rule(d, "critical_indicator")["parameters"].update(markers=["disability"]),
            "rule critical_indicator: parameter markers names unknown markers: disability",
        ),
        (
            lambda d: rule(d, "escalation")["parameters"].update(domains=["fraud"]),
            "rule escalation: parameter domains names unknown kinds of violence: fraud",
        ),
        (
            lambda d: rule(d, "escalation")["parameters"].update(is_migrant=True),
            "rule escalation: unknown parameters: is_migrant",
        ),
        (
            lambda d: rule(d, "escalation")["explanation"]["reports"].update(ko="{name}의 신고 {count}건"),
            "rule escalation: explanation reports uses unknown placeholders: name",
        ),
        (
            lambda d: rule(d, "household_grade_b")["parameters"].update(unless_rule="escalation"),
            "rule household_grade_b: unless_rule 'escalation' must be another rule about the same subject",
        ),
        (lambda d: d["rules"].append(dict(rule(d, "escalation"))), "rule escalation: the id is used twice"),
        (lambda d: d.update(version=0), "version must be a whole number of 1 or more"),
        (lambda d: d["labels"]["sources"].pop("school"), "labels.sources: needs school in Korean and English"),
    ],
)
def test_a_bad_file_is_refused_with_the_rule_and_the_reason(tmp_path, change, message):
    path = write(tmp_path, change)
    with pytest.raises(DataFileError) as refused:
        load_rules(path)
    assert message in str(refused.value)


def test_a_bad_shipped_file_stops_the_command_and_changes_nothing(db, tmp_path, monkeypatch):
    from jss.repeats import engine

    path = write(tmp_path, lambda d: rule(d, "escalation").update(kind="hunch"))
    monkeypatch.setattr(engine, "load_rules", lambda: load_rules(path))
    with pytest.raises(CommandError, match="unknown kind 'hunch'"):
        call_command("evaluate_repeat_rules")


def test_the_system_check_names_a_bad_file(tmp_path, monkeypatch):
    from jss.repeats import checks, rules

    path = write(tmp_path, lambda d: rule(d, "cross_domain")["parameters"].update(window_days=-1))
    monkeypatch.setattr(rules, "RULE_FILE", path)
    monkeypatch.setattr(rules.load_rules, "__defaults__", (path,))
    [error] = checks.rule_file_loads()
    assert error.id == "repeats.E001"
    assert "cross_domain" in error.msg


@pytest.mark.parametrize(
    ("days", "ko", "en"),
    [(365, "12개월", "12 months"), (1095, "3년", "3 years"), (90, "3개월", "3 months"), (45, "45일", "45 days")],
)
def test_windows_are_written_as_people_say_them(days, ko, en):
    assert (duration(days, "ko"), duration(days, "en")) == (ko, en)
