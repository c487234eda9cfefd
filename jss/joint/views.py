"""Joint council pages: the meetings (list, scheduling, the meeting page with its agenda, attendance,
decisions and minutes, the iCalendar invitation) and the policy register (the list, a decision with its
history and follow-up, the secretariat's edit). Nothing here is personal data, so reads are not audited;
every write is, by its service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jss.accounts.access import membership_of
from jss.joint import services
from jss.joint.access import (
    follows_up,
    get_decision_for_user,
    get_item_for_user,
    get_meeting_for_user,
    is_secretariat,
    sees_meetings,
    sees_register,
)
from jss.joint.forms import (
    DecisionForm,
    FollowUpForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    OutcomeForm,
    RegisterFilterForm,
)
from jss.joint.models import JointMeeting, PolicyDecision
from jss.joint.queries import (
    active_institutions,
    decision_page,
    meeting_page,
    meetings_for,
    register,
    secretariat_place,
    unfinished_decisions,
)
from jss.lib.forms import against_version, show_refusal
from jss.lib.ical import ical_response

# --- meetings ------------------------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not sees_meetings(request.user):
        raise PermissionDenied
    upcoming, past = meetings_for(request.user)
    return render(
        request,
        "joint/list.html",
        {"upcoming": upcoming, "past": past, "may_schedule": is_secretariat(request.user)},
    )


@login_required
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied
    institutions = active_institutions()
    form = MeetingForm(
        request.POST or None, institutions=institutions,
        initial={"invited": [str(i.pk) for i in institutions], "place": secretariat_place()},
    )  # fmt: skip
    if request.method == "POST":
        form.is_valid()
        # Every problem at once, the form's and the rules' (nothing typed is lost: the form is shown again).
        for name, message in services.check_meeting(form.meeting_data()).items():
            if name not in form.errors:
                form.add_error(name, message)
        if not form.errors:
            try:
                meeting = services.schedule_meeting(form.meeting_data(), actor=request.user)
            except services.JointError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request, _("The meeting is scheduled; the invited institutions' heads are sent the invitation.")
                )
                return redirect("joint:detail", meeting.pk)
    return render(
        request, "joint/schedule.html", {"form": form, "carried": unfinished_decisions()},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _render_meeting(
    request: HttpRequest, meeting: JointMeeting, *, forms: dict[Any, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    page = meeting_page(meeting)
    locked = meeting.status == JointMeeting.Status.APPROVED
    runs = is_secretariat(request.user) and not locked
    context: dict[str, Any] = {"page": page, "meeting": meeting, "runs": runs, "locked": locked}
    if runs:
        context["items"] = [
            {
                "item": item,
                "form": forms.get(("outcome", item.pk))
                or OutcomeForm(prefix=f"outcome-{item.pk}", initial={"outcome": item.outcome, "note": item.note}),
            }
            for item in page.items
        ]
        context["item_form"] = forms.get("item") or ItemForm(prefix="item")
        context["decision_form"] = forms.get("decision") or DecisionForm(
            prefix="decision", institutions=active_institutions(), items=page.items
        )
        if meeting.status == JointMeeting.Status.HELD:
            context["minutes_form"] = forms.get("minutes") or MinutesForm(
                prefix="minutes", initial={"minutes": meeting.minutes, "version": meeting.version}
            )
    else:
        context["items"] = [{"item": item, "form": None} for item in page.items]
    return render(request, "joint/detail.html", context, status=status)


@login_required
@never_cache
def meeting_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _render_meeting(request, get_meeting_for_user(request.user, meeting_id))


@login_required
def meeting_ical(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    return ical_response(services.ical(meeting, uid_domain=request.get_host().split(":")[0]), filename=meeting.code)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    attended = [int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()]
    try:
        services.set_attendance(meeting, attended, actor=request.user)
    except services.JointError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Attendance is recorded."))
    return redirect("joint:detail", meeting.pk)


@login_required
@require_POST
def item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    form = ItemForm(request.POST, prefix="item")
    if form.is_valid():
        try:
            services.add_item(meeting, form.item_data(), actor=request.user)
        except services.JointError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The item is on the agenda."))
            return redirect("joint:detail", meeting.pk)
    return _render_meeting(request, meeting, forms={"item": form}, status=400)


@login_required
@require_POST
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, write=True)
    try:
        services.remove_item(item, actor=request.user)
    except services.JointError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The item is taken off the agenda."))
    return redirect("joint:detail", item.meeting_id)


@login_required
@require_POST
def item_outcome(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, write=True)
    form = OutcomeForm(request.POST, prefix=f"outcome-{item.pk}")
    if form.is_valid():
        try:
            services.record_outcome(item, form.cleaned_data["outcome"], form.cleaned_data["note"], actor=request.user)
        except services.JointError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The outcome of item %(position)s is recorded.") % {"position": item.position})
            return redirect("joint:detail", item.meeting_id)
    return _render_meeting(request, item.meeting, forms={("outcome", item.pk): form}, status=400)


@login_required
@require_POST
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    form = DecisionForm(
        request.POST, prefix="decision", institutions=active_institutions(), items=list(meeting.items.all())
    )
    form.is_valid()
    for name, message in services.check_decision(form.decision_data()).items():
        if name not in form.errors:
            form.add_error(name, message)
    if not form.errors:
        try:
            decision = services.record_decision(meeting, form.decision_data(), actor=request.user)
        except services.JointError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Decision %(code)s is in the policy register.") % {"code": decision.code})
            return redirect("joint:detail", meeting.pk)
    return _render_meeting(request, meeting, forms={"decision": form}, status=400)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, write=True)
    form = MinutesForm(request.POST, prefix="minutes")
    action = request.POST.get("action", "save")
    if action == "draft":
        form = MinutesForm(
            prefix="minutes", initial={"minutes": services.draft_minutes(meeting), "version": meeting.version}
        )
        return _render_meeting(request, meeting, forms={"minutes": form})
    if form.is_valid():
        try:
            meeting = services.save_minutes(
                meeting, form.cleaned_data["minutes"] or "", actor=request.user, version=form.cleaned_data["version"]
            )
            if action == "approve":
                services.approve_minutes(meeting, actor=request.user, version=meeting.version)
        except services.JointError as error:
            meeting.refresh_from_db()
            # Keep their text, against the meeting as it is now (a save before a refused approval counts).
            against_version(form, meeting.version)
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("The minutes are approved and locked.") if action == "approve" else _("The minutes are saved."),
            )
            return redirect("joint:detail", meeting.pk)
    return _render_meeting(request, meeting, forms={"minutes": form}, status=400)


# --- the policy register ---------------------------------------------------------------------------------------


@login_required
def decision_register(request: HttpRequest) -> HttpResponse:
    if not sees_register(request.user):
        raise PermissionDenied
    institutions = active_institutions()
    filters = RegisterFilterForm(request.GET or None, institutions=institutions)
    entries = register(request.user, filters.filters())
    membership = membership_of(request.user)
    return render(
        request,
        "joint/register.html",
        {
            "register": entries,
            "filters": filters,
            "own_institution": membership.institution_id if membership else None,
            "sees_meetings": sees_meetings(request.user),
        },
    )


def _report_link(user: object, decision: PolicyDecision) -> str:
    """The semiannual report's section that motivated the decision, for readers of the reports."""
    from jss.reports.access import may_read_reports  # the report is another app's page: asked late

    if not decision.section or not may_read_reports(user):
        return ""
    query = ""
    if decision.period_start and decision.period_end:
        query = "?" + urlencode({"start": decision.period_start.isoformat(), "end": decision.period_end.isoformat()})
    return f"{reverse('reports:semiannual')}{query}#{decision.section}"


