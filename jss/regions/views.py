from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jss.institutions.models import Institution
from jss.lib.http import member_required
from jss.regions.access import get_station_for_user
from jss.regions.queries import region_tree, stations_with_jurisdiction


@login_required
@member_required
def region_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "regions/list.html", {"tree": region_tree(), "stations": stations_with_jurisdiction()}
    )


@login_required
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = get_station_for_user(request.user, station_id)
    units = station.jurisdiction.select_related("parent").order_by("code")
    institutions = (
        Institution.objects.filter(region__police_stations=station)
        .exclude(status=Institution.Status.APPLICANT)
        .select_related("region")
        .order_by("name_ko")
    )
    return render(
        request,
        "regions/station_detail.html",
        {
            "station": station,
            "units": units,
            "population": units.aggregate(total=Sum("population"))["total"] or 0,
            "institutions": institutions,
        },
    )
