"""The repeat-rule file (data/rules/repeat-rules.yaml): loading and validation.

A file with any mistake is refused as a whole, naming the rule and the reason (unknown kind, missing
parameter, negative window, unknown placeholder…), so a half-valid file never changes any flag.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from jss.incidents.models import Incident
from jss.lib.yamlfile import LINE_KEY, DataFileError, line_of, read_yaml_with_lines

RULE_FILE = Path(settings.BASE_DIR) / "data" / "rules" / "repeat-rules.yaml"

# Incident fields a critical-indicator rule may name (severity markers on Incident). Nothing else.
MARKERS = ("strangulation", "weapon", "threat_to_kill", "sexual_violence", "pregnancy")
LANGUAGES = ("ko", "en")
PLACEHOLDERS = frozenset({"count", "incidents", "threshold", "window", "referral_date"})
# Placeholders of a risk-identification explanation: the assessment's completion date, the instrument's
# title, its band (as the professional set it, with the critical items answered yes) and those items.
ASSESSMENT_PLACEHOLDERS = frozenset({"date", "instrument", "band", "items"})
TOP_BAND = "top"
ANY = "any"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    title_ko: str
    title_en: str
    source: str
    severity: int
    expires_after_days: int
    parameters: Mapping[str, Any]
    templates: Mapping[str, tuple[str, str]]  # part of the explanation → (Korean, English)

    def domains(self) -> frozenset[str] | None:
        """The kinds of violence the rule counts; None for any."""
        value = self.parameters.get("domains", ANY)
        return None if value == ANY else frozenset(value)

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ko


@dataclass(frozen=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]
    sources: Mapping[str, tuple[str, str]]
    domains: Mapping[str, tuple[str, str]]
    markers: Mapping[str, tuple[str, str]]
    # Short names of critical checklist items by item id (e.g. choking → 목 조름); an item not listed is
    # written with its instrument's own text.
    critical_items: Mapping[str, tuple[str, str]]

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    @property
    def longest_expiry_days(self) -> int:
        return max((rule.expires_after_days for rule in self.rules), default=0)


# --- parameter checks: each returns a reason, or "" when the value is fine ---------------------------


def _positive_count(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "must be a whole number of 1 or more"
    return ""


def _window(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number of days"
    if value < 0:
        return "is a negative window"
    if value == 0:
        return "must be at least 1 day"
    return ""


def _domain_list(value: Any, *, allow_any: bool) -> str:
    if allow_any and value == ANY:
        return ""
    if not isinstance(value, list) or not value:
        return "must be a list of kinds of violence" + (" or 'any'" if allow_any else "")
    unknown = [item for item in value if item not in Incident.Domain.values]
    return f"names unknown kinds of violence: {', '.join(map(str, unknown))}" if unknown else ""


def _domains_or_any(value: Any) -> str:
    return _domain_list(value, allow_any=True)


def _domains(value: Any) -> str:
    return _domain_list(value, allow_any=False)


def _two_or_more_domains(value: Any) -> str:
    reason = _domains(value)
    if not reason and len(set(value)) < 2:
        return "must name at least two kinds of violence"
    return reason


def _markers(value: Any) -> str:
    if not isinstance(value, list):
        return "must be a list of severity markers"
    unknown = [item for item in value if item not in MARKERS]
    return f"names unknown markers: {', '.join(map(str, unknown))} (known: {', '.join(MARKERS)})" if unknown else ""


def _bands(value: Any) -> str:
    return "" if value == TOP_BAND else f"must be {TOP_BAND!r} (the instrument's highest band)"


def _boolean(value: Any) -> str:
    return "" if isinstance(value, bool) else "must be true or false"


def _rule_id(value: Any) -> str:
    return "" if isinstance(value, str) and value else "must name another rule"


Check = Callable[[Any], str]


@dataclass(frozen=True)
class Kind:
    subject: str  # "household", "pair" or "person" (critical indicators: pair, or the victim alone)
    required: Mapping[str, Check]
    optional: Mapping[str, Check]
    parts: tuple[str, ...]  # explanation templates the kind needs
    placeholders: frozenset[str] = PLACEHOLDERS  # what its templates may use


KINDS: dict[str, Kind] = {
    "household_repeat": Kind(
        subject="household",
        required={
            "domains": _domains,
            "report_count": _positive_count,
            "report_window_days": _window,
            "booking_count": _positive_count,
            "booking_window_days": _window,
        },
        optional={"unless_rule": _rule_id},
        parts=("reports", "bookings"),
    ),
    "pair_repeat": Kind(
        subject="pair",
        required={"domains": _domains_or_any, "report_count": _positive_count, "window_days": _window},
        optional={},
        parts=("reports",),
    ),
    "after_referral": Kind(
        subject="person",
        required={"domains": _domains_or_any, "window_days": _window},
        optional={},
        parts=("incidents",),
    ),
    "critical_indicator": Kind(
        subject="pair",
        required={"markers": _markers, "domains": lambda value: "" if value == [] else _domains(value)},
        optional={},
        parts=("incidents",),
    ),
    "cross_domain": Kind(
        subject="household",
        required={"domains": _two_or_more_domains, "window_days": _window},
        optional={},
        parts=("incidents",),
    ),
    # Risk identification (issue 5): a person's latest completed assessment per instrument within the
    # window is in the instrument's top band, or has a critical item answered yes. Reads the assessment's
    # band, the professional's band and the critical items, nothing else.
    "risk_identification": Kind(
        subject="person",
        required={"window_days": _window, "bands": _bands, "critical_items": _boolean},
        optional={},
        parts=("assessment", "override", "critical"),
        placeholders=ASSESSMENT_PLACEHOLDERS,
    ),
}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bilingual(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    ko, en = _text(value.get("ko")), _text(value.get("en"))
    return (ko, en) if ko and en else None


def _template_problem(template: str, allowed: frozenset[str]) -> str:
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        return f"is not a valid template ({error})"
    unknown = sorted(names - allowed)
    return f"uses unknown placeholders: {', '.join(unknown)}" if unknown else ""


def _parse_rule(item: Any, problems: list[tuple[int, str]]) -> Rule | None:
    line = line_of(item)
    if not isinstance(item, dict):
        problems.append((line, "each rule must be a mapping with id, kind, parameters…"))
        return None
    rule_id = _text(item.get("id")) or "(no id)"
    before = len(problems)

    def problem(message: str) -> None:
        problems.append((line, f"rule {rule_id}: {message}"))

    if rule_id == "(no id)":
        problem("needs an id")
    kind_name = item.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        problem(f"unknown kind {kind_name!r} (known: {', '.join(KINDS)})")
    title = _bilingual(item.get("title"))
    if title is None:
        problem("needs a title in Korean and English (title: {ko: …, en: …})")
    severity = item.get("severity")
    if isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 1000:
        problem("severity must be a whole number from 0 to 1000")
    expires = item.get("expires_after_days")
    if reason := _window(expires):
        problem(f"expires_after_days {reason}")
    parameters = item.get("parameters")
    if not isinstance(parameters, dict):
        problem("needs parameters")
        parameters = {}
    parameters = {key: value for key, value in parameters.items() if key != LINE_KEY}
    templates: dict[str, tuple[str, str]] = {}
    explanation = item.get("explanation")
    if not isinstance(explanation, dict):
        problem("needs explanation templates in Korean and English")
        explanation = {}
    if kind is not None:
        for name, check in kind.required.items():
            if name not in parameters:
                problem(f"missing parameter {name}")
            elif reason := check(parameters[name]):
                problem(f"parameter {name} {reason}")
        for name, check in kind.optional.items():
            if name in parameters and (reason := check(parameters[name])):
                problem(f"parameter {name} {reason}")
        unknown = sorted(set(parameters) - set(kind.required) - set(kind.optional))
        if unknown:
            problem(f"unknown parameters: {', '.join(unknown)}")
        if kind_name == "critical_indicator" and not parameters.get("markers") and not parameters.get("domains"):
            problem("needs at least one marker or one kind of violence")
        for part in kind.parts:
            pair = _bilingual(explanation.get(part))
            if pair is None:
                problem(f"needs the explanation template {part} in Korean and English")
                continue
            for template in pair:
                if reason := _template_problem(template, kind.placeholders):
                    problem(f"explanation {part} {reason}")
            templates[part] = pair
    if len(problems) > before or kind is None or title is None:
        return None
    return Rule(
        id=rule_id,
        kind=str(kind_name),
        title_ko=title[0],
        title_en=title[1],
        source=_text(item.get("source")),
        severity=int(severity),  # type: ignore[arg-type]
        expires_after_days=int(expires),  # type: ignore[arg-type]
        parameters=parameters,
        templates=templates,
    )


def _labels(data: Any, name: str, required: list[str], problems: list[tuple[int, str]]) -> dict[str, tuple[str, str]]:
    section = data.get(name) if isinstance(data, dict) else None
    labels: dict[str, tuple[str, str]] = {}
    for code in required:
        pair = _bilingual(section.get(code)) if isinstance(section, dict) else None
        if pair is None:
            problems.append((line_of(section), f"labels.{name}: needs {code} in Korean and English"))
        else:
            labels[code] = pair
    return labels


def _item_labels(data: Any, problems: list[tuple[int, str]]) -> dict[str, tuple[str, str]]:
    """labels.critical_items (optional): item id → short name in Korean and English."""
    section = data.get("critical_items") if isinstance(data, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        problems.append((line_of(data), "labels.critical_items must map item ids to {ko: …, en: …}"))
        return {}
    labels: dict[str, tuple[str, str]] = {}
    for code, value in section.items():
        if code == LINE_KEY:
            continue
        pair = _bilingual(value)
        if pair is None:
            problems.append((line_of(section), f"labels.critical_items: needs {code} in Korean and English"))
        else:
            labels[str(code)] = pair
    return labels


def parse_rules(data: Any, path: Path = RULE_FILE) -> RuleSet:
    """Validate a parsed rule file; raise DataFileError listing every problem."""
    problems: list[tuple[int, str]] = []
    if not isinstance(data, dict):
        raise DataFileError(path, [(0, "the file must be a mapping with version and rules")])
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append((line_of(data), "version must be a whole number of 1 or more"))
    items = data.get("rules")
    if not isinstance(items, list) or not items:
        problems.append((line_of(data), "rules must be a non-empty list"))
        items = []
    rules = [rule for item in items if (rule := _parse_rule(item, problems)) is not None]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append((0, f"rule {rule.id}: the id is used twice"))
        seen.add(rule.id)
    by_id = {rule.id: rule for rule in rules}
    for rule in rules:
        other_id = rule.parameters.get("unless_rule")
        if other_id is None:
            continue
        other = by_id.get(other_id)
        if other is None or other is rule or KINDS[other.kind].subject != KINDS[rule.kind].subject:
            problems.append(
                (0, f"rule {rule.id}: unless_rule {other_id!r} must be another rule about the same subject")
            )
        elif other.parameters.get("unless_rule") is not None:
            problems.append((0, f"rule {rule.id}: unless_rule {other_id!r} must not itself depend on another rule"))
    labels = data.get("labels")
    sources = _labels(labels, "sources", list(Incident.Source.values), problems)
    domains = _labels(labels, "domains", list(Incident.Domain.values), problems)
    markers = _labels(labels, "markers", list(MARKERS), problems)
    critical_items = _item_labels(labels, problems)
    if problems:
        raise DataFileError(path, problems)
    return RuleSet(
        version=int(version),  # type: ignore[arg-type]
        rules=tuple(rules),
        sources=sources,
        domains=domains,
        markers=markers,
        critical_items=critical_items,
    )


_cache: dict[Path, tuple[int, RuleSet]] = {}


def load_rules(path: Path = RULE_FILE) -> RuleSet:
    """The rule set in `path`, validated; re-read when the file changes."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise DataFileError(path, [(0, f"cannot be read: {error}")]) from error
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    rules = parse_rules(read_yaml_with_lines(path), path)
    _cache[path] = (stamp, rules)
    return rules
