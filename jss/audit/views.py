from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jss.accounts.access import Role
from jss.accounts.decorators import role_required
from jss.audit.forms import AuditFilterForm
from jss.audit.queries import audit_events, known_verbs
from jss.audit.services import check_chain


@login_required
@role_required(Role.AUDITOR)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(
        verb=filters.get("verb") or "", on=filters.get("on"), actor_username=filters.get("actor") or ""
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page, "verbs": known_verbs()})


@login_required
@role_required(Role.AUDITOR)
def chain_check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "audit/chain.html", {"result": None})
    intact, explanation = check_chain(actor=request.user)
    return render(request, "audit/chain.html", {"result": {"intact": intact, "explanation": explanation}})
