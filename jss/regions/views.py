from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jss.accounts.decorators import member_required
from jss.regions.access import get_station_for_user
from jss.regions.queries import region_tree, station_overview, stations_with_jurisdiction


@login_required
@member_required
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/list.html", {"tree": region_tree(), "stations": stations_with_jurisdiction()})


@login_required
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = get_station_for_user(request.user, station_id)
    return render(request, "regions/station_detail.html", {"station": station, **station_overview(station)})