def _render_decision(
    request: HttpRequest, decision: PolicyDecision, *, form: FollowUpForm | None = None, status: int = 200
) -> HttpResponse:
    page = decision_page(request.user, decision)
    if form is None and follows_up(request.user, decision):
        form = FollowUpForm(prefix="follow", initial={"status": decision.status, "version": decision.version})
    return render(
        request,
        "joint/decision.html",
        {
            "page": page,
            "decision": decision,
            "form": form,
            "may_edit": is_secretariat(request.user),
            "report_link": _report_link(request.user, decision),
        },
        status=status,
    )


@login_required
@never_cache
def decision_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The decision and its history; a POST is a follow-up (a stale version is refused, the text kept)."""
    decision = get_decision_for_user(request.user, decision_id, write=request.method == "POST")
    if request.method != "POST":
        return _render_decision(request, decision)
    form = FollowUpForm(request.POST, prefix="follow")
    if form.is_valid():
        try:
            services.follow_up_decision(
                decision, form.follow_up_data(), actor=request.user, version=form.cleaned_data["version"]
            )
        except services.JointError as error:
            if error.field == "version":  # keep their text, against the decision as it is now
                decision.refresh_from_db()
                against_version(form, decision.version)
            show_refusal(form, error)
        else:
            messages.success(request, _("The follow-up is saved."))
            return redirect("joint:decision", decision.pk)
    return _render_decision(request, decision, form=form, status=400)


@login_required
@never_cache
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id, write=True)
    if not is_secretariat(request.user):
        raise PermissionDenied
    institutions = active_institutions()
    owners = list(decision.owners.all())
    institutions += [owner for owner in owners if owner not in institutions]  # an owner that has left
    initial = {
        "title": decision.title, "text": decision.text, "owners": [str(o.pk) for o in owners],
        "due_on": decision.due_on, "section": decision.section, "period_start": decision.period_start,
        "period_end": decision.period_end, "version": decision.version,
    }  # fmt: skip
    form = DecisionForm(request.POST or None, prefix="decision", institutions=institutions, initial=initial)
    if request.method == "POST":
        form.is_valid()
        for name, message in services.check_decision(form.decision_data(), due_before=decision.due_on).items():
            if name not in form.errors:
                form.add_error(name, message)
        if not form.errors:
            try:
                services.edit_decision(
                    decision, form.decision_data(), actor=request.user, version=form.cleaned_data["version"]
                )
            except services.JointError as error:
                if error.field == "version":
                    decision.refresh_from_db()
                    data = request.POST.copy()
                    data["decision-version"] = str(decision.version)
                    form = DecisionForm(data, prefix="decision", institutions=institutions)
                    form.is_valid()
                show_refusal(form, error)
            else:
                messages.success(request, _("Decision %(code)s is changed.") % {"code": decision.code})
                return redirect("joint:decision", decision.pk)
    return render(
        request, "joint/decision_edit.html", {"decision": decision, "form": form},
        status=400 if form.errors else 200,
    )  # fmt: skip
