from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jss.accounts.access import Role, has_role, is_member
from jss.accounts.models import Membership
from jss.institutions.access import get_institution_for_user
from jss.institutions.models import Institution
from jss.institutions.queries import search_filter, visible_institutions
from jss.lib.http import member_required
from jss.regions.models import Region


@login_required
@member_required
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = visible_institutions(request.user)
    query = request.GET.get("q", "")
    category = request.GET.get("category", "")
    city = request.GET.get("city", "")
    institutions = institutions.filter(search_filter(query))
    if category in Institution.Category.values:
        institutions = institutions.filter(category=category)
    if city:
        institutions = institutions.filter(region__code=city) | institutions.filter(region__parent__code=city)
    page = Paginator(institutions.order_by("name_ko"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "category": category,
        "city": city,
        "categories": Institution.Category.choices,
        "cities": Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by("code"),
    }
    template = "institutions/_results.html" if request.headers.get("HX-Request") else "institutions/list.html"
    return render(request, template, context)


@login_required
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_institution_for_user(request.user, institution_id)
    show_people = has_role(request.user, Role.SECRETARIAT, Role.ADMIN) or (
        is_member(request.user) and request.user.membership.institution_id == institution.pk  # type: ignore[union-attr]
    )
    members = (
        Membership.objects.filter(institution=institution).select_related("user", "station").order_by("role")
        if show_people
        else Membership.objects.none()
    )
    return render(
        request,
        "institutions/detail.html",
        {"institution": institution, "members": members, "show_people": show_people},
    )
