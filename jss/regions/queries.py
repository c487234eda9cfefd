"""Reads for the region pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from jss.regions.models import PoliceStation, Region


@dataclass
class RegionRow:
    region: Region
    stations: list[PoliceStation] = field(default_factory=list)
    units: list[RegionRow] = field(default_factory=list)


def region_tree() -> list[RegionRow]:
    """Provinces → cities → eup/myeon/dong with their police stations, in three queries."""
    regions = list(
        Region.objects.prefetch_related(Prefetch("police_stations", queryset=PoliceStation.objects.order_by("code")))
    )
    rows = {region.pk: RegionRow(region=region, stations=list(region.police_stations.all())) for region in regions}
    roots: list[RegionRow] = []
    for region in regions:
        row = rows[region.pk]
        if region.parent_id is None:
            roots.append(row)
        else:
            rows[region.parent_id].units.append(row)
    return roots


def stations_with_jurisdiction() -> list[PoliceStation]:
    return list(
        PoliceStation.objects.prefetch_related(
            Prefetch("jurisdiction", queryset=Region.objects.select_related("parent").order_by("code"))
        ).order_by("code")
    )


def station_overview(station: PoliceStation) -> dict[str, Any]:
    """A station's units, their population and the member institutions located in them."""
    from jss.institutions.models import Institution

    units = list(station.jurisdiction.select_related("parent").order_by("code"))
    institutions = (
        Institution.objects.filter(region__police_stations=station)
        .exclude(status=Institution.Status.APPLICANT)
        .select_related("region")
        .order_by("name_ko")
    )
    return {"units": units, "population": sum(unit.population for unit in units), "institutions": institutions}
