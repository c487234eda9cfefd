from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jss.accounts.access import Role, membership_of
from jss.audit.services import record_view
from jss.incidents.access import get_incident_for_user
from jss.institutions.models import Institution
from jss.people.access import get_person_for_user
from jss.risk import services
from jss.risk.access import can_assess, get_assessment_for_user
from jss.risk.forms import BandForm, PeriodForm
from jss.risk.models import Assessment
from jss.risk.packs import ANSWERS, current_packs, packs_for
from jss.risk.queries import band_view, drafts, due, history, pack_for, rates


def _require_assessor(request: HttpRequest) -> None:
    if not can_assess(request.user):
        raise PermissionDenied


@login_required
def assessment_index(request: HttpRequest) -> HttpResponse:
    _require_assessor(request)
    in_progress, waiting = list(drafts(request.user)), due(request.user)
    record_view(
        request.user, "risk.list", None, purpose="assessments to do",
        detail={"assessments": [a.pk for a in [*in_progress, *waiting]]},
    )  # fmt: skip
    return render(request, "risk/index.html", {"drafts": in_progress, "due": waiting, "today": timezone.localdate()})


@login_required
def assessment_start(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_assessor(request)
    person = get_person_for_user(request.user, person_id)
    incident = None
    incident_id = request.GET.get("incident") or request.POST.get("incident")
    if incident_id and str(incident_id).isdigit():
        incident = get_incident_for_user(request.user, int(incident_id))
        if not incident.parties.filter(person=person).exists():  # a report about someone else
            raise Http404
    role = membership_of(request.user).role  # type: ignore[union-attr]
    choices = packs_for(None, role)
    if request.method == "POST":
        pack = next((p for p in choices if p.id == request.POST.get("pack")), None)
        if pack is None:
            messages.error(request, _("Choose an instrument."))
        else:
            assessment = services.start(person, pack, actor=request.user, incident=incident)
            return redirect("risk:assessment", assessment.pk)
    suggested = incident.domain if incident else ""
    choices.sort(key=lambda p: (p.domain != suggested, str(p.title)))
    record_view(request.user, "person.view", person, purpose="risk assessment: choose an instrument")
    return render(
        request, "risk/start.html", {"person": person, "incident": incident, "packs": choices, "suggested": suggested}
    )


def _render_form(
    request: HttpRequest,
    assessment: Assessment,
    *,
    missing: tuple[str, ...] = (),
    error: str = "",
    status: int = 200,
    posted: dict[str, str] | None = None,
) -> HttpResponse:
    pack = services.pack_of(assessment)
    answers = {**assessment.answers, **{k: v for k, v in (posted or {}).items() if v in ANSWERS}}
    answered = sum(1 for item in pack.items if answers.get(item.id) in ANSWERS)
    return render(
        request,
        "risk/form.html",
        {
            "assessment": assessment,
            "pack": pack,
            "items": [(item, answers.get(item.id, ""), item.id in missing) for item in pack.items],
            "answered": answered,
            "missing": missing,
            "error": error,
            "band_form": BandForm(request.POST, pack=pack) if posted is not None else BandForm(pack=pack),
            # "Unknown" alone is a person's sex (미상); an answer is 모름, as the form's instructions say.
            "choices": [("yes", _("Yes")), ("no", _("No")), ("unknown", pgettext("risk answer", "Unknown"))],
        },
        status=status,
    )


@login_required
@never_cache
def assessment_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    _require_assessor(request)
    assessment = get_assessment_for_user(request.user, assessment_id)
    record_view(request.user, "risk.view", assessment, purpose="risk assessment")
    if assessment.status == Assessment.Status.DRAFT:
        try:
            return _render_form(request, assessment)
        except services.AssessmentError as error:
            messages.error(request, str(error))
            return redirect("risk:list")
    return _render_result(request, assessment)


def _render_result(
    request: HttpRequest, assessment: Assessment, *, band_form: BandForm | None = None, status: int = 200
) -> HttpResponse:
    pack = pack_for(assessment)
    rows = []
    if pack is not None:
        rows = [(item, assessment.answers.get(item.id, "")) for item in pack.items]
    return render(
        request,
        "risk/result.html",
        {
            "assessment": assessment,
            "pack": pack,
            "rows": rows,
            "band": band_view(pack, assessment.band),
            "final_band": band_view(pack, assessment.final_band),
            "possible_band": band_view(pack, assessment.possible_band),
            "critical": [pack.item(i) for i in assessment.critical_items] if pack else [],
            "band_form": band_form or (BandForm(pack=pack) if pack else None),
            "mine": assessment.institution_id == getattr(membership_of(request.user), "institution_id", None),
        },
        status=status,
    )


@login_required
@require_POST
def assessment_answer(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One answer, saved as it is tapped (htmx): the assessment resumes from here if interrupted."""
    _require_assessor(request)
    assessment = get_assessment_for_user(request.user, assessment_id)
    try:
        assessment = services.save_answer(
            assessment, request.POST.get("item", ""), request.POST.get("answer", ""), actor=request.user
        )
    except services.AssessmentError as error:
        return HttpResponse(str(error), status=400)
    pack = services.pack_of(assessment)
    answered = sum(1 for item in pack.items if assessment.answers.get(item.id) in ANSWERS)
    return render(request, "risk/_progress.html", {"answered": answered, "pack": pack, "saved": True})


@login_required
@require_POST
def assessment_complete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    _require_assessor(request)
    assessment = get_assessment_for_user(request.user, assessment_id)
    pack = services.pack_of(assessment)
    answers = {item.id: str(request.POST.get(f"item-{item.id}", "")) for item in pack.items}
    try:
        assessment = services.complete(
            assessment,
            answers,
            actor=request.user,
            unanswered_as_unknown=request.POST.get("unanswered_as_unknown") == "on",
            override_band=request.POST.get("band", ""),
            override_reason=request.POST.get("reason", ""),
        )
    except services.MissingAnswersError as missing:
        assessment.refresh_from_db()
        return _render_form(request, assessment, missing=missing.items, error=str(missing), status=400, posted=answers)
    except services.AssessmentError as error:
        assessment.refresh_from_db()
        return _render_form(request, assessment, error=str(error), status=400, posted=answers)
    messages.success(request, _("Assessment complete."))
    return redirect("risk:assessment", assessment.pk)


@login_required
@require_POST
def assessment_band(request: HttpRequest, assessment_id: int) -> HttpResponse:
    _require_assessor(request)
    assessment = get_assessment_for_user(request.user, assessment_id)
    pack = pack_for(assessment)
    if pack is None:
        raise Http404
    form = BandForm(request.POST, pack=pack, required=True)
    if not form.is_valid():
        return _render_result(request, assessment, band_form=form, status=400)
    try:
        services.set_band(assessment, form.cleaned_data["band"], form.cleaned_data["reason"], actor=request.user)
    except services.AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The band is set. The computed band and the score are kept beside it."))
    return redirect("risk:assessment", assessment.pk)


@login_required
@require_POST
def assessment_discard(request: HttpRequest, assessment_id: int) -> HttpResponse:
    _require_assessor(request)
    assessment = get_assessment_for_user(request.user, assessment_id)
    person_id = assessment.person_id
    try:
        services.discard(assessment, actor=request.user)
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("risk:assessment", assessment.pk)
    messages.success(request, _("The assessment in progress was discarded."))
    return redirect("incidents:person", person_id)


@login_required
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_assessor(request)
    person = get_person_for_user(request.user, person_id)
    assessments = history(request.user, person)
    record_view(
        request.user, "risk.history", person, purpose="risk history",
        detail={"assessments": [a.pk for a in assessments]},
    )  # fmt: skip
    rows = []
    for assessment in assessments:
        pack = pack_for(assessment)
        final = band_view(pack, assessment.final_band)
        rows.append(
            {
                "assessment": assessment,
                "pack": pack,
                "band": band_view(pack, assessment.band),
                "final": final,
                "share": round(100 * (assessment.score or 0) / pack.max_score) if pack and pack.max_score else 0,
                "levels": len(pack.bands) if pack else 0,
            }
        )
    return render(request, "risk/history.html", {"person": person, "rows": rows})


REPORT_ROLES = {Role.SECRETARIAT, Role.HEAD, Role.COORDINATOR, Role.AUDITOR}


@login_required
def rates_report(request: HttpRequest) -> HttpResponse:
    """Completion, override and unknown rates per institution: aggregates, no personal data."""
    membership = membership_of(request.user)
    if membership is None or membership.role not in REPORT_ROLES:
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": today - datetime.timedelta(days=182), "end": today})
    start, end = today - datetime.timedelta(days=182), today
    if form.is_valid():
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    institutions = Institution.objects.all()
    if membership.role == Role.HEAD:
        institutions = institutions.filter(pk=membership.institution_id)
    domains = sorted({pack.domain for pack in current_packs().values()})
    valid = form.is_valid() or not request.GET
    rows = rates(start=start, end=end, domains=domains, institutions=institutions) if valid else []
    record_view(request.user, "risk.rates", None, purpose="assessment rates")
    return render(request, "risk/rates.html", {"form": form, "rows": rows, "start": start, "end": end})
