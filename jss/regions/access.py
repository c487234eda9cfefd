"""The only way to load a police station by id. Missing and forbidden both answer 404."""

from __future__ import annotations

from django.http import Http404

from jss.accounts.access import is_member
from jss.regions.models import PoliceStation


def get_station_for_user(user: object, station_id: int) -> PoliceStation:
    """Stations and their jurisdictions are known to every member of the network."""
    if not is_member(user):
        raise Http404
    try:
        return PoliceStation.objects.get(pk=station_id)
    except PoliceStation.DoesNotExist as missing:
        raise Http404 from missing
