from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jss.accounts.access import Role, caseworker_membership, coordinates_station
from jss.audit.services import record_view
from jss.cases.access import FULL, scopes_for
from jss.cases.models import Share
from jss.council import services
from jss.council.access import get_item_for_user, get_meeting_for_user, visible_meetings
from jss.council.causes import cause_factors
from jss.council.forms import FindingsForm, MinutesForm, NoteForm, ScheduleForm
from jss.council.models import AgendaItem, Meeting, ResearchNote
from jss.institutions.models import Institution
from jss.lib.forms import against_version, show_refusal
from jss.lib.ical import ical_response


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    membership = caseworker_membership(request.user)
    if membership is None:
        raise PermissionDenied
    meetings = list(visible_meetings(request.user).select_related("station").order_by("-starts_at")[:100])
    record_view(request.user, "council.list", None, purpose="working council meetings",
                detail={"meetings": [m.pk for m in meetings]})  # fmt: skip
    chairs = membership.role == Role.COORDINATOR and membership.station_id is not None
    now = timezone.now()
    return render(
        request,
        "council/list.html",
        {
            "upcoming": [m for m in meetings if m.starts_at >= now and m.status == Meeting.Status.SCHEDULED][::-1],
            "past": [m for m in meetings if not (m.starts_at >= now and m.status == Meeting.Status.SCHEDULED)],
            "may_schedule": chairs,
        },
    )


