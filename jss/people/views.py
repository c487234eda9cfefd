from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jss.audit.services import record_view
from jss.people import linking
from jss.people.access import can_review_links, get_link_for_user
from jss.people.forms import DecisionForm, UnmergeForm
from jss.people.models import PersonLink
from jss.people.queries import RUN_NOTES, evidence_rows, last_run, link_queue, recent_decisions, review_reason, sides

PAGE_SIZE = 25


@login_required
def link_list(request: HttpRequest) -> HttpResponse:
    if not can_review_links(request.user):
        raise PermissionDenied
    page = Paginator(link_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = list(recent_decisions(request.user))
    record_view(
        request.user, "people.link_queue", None, purpose="duplicate review",
        detail={"links": [link.pk for link in page.object_list] + [link.pk for link in decisions]},
    )  # fmt: skip
    run = last_run()
    return render(
        request,
        "people/links.html",
        {"page": page, "decisions": decisions, "run": run, "run_note": RUN_NOTES.get(run.note, "") if run else ""},
    )


def _render_link(
    request: HttpRequest,
    link: PersonLink,
    *,
    form: DecisionForm | None = None,
    unmerge_form: UnmergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    evidence = evidence_rows(link)
    widest = max((abs(row.weight) for row in evidence), default=1.0) or 1.0
    return render(
        request,
        "people/link.html",
        {
            "link": link,
            "sides": sides(request.user, link),
            "evidence": [(row, round(abs(row.weight) / widest * 100)) for row in evidence],
            "review_reason": review_reason(link),
            "form": form or DecisionForm(),
            "unmerge_form": unmerge_form or UnmergeForm(),
            "open": link.status == PersonLink.Status.PENDING
            and link.person.merged_into_id is None
            and link.other.merged_into_id is None,
        },
        status=status,
    )


@login_required
def link_view(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_link_for_user(request.user, link_id)
    record_view(
        request.user, "people.link_view", link, purpose="duplicate review",
        detail={"persons": [link.person_id, link.other_id]},
    )  # fmt: skip
    return _render_link(request, link)


@login_required
@require_POST
def link_decide(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_link_for_user(request.user, link_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_link(request, link, form=form, status=400)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "merge":
            linking.merge(link, actor=request.user, note=note)
            messages.success(
                request, _("Merged: the reports of both records are now under %(code)s.") % {"code": link.person.code}
            )
        else:
            linking.keep_apart(link, actor=request.user, note=note)
            messages.success(request, _("Kept apart. This pair will not be proposed again."))
    except linking.LinkRefusedError as error:
        messages.error(request, str(error))
        return redirect("people:link", link.pk)
    following = link_queue(request.user).first()
    return redirect("people:link", following.pk) if following else redirect("people:links")


@login_required
@require_POST
def link_unmerge(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_link_for_user(request.user, link_id)
    form = UnmergeForm(request.POST)
    if not form.is_valid():
        return _render_link(request, link, unmerge_form=form, status=400)
    try:
        linking.unmerge(link, actor=request.user, note=form.cleaned_data["note"])
    except linking.LinkRefusedError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The merge is undone: %(code)s has its own reports again.") % {"code": link.other.code}
        )
    return redirect("people:link", link.pk)
