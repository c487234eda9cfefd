from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jss.accounts.access import Role, is_member
from jss.accounts.decorators import role_required
from jss.accounts.services import invitation_path
from jss.directory import services
from jss.directory.access import (
    can_edit_entry,
    get_application_for_user,
    get_entry_for_user,
    get_service_for_user,
)
from jss.directory.forms import (
    ApplicationForm,
    BookletForm,
    EntryForm,
    ImportForm,
    RejectForm,
    SearchForm,
    ServiceForm,
)
from jss.directory.queries import (
    PAGE_SIZE,
    directory_version,
    entry,
    is_stale,
    pending_applications,
    recent_changes,
    search_directory,
    stale_entries,
)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    now = timezone.now()
    page = max(1, min(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1000))
    show_contacts = is_member(request.user)
    results, total = search_directory(form.criteria(), now=now, page=page, with_contacts=show_contacts)
    context = {
        "form": form,
        "results": results,
        "total": total,
        "page": page,
        "has_more": page * PAGE_SIZE < total,
        "shown_until": min(page * PAGE_SIZE, total),
        "now": now,
        "show_contacts": show_contacts,
    }
    if request.headers.get("HX-Request"):
        return render(request, "directory/_results.html", context)
    return render(request, "directory/search.html", context)


def entry_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = entry(get_entry_for_user(request.user, institution_id))
    now = timezone.now()
    return render(
        request,
        "directory/entry.html",
        {
            "institution": institution,
            "now": now,
            "stale": is_stale(institution, now=now),
            "can_edit": can_edit_entry(request.user, institution),
            "show_contacts": is_member(request.user),
        },
    )


@login_required
def entry_edit(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_entry_for_user(request.user, institution_id, write=True)
    form = EntryForm(request.POST or None, initial=EntryForm.initial_for(institution))
    if request.method == "POST" and form.is_valid():
        changed = services.update_entry(institution, data=form.entry_data(), actor=request.user)
        messages.success(request, _("The entry has been saved.") if changed else _("Nothing was changed."))
        return redirect("directory:entry", institution.pk)
    return render(request, "directory/entry_form.html", {"institution": institution, "form": form})


@login_required
@require_POST
def entry_verify(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_entry_for_user(request.user, institution_id, write=True)
    services.verify_entry(institution, actor=request.user)
    messages.success(request, _("Thank you: the entry is marked as current."))
    return redirect("directory:entry", institution.pk)


@login_required
def service_create(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_entry_for_user(request.user, institution_id, write=True)
    form = ServiceForm(request.POST or None, institution=institution, initial={"service_area": institution.region.code})
    if request.method == "POST" and form.is_valid():
        services.save_service(institution=institution, data=form.service_data(), actor=request.user)
        messages.success(request, _("The service has been added."))
        return redirect("directory:entry", institution.pk)
    return render(request, "directory/service_form.html", {"institution": institution, "form": form, "service": None})


@login_required
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, service_id, write=True)
    institution = service.institution
    form = ServiceForm(request.POST or None, institution=institution, initial=ServiceForm.initial_for(service))
    if request.method == "POST" and form.is_valid():
        services.save_service(institution=institution, service=service, data=form.service_data(), actor=request.user)
        messages.success(request, _("The service has been saved."))
        return redirect("directory:entry", institution.pk)
    return render(
        request, "directory/service_form.html", {"institution": institution, "form": form, "service": service}
    )


@login_required
@require_POST
def service_delete(request: HttpRequest, service_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, service_id, write=True)
    institution_id = service.institution_id
    services.delete_service(service, actor=request.user)
    messages.success(request, _("The service has been removed from the directory."))
    return redirect("directory:entry", institution_id)


@login_required
@role_required(Role.SECRETARIAT)
def changes(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "directory/changes.html",
        {
            "changes": recent_changes(),
            "stale": stale_entries(now=now),
            "applications": pending_applications(),
        },
    )


def booklet(request: HttpRequest) -> HttpResponse:
    from jss.directory.booklet import render_booklet

    form = BookletForm(request.GET or None)
    if "download" in request.GET and form.is_valid():
        # A booklet takes seconds to render: the same request on the same data is served from the cache,
        # so the public page cannot be used to keep the server busy.
        choice = sorted(form.cleaned_data.items())
        key = "booklet:" + hashlib.sha256(f"{choice}|{directory_version()}|{timezone.localdate()}".encode()).hexdigest()
        pdf = cache.get(key)
        if pdf is None:
            pdf = render_booklet(
                criteria=form.criteria(),
                group_by=form.cleaned_data["group_by"],
                paper=form.cleaned_data["paper"],
                language=form.cleaned_data["edition"],
                today=timezone.localdate(),
            )
            cache.set(key, pdf, timeout=24 * 3600)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"jss-directory-{timezone.localdate():%Y%m%d}-{form.cleaned_data['paper']}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "directory/booklet_form.html", {"form": form})


def export_json(request: HttpRequest) -> HttpResponse:
    import json

    from jss.directory.hsds import export_json as build

    body = json.dumps(build(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jss-hsds-{timezone.localdate():%Y%m%d}.json"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    from jss.directory.hsds import export_csv_zip

    response = HttpResponse(export_csv_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="jss-hsds-{timezone.localdate():%Y%m%d}.zip"'
    return response


@login_required
@role_required(Role.SECRETARIAT)
def import_hsds(request: HttpRequest) -> HttpResponse:
    from jss.directory.hsds import import_csv_zip, import_json

    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = (import_csv_zip if upload.name.lower().endswith(".zip") else import_json)(data, actor=request.user)
    return render(request, "directory/import.html", {"form": form, "report": report})


def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.submit_application(form.save(commit=False))
        return render(request, "directory/apply_done.html")
    return render(request, "directory/apply.html", {"form": form})


@login_required
@role_required(Role.SECRETARIAT)
def application_list(request: HttpRequest) -> HttpResponse:
    from jss.directory.models import MembershipApplication

    applications = MembershipApplication.objects.select_related("region", "decided_by").order_by("-submitted_at")
    return render(request, "directory/applications.html", {"applications": applications[:200]})


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for_user(request.user, application_id)
    reject_form = RejectForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                approval = services.approve_application(
                    application,
                    actor=request.user,  # type: ignore[arg-type]
                    invitation_url=lambda user: request.build_absolute_uri(invitation_path(user)),
                )
                messages.success(
                    request, _("Approved: the institution is now a member and its contact has been invited.")
                )
                return redirect("directory:entry", approval.institution.pk)
            if reject_form.is_valid():
                services.reject_application(
                    application,
                    reason=reject_form.cleaned_data["reason"],
                    actor=request.user,  # type: ignore[arg-type]
                )
                messages.success(request, _("The application has been rejected."))
                return redirect("directory:applications")
        except services.DirectoryError as error:
            messages.error(request, str(error))
    return render(request, "directory/application.html", {"application": application, "reject_form": reject_form})
