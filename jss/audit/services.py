"""Writing the audit trail. Every service that writes calls `record` inside its own transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jss.audit.models import AccessEvent, ChainHead

GENESIS_HASH = "0" * 64


def _event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


def _hashed_fields(event: AccessEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "actor_institution": event.actor_institution_id,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "purpose": event.purpose,
        "detail": event.detail,
    }


MAX_SAFE_INTEGER = 2**53  # larger integers change in PostgreSQL's jsonb and would break the chain


def _check_detail(value: Any, path: str = "detail") -> None:
    """Detail holds codes and ids: strings, whole numbers, booleans, lists and mappings. Floats are refused
    because PostgreSQL rewrites some of them (1e16, -0.0), which would look like tampering."""
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, int):
        if abs(value) >= MAX_SAFE_INTEGER:
            raise ValueError(f"{path}: integer too large for the audit trail")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_detail(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: keys must be strings")
            _check_detail(item, f"{path}.{key}")
        return
    raise ValueError(f"{path}: {type(value).__name__} is not allowed in audit detail (use codes and ids)")


def target_label(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def record(
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    *,
    purpose: str = "",
) -> AccessEvent:
    """Append one event to the audit trail, chained to the one before.

    `actor` is a user or None (an anonymous visitor, a command run by the system). `detail` must hold
    codes and ids only: never names, phone numbers or narrative text.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record() must run inside the transaction of the write it audits (use a service)")
    with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction usable
        return _append(actor, verb, target, detail, purpose=purpose)


def _append(
    actor: Any, verb: str, target: models.Model | None, detail: dict[str, Any] | None, *, purpose: str
) -> AccessEvent:
    """The event, chained to the head (locked until the caller's transaction ends)."""
    _check_detail(detail or {})
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    institution_id = None
    if user is not None:
        membership = getattr(user, "membership", None)
        institution_id = membership.institution_id if membership is not None else None
    target_type, target_id = target_label(target)
    head, _created = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH, "length": 0}
    )
    event = AccessEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_institution_id=institution_id,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        purpose=purpose,
        detail=json.loads(json.dumps(detail or {})),
        previous_hash=head.last_hash,
    )
    event.hash = _event_hash(head.last_hash, _hashed_fields(event))
    event.save()
    head.last_hash = event.hash
    head.length += 1
    head.save(update_fields=["last_hash", "length"])
    return event


@transaction.atomic
def check_chain(*, actor: Any) -> tuple[bool, str]:
    """The auditor's check: verify, and record that it was done."""
    intact, explanation = verify_chain()
    record(actor, "audit.verify", None, {"intact": intact})
    return intact, explanation


def verify_chain() -> tuple[bool, str]:
    """Recompute every link up to the head as it is now. Returns (intact, explanation).

    The head is read first: events written while the check runs come after it and are left for the next
    check (ids are allocated while the head is locked, so the first `length` events are the chain)."""
    head = ChainHead.objects.filter(pk=1).first()
    expected = head.length if head else 0
    previous = GENESIS_HASH
    count = 0
    for event in AccessEvent.objects.order_by("id")[:expected].iterator(chunk_size=2000):
        if event.previous_hash != previous:
            return False, f"event {event.pk}: link to the previous event is broken (an event was removed)"
        if _event_hash(previous, _hashed_fields(event)) != event.hash:
            return False, f"event {event.pk}: contents were changed after it was written"
        previous = event.hash
        count += 1
    if count != expected or (head is not None and head.last_hash != previous):
        return (
            False,
            f"the chain holds {count} events but {expected} were written (events were cut off the end)",
        )
    return True, f"{count} events, chain intact"


def record_view(
    actor: Any, verb: str, target: models.Model | None, *, purpose: str, detail: dict[str, Any] | None = None
) -> None:
    """Audit a view of personal data. A read has no write transaction around it: the event is a transaction of
    its own, with no savepoint (two round trips to the database fewer on every page that shows a case); inside a
    caller's transaction, the same block is a savepoint, as in `record`."""
    with transaction.atomic():
        _append(actor, verb, target, detail, purpose=purpose)
