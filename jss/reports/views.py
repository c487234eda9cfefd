"""The semiannual report: the page, its PDF and its spreadsheet, all from the same paper (jss.reports.paper),
all with small cells suppressed. The report is read from the kept computation (jss.reports.store) and
computed when there is none; the secretariat or the station's coordinator can compute it again."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jss.audit.services import record_view
from jss.reports import store
from jss.reports.access import (
    get_review_for_user,
    get_scope_for_user,
    may_compute,
    may_read_reports,
    readable_stations,
)
from jss.reports.forms import ReportForm, ReviewDecisionForm, ReviewForm
from jss.reports.metrics import Report, ReviewsSection
from jss.reports.models import Snapshot
from jss.reports.paper import paper
from jss.reports.periods import Period
from jss.reports.queries import chosen_reviews, visible_reviews
from jss.reports.scopes import Scope
from jss.reports.suppression import suppress


def _choice(request: HttpRequest) -> tuple[ReportForm, Period | None, Scope | None]:
    if not may_read_reports(request.user):
        raise PermissionDenied
    form = ReportForm(request.GET or None, stations=readable_stations(request.user))
    if not request.GET:  # the last complete half year of the province
        last = Period.last_complete_half_year()
        half = f"{last.start.year}-{last.half}"
        form = ReportForm({"half": half}, stations=readable_stations(request.user))
    if not form.is_valid() or "period" not in form.cleaned_data:
        return form, None, None
    return form, form.cleaned_data["period"], get_scope_for_user(request.user, form.station_id())


def _report(request: HttpRequest, period: Period, scope: Scope) -> tuple[Report, Snapshot]:
    """The kept report with the case reviews chosen for it as they are now, small cells suppressed."""
    report, snapshot = store.report_for(period, scope, actor=request.user)
    report = dataclasses.replace(report, reviews=ReviewsSection(chosen_reviews(period, scope)))
    return suppress(report), snapshot


def _audit(request: HttpRequest, verb: str, snapshot: Snapshot, period: Period, scope: Scope) -> None:
    detail = {"start": period.start.isoformat(), "end": period.end.isoformat(), "scope": scope.kind}
    record_view(request.user, verb, snapshot, purpose="semiannual report", detail=detail)


def _context(report: Report, snapshot: Snapshot) -> dict[str, Any]:
    return {"report": report, "snapshot": snapshot, "sections": paper(report)}


@login_required
@never_cache
def semiannual(request: HttpRequest) -> HttpResponse:
    form, period, scope = _choice(request)
    context: dict[str, Any] = {"form": form, "may_compute": may_compute(request.user)}
    if period is not None and scope is not None:
        report, snapshot = _report(request, period, scope)
        context |= _context(report, snapshot) | {"query": request.GET.urlencode()}
        _audit(request, "reports.view", snapshot, period, scope)
    return render(request, "reports/semiannual.html", context, status=200 if form.is_valid() else 400)


@login_required
@require_POST
def semiannual_compute(request: HttpRequest) -> HttpResponse:
    """Compute the report again with today's data (it is otherwise refreshed nightly)."""
    if not may_compute(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST, stations=readable_stations(request.user))
    if not form.is_valid() or "period" not in form.cleaned_data:
        messages.error(request, _("Choose a period first."))
        return redirect("reports:semiannual")
    scope = get_scope_for_user(request.user, form.station_id())
    store.compute_and_keep(form.cleaned_data["period"], scope, actor=request.user)
    messages.success(request, _("The report is computed again with today's data."))
    query = request.POST.get("query", "")
    return redirect(reverse("reports:semiannual") + (f"?{query}" if query else ""))


def _pdf(report: Report, snapshot: Snapshot) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from jss.directory.booklet import font_faces

    html = render_to_string("reports/semiannual_pdf.html", _context(report, snapshot) | {"font_faces": font_faces()})
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=FontConfiguration())
    return pdf


def _xlsx(report: Report, snapshot: Snapshot) -> bytes:
    from jss.reports.xlsx import workbook

    return workbook(report, paper(report))


DOWNLOADS = {
    "pdf": (_pdf, "application/pdf"),
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    """The report for the chosen period and area as a file (suppressed, like the page); audited."""
    form, period, scope = _choice(request)
    if period is None or scope is None:
        return render(request, "reports/semiannual.html", {"form": form}, status=400)
    report, snapshot = _report(request, period, scope)
    make, content_type = DOWNLOADS[kind]
    response = HttpResponse(make(report, snapshot), content_type=content_type)
    _audit(request, f"reports.{kind}", snapshot, period, scope)
    response["Content-Disposition"] = f'attachment; filename="jss-report-{period.start}-{period.end}.{kind}"'
    return response


@login_required
@never_cache
def semiannual_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@login_required
@never_cache
def semiannual_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


# --- case reviews ----------------------------------------------------------------------------------------------


@login_required
@never_cache
def reviews(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of proposed reviews to choose from; a caseworker's list of their institution's."""
    from jss.accounts.access import Role, is_caseworker, membership_of

    membership = membership_of(request.user)
    secretariat = membership is not None and membership.role == Role.SECRETARIAT
    if not (secretariat or is_caseworker(request.user)):
        raise PermissionDenied
    rows = list(visible_reviews(request.user).select_related("institution").order_by("status", "-written_at")[:200])
    return render(
        request, "reports/reviews.html",
        {"rows": [(review, ReviewDecisionForm(prefix=f"review-{review.pk}") if secretariat else None)
                  for review in rows], "secretariat": secretariat},
    )  # fmt: skip


@login_required
@never_cache
def review_propose(request: HttpRequest, case_id: int) -> HttpResponse:
    """Who works on a case writes an anonymised review of it for the joint council."""
    from jss.cases.access import get_case_for_user
    from jss.cases.services import may_work_on
    from jss.lib.forms import show_refusal
    from jss.reports import services

    case = get_case_for_user(request.user, case_id)
    if not may_work_on(request.user, case):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_review(case, title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                                    actor=request.user)  # fmt: skip
        except services.ReviewError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The review is proposed; the secretariat chooses the reviews of the report."))
            return redirect("reports:reviews")
    return render(request, "reports/review_form.html", {"case": case, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    from jss.reports import services

    review = get_review_for_user(request.user, review_id)
    form = ReviewDecisionForm(request.POST, prefix=f"review-{review.pk}")
    form.is_valid()
    try:
        services.decide_review(review, choose=request.POST.get("decision") == "choose", period=form.period(),
                               actor=request.user)  # fmt: skip
    except services.ReviewError as error:
        if error.field is None:
            raise PermissionDenied from error
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decision on the review is recorded."))
    return redirect("reports:reviews")