@login_required
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    membership = caseworker_membership(request.user)
    if membership is None or membership.role != Role.COORDINATOR or membership.station is None:
        raise PermissionDenied
    station = membership.station
    agenda = services.agenda_cases(station, timezone.localdate() + datetime.timedelta(days=7))
    institutions = list(Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name_ko"))
    cases = [case for case, _reason in agenda]
    taking_part = {case.lead_institution_id for case in cases} | set(
        Share.objects.filter(case__in=cases, revoked_at__isnull=True).values_list("institution_id", flat=True)
    )
    form = ScheduleForm(
        request.POST or None, institutions=institutions,
        initial={"invited": [str(pk) for pk in taking_part if pk != membership.institution_id]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = services.MeetingData(
            starts_at=form.cleaned_data["starts_at"], place=form.cleaned_data["place"] or "",
            video_link=form.cleaned_data["video_link"] or "", invited=form.invited_institutions(),
            duration_minutes=form.cleaned_data["duration_minutes"] or 90,
        )  # fmt: skip
        try:
            meeting = services.schedule(station, data, actor=request.user)
        except services.CouncilError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("The meeting is scheduled. Send the invitation (iCalendar) to the institutions.")
            )
            return redirect("council:detail", meeting.pk)
    return render(
        request, "council/schedule.html", {"form": form, "agenda": agenda, "station": station},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _item_view(
    item: AgendaItem, *, scope: str | None, chair: bool, invited: bool, forms: dict[Any, Any]
) -> dict[str, Any]:
    """What the page shows of one agenda item; its notes, causes and open actions come prefetched, what the
    reader sees of its case (`scope`) is read for the whole agenda at once."""
    full = scope == FULL
    factors = cause_factors()
    causes = list(item.causes.all())
    notes = list(item.research_notes.all())
    open_for_notes = full and (invited or chair) and item.meeting.status == Meeting.Status.SCHEDULED
    note_form = forms.get(("note", item.pk)) or (NoteForm(prefix=f"note-{item.pk}") if open_for_notes else None)
    findings_form = forms.get(("findings", item.pk))  # a refused one, shown open; else loaded when opened
    today = timezone.localdate()
    actions = item.case.open_actions  # type: ignore[attr-defined]  # prefetched (to_attr) by _render_meeting
    return {
        "item": item,
        "open_actions": [{"action": a, "overdue": a.due_on < today} for a in actions],
        "scope": scope,
        "full": full,
        "notes": notes if full else [],
        "note_count": len(notes),
        "causes": [str(factors[c.factor]) if c.factor in factors else c.factor for c in causes],
        "note_form": note_form,
        "findings_form": findings_form,
        "findings_later": chair and item.meeting.status != Meeting.Status.APPROVED,
    }


def _render_meeting(
    request: HttpRequest, meeting: Meeting, *, forms: dict[Any, Any] | None = None, status: int = 200
) -> HttpResponse:
    from jss.actions.models import Action  # actions build on cases: imported late

    forms = forms or {}
    chair = coordinates_station(request.user, meeting.station_id)
    own = getattr(caseworker_membership(request.user), "institution_id", None)
    invited = meeting.invitations.filter(institution=own).exists()
    open_actions = Action.objects.filter(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
    agenda = meeting.items.select_related("case", "case__lead_institution").prefetch_related(
        "causes",
        Prefetch("research_notes", queryset=ResearchNote.objects.select_related("institution")),
        Prefetch(
            "case__actions",
            queryset=open_actions.select_related("institution").order_by("due_on"),
            to_attr="open_actions",
        ),
    )
    agenda_items = list(agenda)
    scopes = scopes_for(request.user, [item.case for item in agenda_items])
    items = [
        _item_view(item, scope=scopes[item.case_id], chair=chair, invited=invited, forms=forms) for item in agenda_items
    ]
    minutes_form = forms.get("minutes") or MinutesForm(
        prefix="minutes", initial={"minutes": meeting.minutes, "version": meeting.version}
    )
    record_view(request.user, "council.view", meeting, purpose="working council meeting",
                detail={"cases": [row["item"].case_id for row in items]})  # fmt: skip
    return render(
        request,
        "council/detail.html",
        {
            "meeting": meeting,
            "chair": chair,
            "items": items,
            "invitations": list(meeting.invitations.select_related("institution").order_by("institution__name_ko")),
            "minutes_form": minutes_form if chair and meeting.status == Meeting.Status.HELD else None,
            "locked": meeting.status == Meeting.Status.APPROVED,
        },
        status=status,
    )


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
def item_note(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id)
    form = NoteForm(request.POST, prefix=f"note-{item.pk}")
    if form.is_valid():
        try:
            services.add_research_note(item, form.cleaned_data["text"], actor=request.user)
        except services.CouncilError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your research note is added."))
            return redirect("council:detail", item.meeting_id)
    return _render_meeting(request, item.meeting, forms={("note", item.pk): form}, status=400)


def initial_findings(item: AgendaItem) -> FindingsForm:
    """The findings form as recorded so far (the chair's station owns the case: the note is theirs to see)."""
    return FindingsForm(
        prefix=f"findings-{item.pk}",
        initial={
            "decision": item.decision,
            "risk_rating": item.risk_rating,
            "note": item.note,
            "causes": list(item.causes.values_list("factor", flat=True)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_findings(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the form, for the meeting page's findings panel when it opens. POST: record the findings."""
    item = _chair_item(request, item_id)
    if request.method == "GET":
        if item.meeting.status == Meeting.Status.APPROVED:
            raise Http404
        context = {"form": initial_findings(item), "item": item, "testid": "findings-form"}
        return render(request, "council/_findings_form.html", context)
    form = FindingsForm(request.POST, prefix=f"findings-{item.pk}")
    from_chair_screen = request.POST.get("screen") == "chair"
    if form.is_valid():
        findings = services.Findings(
            decision=form.cleaned_data["decision"], causes=form.cleaned_data["causes"],
            risk_rating=form.cleaned_data["risk_rating"], note=form.cleaned_data["note"],
        )  # fmt: skip
        try:
            services.record_findings(item, findings, actor=request.user)
        except services.CouncilError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The council's findings on %(code)s are recorded.") % {"code": item.case.code})
            return (
                redirect("council:chair", item.pk) if from_chair_screen else redirect("council:detail", item.meeting_id)
            )
    if from_chair_screen:
        return _render_chair(request, item, findings_form=form, status=400)
    return _render_meeting(request, item.meeting, forms={("findings", item.pk): form}, status=400)


# --- the chair's screen (one case at a time, with a timer) ----------------------------------------------------


def _chair_item(request: HttpRequest, item_id: int) -> AgendaItem:
    item = get_item_for_user(request.user, item_id)
    if not coordinates_station(request.user, item.meeting.station_id):
        raise PermissionDenied
    return item


def _render_chair(
    request: HttpRequest, item: AgendaItem, *, findings_form: FindingsForm | None = None,
    action_form: Any = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """One agenda item for the chair: the case as the meeting pack shows it (in full: the chair's station owns
    the case), the timer, the findings form and the form to agree a support action."""
    from jss.actions.forms import ActionForm
    from jss.actions.queries import add_choices
    from jss.actions.services import WORKING_STATUSES
    from jss.council.pack import pack_content

    meeting = item.meeting
    membership = caseworker_membership(request.user)
    assert membership is not None  # a coordinator
    pack = pack_content(meeting, membership.institution, now=timezone.now(), only=item)
    case_pack = pack.cases[0]
    positions = list(meeting.items.order_by("position", "pk").values_list("pk", flat=True))
    index = positions.index(item.pk)
    open_meeting = meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.HELD)
    if findings_form is None and open_meeting:
        findings_form = initial_findings(item)
    may_add = open_meeting and item.case.status in WORKING_STATUSES
    if action_form is None and may_add:
        action_form = ActionForm(prefix="action", choices=add_choices(item.case))
    agreed = list(
        meeting.actions.filter(case=item.case_id).select_related("institution", "service").order_by("due_on", "pk")
    )
    elapsed = services.elapsed_seconds(item)
    target = services.seconds_per_case(meeting, len(positions))
    record_view(request.user, "council.chair", meeting, purpose="chair's screen", detail={"case": item.case_id})
    return render(
        request,
        "council/chair.html",
        {
            "meeting": meeting,
            "item": item,
            "case_pack": case_pack,
            "position": index + 1,
            "count": len(positions),
            "previous_id": positions[index - 1] if index > 0 else None,
            "next_id": positions[index + 1] if index + 1 < len(positions) else None,
            "elapsed": elapsed,
            "elapsed_text": f"{elapsed // 60}:{elapsed % 60:02d}",
            "target_minutes": round(target / 60),
            "running": item.started_at is not None,
            "target": target,
            "open_meeting": open_meeting,
            "findings_form": findings_form if open_meeting else None,
            "action_form": action_form if may_add else None,
            "agreed": agreed,
            # The open actions agreed before this meeting (those agreed here are listed with the form).
            "earlier_actions": [line for line in case_pack.actions if line.action_id not in {a.pk for a in agreed}],
        },
        status=status,
    )


@login_required
@never_cache
def chair_screen(request: HttpRequest, item_id: int) -> HttpResponse:
    return _render_chair(request, _chair_item(request, item_id))


@login_required
@require_POST
def item_timer(request: HttpRequest, item_id: int) -> HttpResponse:
    """Start or stop the clock on a case (starting one stops the others of the meeting)."""
    item = _chair_item(request, item_id)
    try:
        if request.POST.get("timer") == "start":
            services.start_timer(item, actor=request.user)
        else:
            services.stop_timer(item, actor=request.user)
    except services.CouncilError as error:
        messages.error(request, str(error))
    return redirect("council:chair", item.pk)


@login_required
@require_POST
def item_action(request: HttpRequest, item_id: int) -> HttpResponse:
    """Agree a support action for the case during the meeting: the action remembers the meeting."""
    from jss.actions import services as action_services
    from jss.actions.forms import ActionForm
    from jss.actions.queries import add_choices

    item = _chair_item(request, item_id)
    form = ActionForm(request.POST, prefix="action", choices=add_choices(item.case))
    form.is_valid()
    for name, message in action_services.check_action(item.case, form.action_data()).items():
        if name not in form.errors:
            form.add_error(name, message)
    if not form.errors:
        try:
            action = action_services.add_action(item.case, form.action_data(), actor=request.user, meeting=item.meeting)
        except action_services.ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("The action is asked of %(institution)s.") % {"institution": action.institution.name}
            )
            return redirect("council:chair", item.pk)
    return _render_chair(request, item, action_form=form, status=400)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    if not coordinates_station(request.user, meeting.station_id):
        raise PermissionDenied
    attended = [int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()]
    try:
        services.set_attendance(meeting, attended, actor=request.user)
    except services.CouncilError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Attendance is recorded."))
    return redirect("council:detail", meeting.pk)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    if not coordinates_station(request.user, meeting.station_id):
        raise PermissionDenied
    form = MinutesForm(request.POST, prefix="minutes")
    action = request.POST.get("action", "save")
    if action == "draft":
        form = MinutesForm(
            prefix="minutes", initial={"minutes": services.draft_minutes(meeting), "version": meeting.version}
        )
        return _render_meeting(request, meeting, forms={"minutes": form})
    if form.is_valid():
        try:
            meeting = services.save_minutes(meeting, form.cleaned_data["minutes"] or "", actor=request.user,
                                            version=form.cleaned_data["version"])  # fmt: skip
            if action == "approve":
                services.approve_minutes(meeting, actor=request.user, version=meeting.version)
        except services.CouncilError as error:
            meeting.refresh_from_db()
            if error.field == "version":  # keep their text, against the meeting as it is now
                against_version(form, meeting.version)
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("The minutes are approved and locked.") if action == "approve" else _("The minutes are saved."),
            )
            return redirect("council:detail", meeting.pk)
    return _render_meeting(request, meeting, forms={"minutes": form}, status=400)


# --- the meeting pack (issue 6, item 4) -----------------------------------------------------------------------


@login_required
@never_cache
def meeting_pack(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting pack (PDF) for the reader's institution: names only for the cases it sees in full."""
    from jss.council.pack import pack_content, render_pack  # WeasyPrint is loaded only for a pack

    meeting = get_meeting_for_user(request.user, meeting_id)
    membership = caseworker_membership(request.user)
    if membership is None:  # get_meeting_for_user found none for such a user
        raise PermissionDenied
    pack = pack_content(meeting, membership.institution, now=timezone.now())
    pdf = render_pack(pack)
    record_view(request.user, "council.pack", meeting, purpose="meeting pack",
                detail={"institution": membership.institution_id, "cases": [c.case.pk for c in pack.cases],
                        "names": [c.case.pk for c in pack.cases if c.full]})  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{meeting.code}-{membership.institution.key}.pdf"'
    return response
