"""Case pages: the list, nominating, the case page (timeline across institutions), the station
coordinator's decision, adding an institution on a legal basis, and stopping a share."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jss.accounts.access import membership_of
from jss.actions.views import case_section as action_section
from jss.audit.services import record_view
from jss.cases import services
from jss.cases.access import get_case_for_user, is_station_coordinator, may_share, scope_for
from jss.cases.forms import (
    AcceptForm,
    BasisForm,
    CloseForm,
    ContactForm,
    DeclineForm,
    NominateForm,
    RevokeForm,
    ShareForm,
    StatusFilterForm,
    VersionForm,
)
from jss.cases.models import Case, CasePerson, Nomination
from jss.cases.queries import (
    PAGE_SIZE,
    active_institutions,
    case_list,
    case_page,
    default_station,
    get_nomination_for_user,
    get_share_for_user,
    incident_persons,
    pending_nominations,
    stations,
)
from jss.incidents.access import can_report, get_incident_for_user
from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.lib.forms import against_version, show_refusal
from jss.people.access import get_person_for_user
from jss.people.models import Person

CLOSED_STATUSES = (Case.Status.DECLINED, Case.Status.CLOSED)


def _require_caseworker(request: HttpRequest) -> None:
    if not can_report(request.user):
        raise PermissionDenied


def _institution_id(request: HttpRequest) -> int | None:
    membership = membership_of(request.user)
    return membership.institution_id if membership is not None else None


def _basis_problems(form: BasisForm, institution: Institution | None) -> None:
    """Every problem of the legal basis next to its field, also when the form found some of its own (a date
    that is not one): nothing is refused one problem at a time."""
    data = form.share_data(cast(Institution, institution))
    for name, message in services.check_share(data).items():
        if name not in form.errors:
            form.add_error(name, message)


def _refused(request: HttpRequest, case: Case, error: services.CaseError) -> HttpResponse:
    """A refusal about the case rather than a field (decided already, not open): said on the case page."""
    messages.error(request, str(error))
    return redirect("cases:detail", case.pk)


# --- the list ----------------------------------------------------------------------------------------------


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    _require_caseworker(request)
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(case_list(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = pending_nominations(request.user)
    record_view(
        request.user, "cases.list", None, purpose="case list",
        detail={"cases": [case.pk for case in page], "nominations": [n.pk for n in pending]},
    )  # fmt: skip
    return render(request, "cases/list.html", {"page": page, "pending": pending, "filters": filters})


# --- nominating --------------------------------------------------------------------------------------------


def _id_parameter(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
@never_cache
def nominate(request: HttpRequest) -> HttpResponse:
    """Nominate a person (the victim) and/or a report for the working council."""
    _require_caseworker(request)
    person_id, incident_id = _id_parameter(request, "person"), _id_parameter(request, "incident")
    person: Person | None = get_person_for_user(request.user, person_id) if person_id is not None else None
    incident: Incident | None = get_incident_for_user(request.user, incident_id) if incident_id is not None else None
    if person is None and incident is None:
        raise Http404
    persons = incident_persons(incident) if incident is not None else []
    if person is not None and all(known.pk != person.pk for known, _role in persons):
        persons.insert(0, (person, CasePerson.Role.VICTIM))
    incidents = [incident] if incident is not None else []
    station = default_station(request.user, [known for known, _role in persons], incidents)
    form = NominateForm(request.POST or None, persons=persons, stations=None if station else stations())
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nominate(
                services.NominationData(
                    persons=form.chosen_persons(), incidents=incidents, reasons=form.cleaned_data["reasons"],
                    note=form.cleaned_data["note"], station=station or form.cleaned_data["station"],
                ),
                actor=request.user,
            )  # fmt: skip
        except services.CaseError as error:
            show_refusal(form, error)
        else:
            if nomination.case.nominations.count() > 1:
                messages.success(request, _("The nomination joins the open case of the same person."))
            else:
                messages.success(
                    request,
                    _("The case has been nominated for the working council of %(station)s.")
                    % {"station": nomination.case.station.name},
                )
            return redirect("cases:detail", nomination.case_id)
    record_view(
        request.user, "cases.nominate_form", incident or person, purpose="nominate for the working council",
        detail={"persons": [known.pk for known, _role in persons], "incident": incident.pk if incident else 0},
    )  # fmt: skip
    return render(
        request,
        "cases/nominate.html",
        {"form": form, "incident": incident, "station": station, "action": request.get_full_path()},
        status=400 if form.errors else 200,
    )


# --- the case page -----------------------------------------------------------------------------------------


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    share_form: ShareForm | None = None,
    contact_form: ContactForm | None = None,
    close_form: CloseForm | None = None,
    accept_forms: dict[int, AcceptForm] | None = None,
    decline_forms: dict[int, DeclineForm] | None = None,
    revoke_forms: dict[int, RevokeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    scope = scope_for(user, case)
    if scope is None:
        raise Http404
    page = case_page(user, case, scope=scope)
    record_view(user, "case.view", case, purpose="case page", detail={"scope": scope})
    coordinator = is_station_coordinator(user, case)
    sharer = may_share(user, case)
    adds = sharer and case.status not in CLOSED_STATUSES
    institutions = active_institutions() if coordinator and page.pending else []

    decisions: list[tuple[Nomination, AcceptForm, DeclineForm]] = []
    if coordinator:
        for nomination in page.pending:
            accept = (accept_forms or {}).get(nomination.pk) or AcceptForm(
                prefix=f"accept-{nomination.pk}", institutions=institutions,
                initial={"lead_institution": case.lead_institution_id},
            )  # fmt: skip
            decline = (decline_forms or {}).get(nomination.pk) or DeclineForm(prefix=f"decline-{nomination.pk}")
            decisions.append((nomination, accept, decline))
    own = _institution_id(request)
    share_rows = [
        (
            view,
            (revoke_forms or {}).get(view.share.pk) or RevokeForm(prefix=f"revoke-{view.share.pk}")
            if sharer or view.share.institution_id == own
            else None,
        )
        for view in page.shares
    ]
    works = services.may_work_on(user, case)
    open_accepted = case.status in (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE,
                                    Case.Status.MONITORING)  # fmt: skip
    monitoring = case.status == Case.Status.MONITORING and scope == "full"
    return render(
        request,
        "cases/detail.html",
        {
            "page": page,
            "case": case,
            "full": scope == "full",
            "decisions": decisions,
            "share_form": share_form if adds else None,  # a refused one; else loaded when its panel opens
            "share_later": adds and share_form is None,
            "share_rows": share_rows,
            "contacts": list(case.contacts.select_related("institution")) if scope == "full" else [],
            "contact_form": (contact_form or ContactForm(prefix="contact", initial={"reached": True}))
            if monitoring
            else None,
            "may_monitor": works and case.status != Case.Status.MONITORING and open_accepted,
            "close_form": (close_form or CloseForm(prefix="close", initial={"version": case.version}))
            if works and open_accepted
            else None,
            "version": case.version,
            # jss.actions: the case's support actions and, for who works on the case, the "add" form.
            "actions": action_section(user, case, scope=scope),
        },
        status=status,
    )


@login_required
@never_cache
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_case(request, get_case_for_user(request.user, case_id))


@login_required
@require_POST
def nomination_decide(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """The station coordinator accepts (with a lead institution and, for another institution than the
    station, the legal basis for sharing with it) or declines (with a reason)."""
    nomination = get_nomination_for_user(request.user, nomination_id)
    case = nomination.case
    if not is_station_coordinator(request.user, case):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision == "accept":
        accept = AcceptForm(request.POST, prefix=f"accept-{nomination.pk}", institutions=active_institutions())
        valid = accept.is_valid()
        lead = accept.cleaned_data.get("lead_institution")
        # The station itself needs no basis (its coordinators see the case in full); another lead does.
        wants_share = bool(accept.cleaned_data.get("basis")) and getattr(lead, "pk", None) != _institution_id(request)
        if wants_share:
            _basis_problems(accept, lead)
        if valid and not accept.errors and lead is not None:
            try:
                services.accept(
                    nomination, actor=request.user, lead_institution=lead,
                    lead_share=accept.share_data(lead) if wants_share else None,
                )  # fmt: skip
            except services.CaseError as error:
                if error.field is None:
                    return _refused(request, case, error)
                show_refusal(accept, error)
            else:
                messages.success(request, _("The case has been accepted for the working council."))
                return redirect("cases:detail", case.pk)
        return _render_case(request, case, accept_forms={nomination.pk: accept}, status=400)
    if decision == "decline":
        decline = DeclineForm(request.POST, prefix=f"decline-{nomination.pk}")
        if decline.is_valid():
            try:
                services.decline(nomination, actor=request.user, reason=decline.cleaned_data["reason"])
            except services.CaseError as error:
                if error.field is None:
                    return _refused(request, case, error)
                show_refusal(decline, error)
            else:
                messages.success(request, _("The nomination has been declined."))
                return redirect("cases:detail", case.pk)
        return _render_case(request, case, decline_forms={nomination.pk: decline}, status=400)
    messages.error(request, _("Choose to accept or to decline."))
    return redirect("cases:detail", case.pk)


def _new_share_form(case: Case) -> ShareForm:
    """The institutions that could be added: active, not taking part already, not the case's own station."""
    today = timezone.localdate()
    taking_part = {share.institution_id for share in case.shares.all() if share.is_active(today)}
    institutions = [i for i in active_institutions() if i.pk not in taking_part and i.station_id != case.station_id]
    return ShareForm(prefix="share", institutions=institutions)


