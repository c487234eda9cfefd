"""Keeping computed reports (jss.reports.models.Snapshot): read the last computation of a period and scope,
or compute and keep it. The pickle is signed (HMAC with a key derived from JSS_SECRET_KEY) and read back
only when the signature matches, so a row written by anyone but JSS is never unpickled."""

from __future__ import annotations

import datetime
import pickle
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from jss.audit.services import record
from jss.reports.metrics import Report, compute_report
from jss.reports.models import Snapshot
from jss.reports.periods import Period
from jss.reports.scopes import Scope

SALT = "jss.reports.snapshot"


def _sign(payload: bytes) -> str:
    return salted_hmac(SALT, payload, algorithm="sha256").hexdigest()


def scope_key(scope: Scope) -> str:
    if scope.station is not None:
        return f"station:{scope.station.pk}"
    if scope.institution is not None:
        return f"institution:{scope.institution.pk}"
    return "province"


def _lookup(period: Period, scope: Scope) -> dict[str, Any]:
    return {"scope_key": scope_key(scope), "start": period.start, "end": period.end}


def kept(period: Period, scope: Scope) -> tuple[Report, Snapshot] | None:
    """The last computation of the report for `period` and `scope`, if there is one that reads back."""
    snapshot = Snapshot.objects.filter(**_lookup(period, scope)).first()
    if snapshot is None:
        return None
    payload = bytes(snapshot.payload)
    if not constant_time_compare(_sign(payload), snapshot.signature):
        return None
    try:
        report = pickle.loads(payload)  # noqa: S301 (signed by JSS above)
    except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
        return None  # written by an older version of the code: compute again
    return (report, snapshot) if isinstance(report, Report) else None


@transaction.atomic
def compute_and_keep(
    period: Period, scope: Scope, *, actor: Any = None, now: datetime.datetime | None = None
) -> tuple[Report, Snapshot]:
    """Compute the report now and keep it in place of the last computation."""
    began = time.perf_counter()
    report = compute_report(period, scope=scope, now=now)
    seconds = time.perf_counter() - began
    payload = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    snapshot, _created = Snapshot.objects.update_or_create(
        **_lookup(period, scope),
        defaults={"station": scope.station, "institution": scope.institution, "computed_at": report.computed_at,
                  "computed_by": actor, "seconds": seconds, "payload": payload, "signature": _sign(payload)},
    )  # fmt: skip
    detail = {"start": period.start.isoformat(), "end": period.end.isoformat(), "scope": scope.kind,
              "milliseconds": round(seconds * 1000)}  # fmt: skip
    record(actor, "reports.compute", snapshot, detail)
    return report, snapshot


def report_for(
    period: Period, scope: Scope, *, actor: Any = None, max_age: datetime.timedelta | None = None
) -> tuple[Report, Snapshot]:
    """The kept report, or a new computation when there is none (or it is older than `max_age`)."""
    found = kept(period, scope)
    if found is not None and (max_age is None or found[1].computed_at >= timezone.now() - max_age):
        return found
    return compute_and_keep(period, scope, actor=actor)
