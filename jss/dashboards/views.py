"""The dashboards per role (issue 7, item 4): one page each, read only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jss.accounts.access import Role, coordinates_station, has_role, membership_of
from jss.accounts.decorators import member_required, role_required
from jss.dashboards import queries
from jss.dashboards.access import get_station_for_user
from jss.regions.models import PoliceStation

OWN_DASHBOARD = {
    Role.SECRETARIAT: "dashboards:province",
    Role.COORDINATOR: "dashboards:station",
    Role.PRACTITIONER: "dashboards:institution",
    Role.HEAD: "dashboards:head",
}


def _which(request: HttpRequest) -> str:
    return queries.LAST if request.GET.get("half") == queries.LAST else queries.CURRENT


@login_required
@member_required
def mine(request: HttpRequest) -> HttpResponse:
    """The user's own dashboard; auditors and technical administrators have none."""
    membership = membership_of(request.user)
    assert membership is not None  # member_required
    target = OWN_DASHBOARD.get(Role(membership.role))
    if target is None:
        raise PermissionDenied
    return redirect(target)


@login_required
@role_required(Role.SECRETARIAT)
def province(request: HttpRequest) -> HttpResponse:
    dashboard = queries.province_dashboard(
        which=_which(request), now=timezone.now(), today=timezone.localdate(), actor=request.user
    )
    return render(request, "dashboards/province.html", {"dashboard": dashboard})


@login_required
@role_required(Role.SECRETARIAT, Role.COORDINATOR)
def station(request: HttpRequest) -> HttpResponse:
    chosen = get_station_for_user(request.user, request.GET.get("station"))
    own = coordinates_station(request.user, chosen.pk)
    dashboard = queries.station_dashboard(
        chosen, which=_which(request), now=timezone.now(), today=timezone.localdate(), actor=request.user,
        suppressed=not own,
    )  # fmt: skip
    # The secretariat picks any station; a coordinator sees only their own.
    stations = list(PoliceStation.objects.order_by("code")) if has_role(request.user, Role.SECRETARIAT) else []
    context = {"dashboard": dashboard, "station": chosen, "stations": stations,
               "station_query": f"station={chosen.pk}" if stations else ""}  # fmt: skip
    return render(request, "dashboards/station.html", context)


@login_required
@role_required(Role.PRACTITIONER, Role.COORDINATOR)
def institution(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # role_required
    dashboard = queries.institution_dashboard(
        request.user, membership.institution, which=_which(request), now=timezone.now(), today=timezone.localdate()
    )
    return render(
        request, "dashboards/institution.html", {"dashboard": dashboard, "institution": membership.institution}
    )


@login_required
@role_required(Role.HEAD)
def head(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # role_required
    dashboard = queries.head_dashboard(
        membership.institution, which=_which(request), now=timezone.now(), today=timezone.localdate(),
        actor=request.user,
    )  # fmt: skip
    return render(request, "dashboards/head.html", {"dashboard": dashboard, "institution": membership.institution})