@login_required
@require_http_methods(["GET", "POST"])
def case_share(request: HttpRequest, case_id: int) -> HttpResponse:
    """GET: the form, for the case page's panel when it opens. POST: add an institution to the case on a legal
    basis (consent or a statute), in full or summary."""
    case = get_case_for_user(request.user, case_id)
    if not may_share(request.user, case):
        raise PermissionDenied
    if request.method == "GET":
        if case.status in CLOSED_STATUSES:
            raise Http404
        return render(request, "cases/_share_form.html", {"case": case, "share_form": _new_share_form(case)})
    form = ShareForm(request.POST, prefix="share", institutions=active_institutions())
    form.is_valid()
    institution = form.cleaned_data.get("institution")
    _basis_problems(form, institution)
    if not form.errors and institution is not None:
        try:
            services.grant_share(case, form.share_data(institution), actor=request.user)
        except services.CaseError as error:
            if error.field is None:
                return _refused(request, case, error)
            show_refusal(form, error)
        else:
            messages.success(request, _("%(institution)s now takes part in the case.") % {"institution": institution})
            return redirect("cases:detail", case.pk)
    return _render_case(request, case, share_form=form, status=400)


@login_required
@require_POST
def share_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    """Stop sharing the case with an institution, at once (e.g. the person withdrew consent)."""
    share = get_share_for_user(request.user, share_id)
    case = share.case
    if not (may_share(request.user, case) or share.institution_id == _institution_id(request)):
        raise PermissionDenied
    form = RevokeForm(request.POST, prefix=f"revoke-{share.pk}")
    if form.is_valid():
        try:
            services.revoke_share(
                share, actor=request.user, reason=form.cleaned_data["reason"],
                consent_withdrawn=form.cleaned_data["consent_withdrawn"],
            )  # fmt: skip
        except services.CaseError as error:
            if error.field is None:
                return _refused(request, case, error)
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Sharing with %(institution)s has stopped.") % {"institution": share.institution}
            )
            if scope_for(request.user, case) is None:  # it was the reader's own institution
                return redirect("cases:list")
            return redirect("cases:detail", case.pk)
    return _render_case(request, case, revoke_forms={share.pk: form}, status=400)


