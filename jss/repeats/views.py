from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jss.audit.services import record_view
from jss.lib.language import content_language
from jss.repeats import services
from jss.repeats.access import can_dismiss, can_triage, get_flag_for_user
from jss.repeats.forms import DismissForm, ProposeForm
from jss.repeats.models import Flag
from jss.repeats.queries import flag_detail, triage_page
from jss.repeats.rules import load_rules


@login_required
def triage_list(request: HttpRequest) -> HttpResponse:
    if not can_triage(request.user):
        raise PermissionDenied
    page, flag_rows = triage_page(
        request.user, page_number=request.GET.get("page"), rules=load_rules(), language=content_language()
    )
    record_view(
        request.user, "repeats.triage_list", None, purpose="triage list",
        detail={"flags": [row.flag.pk for row in flag_rows]},
    )  # fmt: skip
    return render(request, "repeats/list.html", {"page": page, "rows": flag_rows, "propose_form": ProposeForm()})


def _render_detail(
    request: HttpRequest, flag: Flag, *, propose_form: ProposeForm, dismiss_form: DismissForm, status: int = 200
) -> HttpResponse:
    row, proposals = flag_detail(request.user, flag, rules=load_rules(), language=content_language())
    return render(
        request,
        "repeats/detail.html",
        {
            "row": row,
            "flag": row.flag,
            "proposals": proposals,
            "propose_form": propose_form,
            "dismiss_form": dismiss_form,
            "may_dismiss": can_dismiss(request.user, flag),
        },
        status=status,
    )


@login_required
def flag_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, flag_id)
    record_view(request.user, "repeats.flag_view", flag, purpose="triage")
    return _render_detail(request, flag, propose_form=ProposeForm(), dismiss_form=DismissForm())


@login_required
@require_POST
def flag_propose(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, flag_id)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, flag, propose_form=form, dismiss_form=DismissForm(), status=400)
    try:
        services.propose_flag(flag, note=form.cleaned_data["note"], actor=request.user)
    except services.RepeatsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The case has been proposed for the working council."))
    return redirect("repeats:detail", flag.pk)


@login_required
@require_POST
def flag_dismiss(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, flag_id, write=True)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, flag, propose_form=ProposeForm(), dismiss_form=form, status=400)
    try:
        services.dismiss_flag(flag, reason=form.cleaned_data["reason"], actor=request.user)
    except services.RepeatsError as error:
        messages.error(request, str(error))
        return redirect("repeats:detail", flag.pk)
    messages.success(request, _("The flag has been dismissed."))
    return redirect("repeats:list")
