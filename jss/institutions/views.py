from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jss.accounts.decorators import member_required
from jss.institutions.access import can_see_staff, get_institution_for_user
from jss.institutions.models import Institution
from jss.institutions.queries import cities, search_institutions, staff_of


@login_required
@member_required
def institution_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    category = request.GET.get("category", "")
    city = request.GET.get("city", "")
    institutions = search_institutions(request.user, query=query, category=category, city=city)
    context = {
        "page": Paginator(institutions, 50).get_page(request.GET.get("page")),
        "query": query,
        "category": category,
        "city": city,
        "categories": Institution.Category.choices,
        "cities": cities(),
    }
    template = "institutions/_results.html" if request.headers.get("HX-Request") else "institutions/list.html"
    return render(request, template, context)


@login_required
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_institution_for_user(request.user, institution_id)
    show_people = can_see_staff(request.user, institution)
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "members": staff_of(institution) if show_people else [],
            "show_people": show_people,
        },
    )