# --- monitoring and closure ----------------------------------------------------------------------------------


@login_required
@require_POST
def case_monitor(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    if not services.may_work_on(request.user, case):
        raise PermissionDenied
    form = VersionForm(request.POST)
    try:
        services.start_monitoring(
            case, actor=request.user, version=form.cleaned_data["version"] if form.is_valid() else None
        )
    except services.CaseError as error:
        return _refused(request, case, error)
    messages.success(request, _("The case is now monitored: record each contact below."))
    return redirect("cases:detail", case.pk)


@login_required
@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    if scope_for(request.user, case) != "full":
        raise PermissionDenied
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        data = form.contact_data()
        if problems := services.check_contact(data):
            for name, message in problems.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            try:
                services.log_contact(case, data, actor=request.user)
            except services.CaseError as error:
                if error.field is None:
                    return _refused(request, case, error)
                show_refusal(form, error)
            else:
                messages.success(request, _("The contact is recorded."))
                return redirect("cases:detail", case.pk)
    return _render_case(request, case, contact_form=form, status=400)


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    if not services.may_work_on(request.user, case):
        raise PermissionDenied
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.close(
                case, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"], actor=request.user,
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except services.CaseError as error:
            if error.field is None:
                return _refused(request, case, error)
            show_refusal(form, error)
            if error.field == "version":  # keep their text, against the case as it is now
                case.refresh_from_db()
                against_version(form, case.version)
                form.add_error(None, str(error))
        else:
            messages.success(request, _("The case is closed. A new report within a year reopens it."))
            return redirect("cases:detail", case.pk)
    return _render_case(request, case, close_form=form, status=400)
