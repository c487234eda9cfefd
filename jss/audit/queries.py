"""Reads of the audit trail for the data-protection auditor."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from jss.audit.models import AccessEvent


def audit_events(*, verb: str = "", on: date | None = None, actor_username: str = "") -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.select_related("actor", "actor_institution")
    if verb:
        events = events.filter(verb=verb)
    if on is not None:
        events = events.filter(occurred_at__date=on)
    if actor_username:
        events = events.filter(actor__username=actor_username)
    return events


def known_verbs() -> list[str]:
    return list(AccessEvent.objects.order_by("verb").values_list("verb", flat=True).distinct())
