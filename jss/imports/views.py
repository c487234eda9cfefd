from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jss.accounts.access import Role, membership_of
from jss.accounts.decorators import role_required
from jss.accounts.models import Membership
from jss.imports import services
from jss.imports.access import get_pending_import_for_user
from jss.imports.forms import MAX_WEB_ROWS, UploadForm
from jss.imports.reader import ReadError
from jss.imports.workbook import template_workbook

IMPORTERS = (Role.PRACTITIONER, Role.COORDINATOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _membership(request: HttpRequest) -> Membership:
    membership = membership_of(request.user)
    assert membership is not None  # role_required let the user in
    return membership


@login_required
@role_required(*IMPORTERS)
def upload(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"source": services.default_source_for(membership.institution)},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = services.create_pending_import(
            owner=membership.user,
            institution=membership.institution,
            filename=upload.name,
            data=upload.data,
            source_default=form.cleaned_data["source"],
        )
        return redirect("imports:preview", pending.pk)
    return render(request, "imports/upload.html", {"form": form, "max_rows": MAX_WEB_ROWS})


@login_required
@role_required(*IMPORTERS)
def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="jss-incident-import-template.xlsx"'
    return response


@login_required
@role_required(*IMPORTERS)
def preview(request: HttpRequest, pending_id: int) -> HttpResponse:
    pending = get_pending_import_for_user(request.user, pending_id)
    try:
        summary = services.preview_pending_import(pending)
    except ReadError as error:
        services.discard_pending_import(pending)
        messages.error(request, str(error))
        return redirect("imports:upload")
    return render(request, "imports/preview.html", {"pending": pending, "preview": summary})


@login_required
@role_required(*IMPORTERS)
@require_POST
def confirm(request: HttpRequest, pending_id: int) -> HttpResponse:
    pending = get_pending_import_for_user(request.user, pending_id)
    filename = pending.filename
    try:
        result = services.import_pending(pending, actor=_membership(request).user)
    except (services.IncidentImportError, ReadError) as error:
        messages.error(request, str(error))
        return redirect("imports:preview", pending.pk)
    return render(request, "imports/result.html", {"result": result, "filename": filename})


@login_required
@role_required(*IMPORTERS)
@require_POST
def cancel(request: HttpRequest, pending_id: int) -> HttpResponse:
    services.discard_pending_import(get_pending_import_for_user(request.user, pending_id))
    messages.success(request, _("The uploaded file has been deleted; nothing was imported."))
    return redirect("imports:upload")
