"""Action pages: an institution's inbox, an action with its updates (and the form to report progress), adding
an action to a case, and the referral letter. The case page's "support actions" section comes from
`case_section` (called by jss.cases.views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from jss.accounts.access import is_caseworker
from jss.actions import services
from jss.actions.access import get_action_for_user, institution_scope
from jss.actions.forms import ActionForm, EditForm, UpdateForm
from jss.actions.models import Action
from jss.actions.queries import CaseActions, action_page, add_choices, case_actions, inbox
from jss.audit.services import record_view
from jss.cases.access import FULL, get_case_for_user, scope_for
from jss.cases.models import Case
from jss.cases.services import may_work_on
from jss.lib.forms import against_version, show_refusal

# --- the inbox -----------------------------------------------------------------------------------------------


@login_required
def action_inbox(request: HttpRequest) -> HttpResponse:
    if not is_caseworker(request.user):
        raise PermissionDenied
    box = inbox(request.user, page=request.GET.get("page"))
    record_view(
        request.user, "actions.inbox", None, purpose="action inbox",
        detail={"actions": [row.action.pk for row in (*box.open, *box.finished)]},
    )  # fmt: skip
    return render(request, "actions/inbox.html", {"inbox": box})


# --- one action ----------------------------------------------------------------------------------------------


def _render_action(
    request: HttpRequest, action: Action, *, form: UpdateForm | None = None, status: int = 200
) -> HttpResponse:
    scope = scope_for(request.user, action.case)
    page = action_page(request.user, action, scope=scope)
    record_view(request.user, "actions.view", action, purpose="support action", detail={"scope": scope or ""})
    if form is None and not action.is_finished:
        form = UpdateForm(prefix="update", initial={"status": action.status, "version": action.version})
    return render(
        request,
        "actions/detail.html",
        {
            "page": page,
            "action": page.row.action,
            "form": form if not action.is_finished else None,
            "may_edit": page.row.full and not action.is_finished and may_work_on(request.user, action.case),
        },
        status=status,
    )


@login_required
@never_cache
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    """The action and its updates; a POST reports progress (a stale version is refused, the text kept)."""
    action = get_action_for_user(request.user, action_id, write=request.method == "POST")
    if request.method != "POST":
        return _render_action(request, action)
    form = UpdateForm(request.POST, prefix="update")
    if form.is_valid():
        try:
            services.update_action(action, form.update_data(), actor=request.user, version=form.cleaned_data["version"])
        except services.ActionError as error:
            if error.field == "version":  # keep their text, against the action as it is now
                action.refresh_from_db()
                against_version(form, action.version)
            show_refusal(form, error)
        else:
            messages.success(request, _("The update is saved."))
            return redirect("actions:detail", action.pk)
    return _render_action(request, action, form=form, status=400)


# --- changing an action ----------------------------------------------------------------------------------------


@login_required
@never_cache
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    """Change what an open action asks, its due date, person or service (the station's coordinators and the
    lead institution); the reason goes into the action's updates. A stale version is refused, the text kept."""
    action = get_action_for_user(request.user, action_id, write=True)
    if not may_work_on(request.user, action.case) or action.is_finished:
        raise PermissionDenied
    if scope_for(request.user, action.case) != FULL:  # what exactly is shown only in full
        raise PermissionDenied
    choices = add_choices(action.case)
    initial = EditForm.initial_for(action)
    form = EditForm(request.POST or None, prefix="edit", choices=choices, institution_id=action.institution_id,
                    initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_action(action, form.edit_data(), actor=request.user, version=form.cleaned_data["version"])
        except services.ActionError as error:
            if error.field == "version":  # keep their text, against the action as it is now
                action.refresh_from_db()
                against_version(form, action.version)
            show_refusal(form, error)
        else:
            messages.success(request, _("The action is changed; the responsible institution sees why."))
            return redirect("actions:detail", action.pk)
    return render(
        request, "actions/edit.html", {"action": action, "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


# --- adding an action to a case ------------------------------------------------------------------------------


def case_section(user: object, case: Case, *, scope: str) -> CaseActions:
    """The case page's section: the case's actions (the "add" form is loaded when its panel opens)."""
    return case_actions(user, case, scope=scope)


@login_required
@never_cache
def action_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    if not may_work_on(request.user, case):
        raise PermissionDenied
    form = ActionForm(request.POST or None, prefix="action", choices=add_choices(case))
    if request.method == "POST":
        form.is_valid()
        # Every problem at once, the form's and the rules' (nothing typed is lost: the form is shown again).
        for name, message in services.check_action(case, form.action_data()).items():
            if name not in form.errors:
                form.add_error(name, message)
        if not form.errors:
            try:
                action = services.add_action(case, form.action_data(), actor=request.user)
            except services.ActionError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request, _("The action is asked of %(institution)s.") % {"institution": action.institution.name}
                )
                return redirect("cases:detail", case.pk)
    # Asked by the case page's panel (htmx): the form alone.
    partial = request.method == "GET" and request.headers.get("HX-Request")
    template = "actions/_add_form.html" if partial else "actions/add.html"
    return render(request, template, {"case": case, "form": form}, status=400 if form.errors else 200)


# --- the referral letter -------------------------------------------------------------------------------------


@login_required
def action_letter(request: HttpRequest, action_id: int) -> HttpResponse:
    """A referral letter (PDF) to the responsible institution; names only if it sees the case in full."""
    from jss.actions.letter import render_letter

    action = get_action_for_user(request.user, action_id)
    full = institution_scope(action.case, action.institution_id) == "full"
    pdf = render_letter(action, full=full)
    record_view(request.user, "actions.letter", action, purpose="referral letter", detail={"names": full})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jss-action-{action.case.code}-{action.pk}.pdf"'
    return response
