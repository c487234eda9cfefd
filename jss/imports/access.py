"""Who may import incidents, and the only way to load a kept upload: its owner, in the owner's current
institution, before it expires. Missing, expired and someone else's all answer 404."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from jss.accounts.access import membership_of
from jss.imports.models import PendingImport
from jss.incidents.access import can_report


def can_import(user: object) -> bool:
    """Practitioners and station coordinators: the people who record incidents."""
    return can_report(user)


def get_pending_import_for_user(user: object, pending_id: int) -> PendingImport:
    membership = membership_of(user)
    if membership is None or not can_import(user):
        raise Http404
    try:
        return PendingImport.objects.select_related("institution").get(
            pk=pending_id,
            owner=membership.user_id,
            institution=membership.institution_id,
            expires_at__gt=timezone.now(),
        )
    except PendingImport.DoesNotExist as missing:
        raise Http404 from missing
