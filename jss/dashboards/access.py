"""Which police station's dashboard a user may open. Missing and forbidden both answer 404."""

from __future__ import annotations

from django.http import Http404

from jss.accounts.access import Role, membership_of
from jss.regions.models import PoliceStation


def get_station_for_user(user: object, station_id: str | None) -> PoliceStation:
    """A coordinator's own station (asking for another answers 404); any station for the secretariat, the
    first by code when none is asked for."""
    membership = membership_of(user)
    if membership is None:
        raise Http404
    stations = PoliceStation.objects.order_by("code")
    if membership.role == Role.COORDINATOR:
        stations = stations.filter(pk=membership.station_id or 0)  # a coordinator always has a station
    elif membership.role != Role.SECRETARIAT:
        raise Http404
    if station_id:
        if not station_id.isdigit():
            raise Http404
        stations = stations.filter(pk=int(station_id))
    station = stations.first()
    if station is None:
        raise Http404
    return station
