"""Instrument packs for risk identification: loading, validation and scoring (docs/risk-packs.md).

A pack is one version of one checklist, in a YAML file named `<id>-v<version>.yaml`: items answered yes / no
/ unknown, their weights, critical items, score bands and licence metadata. Packs come from
data/risk-packs in the repository (our own, not validated) and from the council's local folders in
settings.JSS_RISK_PACK_DIRS (licensed instruments, never in the repository).

A file with any mistake is refused with the file, the item and the reason; no pack is ever skipped
silently. Error messages are in English: they are for the administrator who installs packs. What users see
are the packs' own texts, in Korean and English.

Scores identify risk factors; they do not predict. An answer "unknown" is never counted as "no": the
scoring keeps the band the answers give and the band it could be if every unknown were yes.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs in the lock yet

from jss.accounts.models import Membership
from jss.incidents.models import Incident
from jss.lib.yamlfile import LINE_KEY, DataFileError, line_of, read_yaml_with_lines

ANSWERS = ("yes", "no", "unknown")
REPOSITORY_PACK_DIR = Path(settings.BASE_DIR) / "data" / "risk-packs"
SCHEMA_FILE = REPOSITORY_PACK_DIR / "schema.json"
PACK_SUFFIXES = (".yaml", ".yml")  # .yml files are read so that a wrongly named pack is refused, not ignored


# --- what a pack is ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    ko: str
    en: str

    def in_language(self, language: str | None) -> str:
        return self.en if (language or "").lower().startswith("en") else self.ko

    def __str__(self) -> str:
        """The active language's text (Korean unless English is active)."""
        return self.in_language(translation.get_language())


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    help: Text | None
    weight: int
    critical: bool


@dataclass(frozen=True)
class Band:
    code: str
    label: Text
    minimum: int  # inclusive
    maximum: int  # inclusive


@dataclass(frozen=True)
class Licence:
    source: str
    licence: str
    validated: bool
    note: Text
    url: str  # "" when the pack names none


@dataclass(frozen=True)
class Pack:
    id: str
    version: int
    domain: str
    title: Text
    description: Text
    items: tuple[Item, ...]
    max_score: int
    bands: tuple[Band, ...]
    used_by: frozenset[str]
    reassess_after_days: int
    licence: Licence
    path: Path

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def band(self, code: str) -> Band:
        for band in self.bands:
            if band.code == code:
                return band
        raise KeyError(code)

    def band_for(self, score: int) -> Band:
        """The band a score falls in; ValueError outside 0..max_score (bands cover exactly that range)."""
        for band in self.bands:
            if band.minimum <= score <= band.maximum:
                return band
        raise ValueError(f"score {score} is outside 0–{self.max_score} of pack {self.id} v{self.version}")

    @property
    def top_band(self) -> Band:
        return self.bands[-1]

    @property
    def critical_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.critical)


# --- scoring -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scoring:
    score: int  # sum of the weights of the items answered yes
    unknown_count: int  # items answered unknown
    unknown_weight: int  # and their weights
    missing: tuple[str, ...]  # item ids with no answer (absent, or not one of ANSWERS), in the pack's order
    critical_yes: tuple[str, ...]  # critical items answered yes
    band: Band  # band_for(score), or the top band if a critical item is yes
    possible_band: Band  # the band if every unknown were yes (top band when a critical item is yes or unknown)
    unknown_items: tuple[str, ...] = ()  # item ids answered unknown, in the pack's order
    critical_unknown: tuple[str, ...] = ()  # critical items answered unknown

    @property
    def complete(self) -> bool:
        return not self.missing


def score(pack: Pack, answers: Mapping[str, str]) -> Scoring:
    """Score the answers. Unknown is never treated as no: it is counted, and possible_band shows the band
    if every unknown were yes. Answers for ids the pack does not have are ignored."""
    total = 0
    unknown: list[Item] = []
    missing: list[str] = []
    critical_yes: list[str] = []
    for item in pack.items:
        answer = answers.get(item.id)
        if answer == "yes":
            total += item.weight
            if item.critical:
                critical_yes.append(item.id)
        elif answer == "unknown":
            unknown.append(item)
        elif answer != "no":
            missing.append(item.id)
    unknown_weight = sum(item.weight for item in unknown)
    critical_unknown = tuple(item.id for item in unknown if item.critical)
    band = pack.top_band if critical_yes else pack.band_for(total)
    possible = pack.top_band if critical_yes or critical_unknown else pack.band_for(total + unknown_weight)
    return Scoring(
        score=total,
        unknown_count=len(unknown),
        unknown_weight=unknown_weight,
        missing=tuple(missing),
        critical_yes=tuple(critical_yes),
        band=band,
        possible_band=possible,
        unknown_items=tuple(item.id for item in unknown),
        critical_unknown=critical_unknown,
    )


