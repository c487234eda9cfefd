"""Loading a province's regions and police stations from its data file (see data/regions/)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from jss.audit.services import record
from jss.lib.yamlfile import DataFileError, line_of, read_yaml_with_lines
from jss.regions.models import PoliceStation, Region

CODE_PATTERN = re.compile(r"^\d{10}$")
STATION_CODE_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LOCAL_LEVELS = {Region.Level.EUP, Region.Level.MYEON, Region.Level.DONG}


@dataclass(frozen=True)
class LoadResult:
    regions_created: int
    regions_updated: int
    stations_created: int
    stations_updated: int


def _check_regions(items: Any, known_codes: set[str]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    if not isinstance(items, list) or not items:
        return [], [(0, "'regions' must be a non-empty list")]
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for item in items:
        line = line_of(item)
        if not isinstance(item, dict):
            problems.append((line, "each region must be a mapping of fields"))
            continue
        code = item.get("code")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            problems.append((line, f"code {code!r} is not a 10-digit administrative code in quotes"))
            continue
        if code in seen:
            problems.append((line, f"code {code} appears twice"))
        seen.add(code)
        parent = item.get("parent")
        if parent is not None and parent not in seen and parent not in known_codes:
            problems.append((line, f"region {code}: parent {parent!r} is unknown (parents must come first)"))
        level = item.get("level")
        if level not in Region.Level.values:
            problems.append((line, f"region {code}: level {level!r} is not one of {', '.join(Region.Level.values)}"))
        if level == Region.Level.PROVINCE and parent is not None:
            problems.append((line, f"region {code}: a province has no parent"))
        if level != Region.Level.PROVINCE and parent is None:
            problems.append((line, f"region {code}: only a province may have no parent"))
        if not isinstance(item.get("name_ko"), str) or not item["name_ko"].strip():
            problems.append((line, f"region {code}: name_ko is missing"))
        population = item.get("population")
        if isinstance(population, bool) or not isinstance(population, int) or population < 0:
            problems.append((line, f"region {code}: population is missing or not a whole number"))
        basis = item.get("population_basis", Region.PopulationBasis.REPORTED)
        if basis not in Region.PopulationBasis.values:
            problems.append((line, f"region {code}: population_basis must be 'reported' or 'estimate'"))
        rows.append(item)
    return rows, problems


def _check_stations(items: Any, local_codes: set[str]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    if items is None:
        return problems
    if not isinstance(items, list):
        return [(0, "'stations' must be a list")]
    seen: set[str] = set()
    assigned: dict[str, str] = {}
    for item in items:
        line = line_of(item)
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not STATION_CODE_PATTERN.match(code):
            problems.append((line, f"station code {code!r} must be lowercase letters, digits and hyphens"))
            continue
        if code in seen:
            problems.append((line, f"station {code} appears twice"))
        seen.add(code)
        if not isinstance(item.get("name_ko"), str) or not item["name_ko"].strip():
            problems.append((line, f"station {code}: name_ko is missing"))
        jurisdiction = item.get("jurisdiction")
        if not isinstance(jurisdiction, list) or not jurisdiction:
            problems.append((line, f"station {code}: jurisdiction must list at least one eup/myeon/dong code"))
            continue
        for unit in jurisdiction:
            if unit not in local_codes:
                problems.append((line, f"station {code}: {unit!r} is not an eup/myeon/dong of this file"))
            elif unit in assigned:
                problems.append((line, f"station {code}: {unit} already belongs to station {assigned[unit]}"))
            else:
                assigned[unit] = code
    return problems


def load_region_file(path: Path, *, actor: Any = None) -> LoadResult:
    """Validate the whole file, then create or update every region and station in one transaction.

    Re-loading the same file changes nothing; a file with any problem changes nothing and raises
    `DataFileError` listing each problem with its line.
    """
    data = read_yaml_with_lines(path)
    if not isinstance(data, dict):
        raise DataFileError(path, [(1, "the file must be a mapping with 'regions' (and 'stations')")])
    as_of = data.get("population_as_of")
    problems: list[tuple[int, str]] = []
    if not isinstance(as_of, datetime.date):
        problems.append((line_of(data), "population_as_of must be a date such as 2023-12-31"))
    known_codes = set(Region.objects.values_list("code", flat=True))
    rows, region_problems = _check_regions(data.get("regions"), known_codes)
    problems += region_problems
    local_codes = {row["code"] for row in rows if row.get("level") in LOCAL_LEVELS}
    problems += _check_stations(data.get("stations"), local_codes)
    if problems:
        raise DataFileError(path, problems)
    assert isinstance(as_of, datetime.date)
    return _save(rows, data.get("stations") or [], as_of=as_of, actor=actor, source=path.name)


@transaction.atomic
def _save(
    rows: list[dict[str, Any]],
    stations: list[dict[str, Any]],
    *,
    as_of: datetime.date,
    actor: Any,
    source: str,
) -> LoadResult:
    existing = {region.code: region for region in Region.objects.all()}
    created = updated = 0
    for row in rows:
        values = {
            "parent": existing.get(row["parent"]) if row.get("parent") else None,
            "level": row["level"],
            "name_ko": row["name_ko"].strip(),
            "name_en": (row.get("name_en") or "").strip(),
            "population": row["population"],
            "population_basis": row.get("population_basis", Region.PopulationBasis.REPORTED),
            "population_as_of": as_of,
        }
        region = existing.get(row["code"])
        if region is None:
            region = Region.objects.create(code=row["code"], **values)
            existing[region.code] = region
            created += 1
        elif any(getattr(region, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(region, field, value)
            region.save()
            updated += 1
    stations_created = stations_updated = 0
    for item in stations:
        station, was_created = PoliceStation.objects.get_or_create(
            code=item["code"],
            defaults={"name_ko": item["name_ko"].strip(), "name_en": item.get("name_en") or ""},
        )
        changed = False
        if not was_created and (station.name_ko, station.name_en) != (
            item["name_ko"],
            item.get("name_en") or "",
        ):
            station.name_ko, station.name_en = item["name_ko"].strip(), item.get("name_en") or ""
            station.save()
            changed = True
        wanted = {existing[code].pk for code in item["jurisdiction"]}
        if set(station.jurisdiction.values_list("pk", flat=True)) != wanted:
            station.jurisdiction.set(wanted)
            changed = True
        stations_created += was_created
        stations_updated += changed and not was_created
    result = LoadResult(created, updated, stations_created, stations_updated)
    if created or updated or stations_created or stations_updated:
        record(actor, "regions.load", None, {"file": source, **result.__dict__})
    return result
