"""The referral letter of an action: a one-page PDF (WeasyPrint, the booklet's Korean fonts) asking the
responsible institution to act. Persons are named only when that institution sees the case in full."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from jss.accounts.models import Membership
from jss.actions.models import Action
from jss.cases.models import CasePerson
from jss.directory.booklet import font_faces


def render_letter(action: Action, *, full: bool) -> bytes:
    action = Action.objects.select_related("case__station", "institution", "service", "responsible", "created_by").get(
        pk=action.pk
    )
    requester = Membership.objects.select_related("institution").filter(user=action.created_by_id).first()
    members = list(CasePerson.objects.filter(case=action.case_id).select_related("person")) if full else []
    html = render_to_string(
        "actions/letter.html",
        {
            "action": action,
            "case": action.case,
            "full": full,
            "members": members,
            "requester": requester,
            "today": timezone.localdate(),
            "font_faces": font_faces(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