# --- refusals ------------------------------------------------------------------------------------------


class PackError(Exception):
    """A pack file that cannot be used: `<file>: item <id>: <reason> (line N)`."""

    def __init__(self, path: Path, reason: str, *, item: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.item = item
        self.line = line or None
        where = f"item {item}: " if item else ""
        at = f" (line {line})" if line else ""
        super().__init__(f"{path}: {where}{reason}{at}")


_TYPES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping of fields",
    "array": "a list",
}
_PATTERNS = {
    "\\S": "is empty",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "must be lowercase letters a–z, digits and single hyphens (e.g. jss-dv-indicators)",
    "^[a-z][a-z0-9_]*$": "must be lowercase letters a–z, digits and underscores, starting with a letter",
    "^[a-z][a-z_]*$": "must be a code in lowercase letters and underscores",
    "^https?://\\S+$": "must be a web address starting with http:// or https://",
}


@functools.cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _without_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_lines(item) for key, item in value.items() if key != LINE_KEY}
    if isinstance(value, list):
        return [_without_lines(item) for item in value]
    return value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _entry_name(data: Any, section: str, index: int) -> str:
    """An item's or band's id or code, or its position when it has none."""
    entries = data.get(section) if isinstance(data, dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    key = "id" if section == "items" else "code"
    name = entry.get(key) if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name.strip() else f"#{index + 1}"


def _field(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f" #{part + 1}" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text.strip()


def _schema_problem(error: Any, field_path: list[Any], whole: str) -> str:
    """One schema error in words: which field (its path within the item or band) and why."""
    field = _field(field_path)
    instance = error.instance
    value = error.validator_value
    kind = error.validator

    def named(name: str) -> str:
        return f"{field}.{name}" if field else name

    if kind == "required":
        missing = [name for name in value if name not in instance]
        return (
            f"{named(missing[0])} is missing"
            if len(missing) == 1
            else f"missing fields: {', '.join(map(named, missing))}"
        )
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [str(key) for key in instance if key not in allowed]
        return f"unknown field {', '.join(map(named, extra))} (allowed: {', '.join(allowed)})"
    subject = field or whole
    if kind == "type" and value == "object" and error.schema.get("required"):
        return f"{subject} must be a mapping with {', '.join(error.schema['required'])}, not {_describe(instance)}"
    if kind == "type":
        return f"{subject} must be {_TYPES.get(value, value)}, not {_describe(instance)}"
    if kind == "minimum":
        return f"{subject} must be {value} or more, not {_describe(instance)}"
    if kind == "pattern":
        meaning = _PATTERNS.get(value, f"does not match {value}")
        return f"{subject} {meaning}" if meaning == "is empty" else f"{subject} {meaning}, not {_describe(instance)}"
    if kind == "minItems":
        return f"{subject} must have at least {value} {'entry' if value == 1 else 'entries'}; it has {len(instance)}"
    if kind == "uniqueItems":
        return f"{subject} lists the same value twice"
    return f"{subject}: {error.message}"


def _schema_errors(path: Path, data: Any) -> list[PackError]:
    refusals: list[tuple[int, str, PackError]] = []
    for error in _validator().iter_errors(_without_lines(data)):
        location = list(error.absolute_path)
        # The closest mapping on the way holds the line; the file's own mapping is not worth naming.
        line, node = 0, data
        for part in location:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict):
                line = line_of(node)
        item: str | None = None
        prefix = ""
        field_path = location
        whole = "the file"
        if len(location) >= 2 and location[0] in ("items", "bands") and isinstance(location[1], int):
            name = _entry_name(data, location[0], location[1])
            field_path = location[2:]
            if location[0] == "items":
                item, whole = name, "the item"
            else:
                prefix, whole = f"band {name}: ", "the band"
        reason = prefix + _schema_problem(error, field_path, whole)
        refusals.append((line, "/".join(map(str, location)), PackError(path, reason, item=item, line=line)))
    refusals.sort(key=lambda refusal: (refusal[0], refusal[1]))
    return [refusal[2] for refusal in refusals]


# --- loading -------------------------------------------------------------------------------------------


def _text(value: Mapping[str, Any]) -> Text:
    return Text(ko=str(value["ko"]).strip(), en=str(value["en"]).strip())


def _check_rules(path: Path, data: dict[str, Any]) -> None:
    """What the schema cannot say. `data` has passed the schema."""
    if data["domain"] not in Incident.Domain.values:
        raise PackError(path, f"unknown domain {data['domain']!r} (known: {', '.join(Incident.Domain.values)})")
    unknown_roles = [role for role in data["used_by"] if role not in Membership.Role.values]
    if unknown_roles:
        raise PackError(
            path,
            f"used_by names unknown roles: {', '.join(unknown_roles)} (known: {', '.join(Membership.Role.values)})",
        )
    expected = f"{data['id']}-v{int(data['version'])}.yaml"
    if path.name != expected:
        raise PackError(path, f"the file name must be {expected} (from its id and version), not {path.name}")

    seen_items: dict[str, int] = {}
    for raw in data["items"]:
        if raw["id"] in seen_items:
            raise PackError(
                path,
                f"the item id is used twice: it is already the id of the item on line {seen_items[raw['id']]}",
                item=raw["id"],
                line=line_of(raw),
            )
        seen_items[raw["id"]] = line_of(raw)
    total = sum(int(raw["weight"]) for raw in data["items"])
    if total != data["max_score"]:
        raise PackError(
            path, f"the item weights add up to {total}, but max_score is {data['max_score']}; they must be equal"
        )

    bands = data["bands"]
    seen_codes: set[str] = set()
    for raw in bands:
        if raw["code"] in seen_codes:
            raise PackError(path, f"band code {raw['code']} is used twice", line=line_of(raw))
        seen_codes.add(raw["code"])
        if raw["min"] > raw["max"]:
            raise PackError(path, f"band {raw['code']}: min {raw['min']} is above max {raw['max']}", line=line_of(raw))

    def span(raw: Mapping[str, Any]) -> str:
        return f"{raw['code']} ({raw['min']}–{raw['max']})"

    def scores(low: int, high: int) -> str:
        return f"score {low} has" if low == high else f"scores {low}–{high} have"

    for previous, band in itertools.pairwise(bands):
        if band["min"] < previous["min"]:
            raise PackError(
                path,
                f"bands must be in ascending order: {span(band)} comes after {span(previous)}",
                line=line_of(band),
            )
    if bands[0]["min"] != 0:
        raise PackError(
            path, f"the first band {span(bands[0])} must start at 0, not at {bands[0]['min']}", line=line_of(bands[0])
        )
    for previous, band in itertools.pairwise(bands):
        if band["min"] <= previous["max"]:
            raise PackError(
                path,
                f"bands {span(previous)} and {span(band)} overlap: "
                f"{scores(band['min'], min(previous['max'], band['max']))} two bands",
                line=line_of(band),
            )
        if band["min"] > previous["max"] + 1:
            raise PackError(
                path,
                f"there is a gap between bands {span(previous)} and {span(band)}: "
                f"{scores(previous['max'] + 1, band['min'] - 1)} no band",
                line=line_of(band),
            )
    if bands[-1]["max"] != data["max_score"]:
        raise PackError(
            path,
            f"the last band {span(bands[-1])} must end at max_score {data['max_score']}, not at {bands[-1]['max']}",
            line=line_of(bands[-1]),
        )


def load_pack(path: Path) -> Pack:
    """Read and validate one pack file; PackError names the file, the item and the reason."""
    path = Path(path)
    if path.suffix != ".yaml":
        raise PackError(path, f"a pack file must be named <id>-v<version>.yaml, not {path.name}")
    try:
        data = read_yaml_with_lines(path)
    except DataFileError as error:
        line, message = error.problems[0]
        raise PackError(path, message, line=line) from error
    if not isinstance(data, dict):
        raise PackError(path, "the file must be a mapping with id, version, domain, items, bands… (see schema.json)")
    schema_errors = _schema_errors(path, data)
    if schema_errors:
        raise schema_errors[0]
    _check_rules(path, data)
    licence = data["licence"]
    return Pack(
        id=data["id"],
        version=int(data["version"]),
        domain=data["domain"],
        title=_text(data["title"]),
        description=_text(data["description"]),
        items=tuple(
            Item(
                id=raw["id"],
                text=_text(raw["text"]),
                help=_text(raw["help"]) if "help" in raw else None,
                weight=int(raw["weight"]),
                critical=bool(raw.get("critical", False)),
            )
            for raw in data["items"]
        ),
        max_score=int(data["max_score"]),
        bands=tuple(
            Band(code=raw["code"], label=_text(raw["label"]), minimum=int(raw["min"]), maximum=int(raw["max"]))
            for raw in data["bands"]
        ),
        used_by=frozenset(data["used_by"]),
        reassess_after_days=int(data["reassess_after_days"]),
        licence=Licence(
            source=licence["source"].strip(),
            licence=licence["licence"].strip(),
            validated=licence["validated"],
            note=_text(licence["note"]),
            url=licence.get("url", ""),
        ),
        path=path,
    )


# --- every installed pack ------------------------------------------------------------------------------


def pack_dirs() -> list[Path]:
    """data/risk-packs in the repository, then the council's local folders (settings.JSS_RISK_PACK_DIRS;
    relative paths are taken from the project folder)."""
    configured: Any = getattr(settings, "JSS_RISK_PACK_DIRS", None) or []
    if isinstance(configured, str | Path):
        configured = [configured]
    folders = [REPOSITORY_PACK_DIR]
    for entry in configured:
        folder = Path(entry).expanduser()
        folders.append(folder if folder.is_absolute() else Path(settings.BASE_DIR) / folder)
    return folders


def pack_files(folder: Path) -> list[Path]:
    """The pack files in a folder (YAML files, by name); PackError when the folder cannot be read."""
    if not folder.is_dir():
        raise PackError(folder, "the pack folder does not exist or is not a folder (check JSS_RISK_PACK_DIRS)")
    try:
        return sorted(
            entry
            for entry in folder.iterdir()
            if entry.suffix in PACK_SUFFIXES and not entry.name.startswith(".") and entry.is_file()
        )
    except OSError as error:
        raise PackError(folder, f"the pack folder cannot be read: {error}") from error


def validate_all(paths: Iterable[Path] | None = None) -> tuple[list[Pack], list[PackError]]:
    """Load every pack file (in pack_dirs(), or the files and folders given) and collect every refusal,
    including a second file with an (id, version) already seen."""
    packs: list[Pack] = []
    errors: list[PackError] = []
    files: list[Path] = []
    for entry in pack_dirs() if paths is None else [Path(path) for path in paths]:
        if paths is None or entry.is_dir():
            try:
                files.extend(pack_files(entry))
            except PackError as error:
                errors.append(error)
        else:
            files.append(entry)
    seen: dict[tuple[str, int], Pack] = {}
    for file in files:
        try:
            pack = load_pack(file)
        except PackError as error:
            errors.append(error)
            continue
        first = seen.get((pack.id, pack.version))
        if first is not None:
            errors.append(
                PackError(file, f"pack {pack.id} version {pack.version} is already installed from {first.path}")
            )
            continue
        seen[(pack.id, pack.version)] = pack
        packs.append(pack)
    return packs, errors


@functools.cache
def _installed() -> dict[tuple[str, int], Pack]:
    packs, errors = validate_all()
    if errors:
        raise errors[0]
    return {(pack.id, pack.version): pack for pack in packs}


def all_packs() -> dict[tuple[str, int], Pack]:
    """Every version of every pack in pack_dirs(), read once per process (clear_cache() to re-read).
    A bad file, a missing folder or an (id, version) installed twice raises PackError."""
    return dict(_installed())


def clear_cache() -> None:
    _installed.cache_clear()


@receiver(setting_changed)
def _pack_dirs_changed(*, setting: str, **kwargs: Any) -> None:
    """Tests that point JSS_RISK_PACK_DIRS elsewhere get the packs of that folder."""
    if setting == "JSS_RISK_PACK_DIRS":
        clear_cache()


def current_packs() -> dict[str, Pack]:
    """The highest version of each pack, by id."""
    current: dict[str, Pack] = {}
    for pack in _installed().values():
        if pack.id not in current or pack.version > current[pack.id].version:
            current[pack.id] = pack
    return current


def get_pack(pack_id: str, version: int) -> Pack | None:
    return _installed().get((pack_id, version))


def packs_for(domain: str | None, role: str) -> list[Pack]:
    """The current packs a role may use, for a domain (None: every domain), by title in the active language."""
    return sorted(
        (
            pack
            for pack in current_packs().values()
            if role in pack.used_by and (domain is None or pack.domain == domain)
        ),
        key=lambda pack: (str(pack.title), pack.id),
    )
