"""Institution writes. Each is audited in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from jss.audit.services import record
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation, Region


@dataclass(frozen=True)
class InstitutionData:
    key: str
    name_ko: str
    name_en: str
    category: str
    region: Region
    station: PoliceStation | None
    email: str
    status: str
    member_since: date | None
    hosts_secretariat: bool
    is_sample: bool


@transaction.atomic
def upsert_institution(data: InstitutionData, *, actor: Any) -> tuple[Institution, bool]:
    """Create the institution with this key, or bring it up to date. Returns (institution, changed)."""
    values = {name: getattr(data, name) for name in data.__dataclass_fields__ if name != "key"}
    institution = Institution.objects.filter(key=data.key).first()
    if institution is None:
        institution = Institution.objects.create(key=data.key, **values)
        record(actor, "institution.create", institution, {"category": data.category, "status": data.status})
        return institution, True
    changed = [name for name, value in values.items() if getattr(institution, name) != value]
    if not changed:
        return institution, False
    for name in changed:
        setattr(institution, name, values[name])
    institution.save()
    record(actor, "institution.update", institution, {"fields": sorted(changed)})
    return institution, True
