"""Finding a person again: blind indexes for look-up, and a scored comparison of the few candidates.

Blocking: a new record is compared only with people who share at least one keyed index with it — the
same full name, the same given name, the same canonical surname and birth year, the same phone, the same
identification number — or the same birth date. The candidates' names are decrypted in memory and scored
(jamo similarity of surname and given name, birth date with day/month swaps and one-digit typos, phone).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from jss.lib.fieldcrypto import blind_index
from jss.lib.hangul import canonical_surname, decompose, jamo_similarity, normalize_name
from jss.lib.phone import normalize_korean_phone
from jss.people.models import Person

MAX_CANDIDATES = 200


def phone_digits(phone: str) -> str:
    """The number's digits in the national form (+82 10… and 010… give the same)."""
    with contextlib.suppress(ValueError):
        phone = normalize_korean_phone(phone)
    return "".join(ch for ch in phone if ch.isdigit())


@dataclass(frozen=True)
class Identity:
    """What a report says about someone (plain text, in memory only)."""

    family_name: str = ""
    given_name: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    phone: str = ""
    identifier: str = ""

    @property
    def year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


def indexes(identity: Identity) -> dict[str, str]:
    surname = canonical_surname(normalize_name(identity.family_name)) if identity.family_name else ""
    given = normalize_name(identity.given_name)
    year = identity.year
    return {
        "name_index": blind_index("name", f"{surname}{given}") if surname and given else "",
        "given_name_index": blind_index("given", decompose(given)) if given else "",
        "surname_year_index": blind_index("surname-year", f"{surname}{year}") if surname and year else "",
        "phone_index": blind_index("phone", phone_digits(identity.phone))
        if len(phone_digits(identity.phone)) >= 7
        else "",
        "identifier_index": blind_index("identifier", identity.identifier.replace("-", ""))
        if identity.identifier
        else "",
    }


def identity_of(person: Person) -> Identity:
    return Identity(
        family_name=person.family_name,
        given_name=person.given_name,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        phone=person.phone,
        identifier=person.identifier,
    )


def refresh_indexes(person: Person) -> None:
    for name, value in indexes(identity_of(person)).items():
        setattr(person, name, value)


@dataclass
class Candidate:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


def _date_score(
    a: datetime.date | None, b: datetime.date | None, year_a: int | None, year_b: int | None
) -> tuple[float, str]:
    if a and b:
        if a == b:
            return 1.0, _("same birth date")
        if a.year == b.year and a.month == b.day and a.day == b.month:
            return 0.8, _("birth date with day and month swapped")
        differing = sum(x != y for x, y in zip(a.strftime("%Y%m%d"), b.strftime("%Y%m%d"), strict=True))
        if differing == 1:
            return 0.7, _("birth date one digit apart")
        return 0.0, ""
    if year_a and year_b:
        return (0.5, _("same birth year")) if year_a == year_b else (0.0, "")
    return 0.2, ""


def score(new: Identity, person: Person) -> Candidate:
    reasons: list[str] = []
    total = 0.0
    if new.identifier and person.identifier and new.identifier.replace("-", "") == person.identifier.replace("-", ""):
        return Candidate(person, 1.0, [_("same identification number")])
    surname_new = canonical_surname(normalize_name(new.family_name))
    surname_old = canonical_surname(normalize_name(person.family_name))
    if surname_new and surname_old:
        if surname_new == surname_old:
            total += 0.15
            if normalize_name(new.family_name) != normalize_name(person.family_name):
                reasons.append(
                    _("surname spelled differently (%(a)s / %(b)s)") % {"a": new.family_name, "b": person.family_name}
                )
        else:
            total -= 0.15
    given_similarity = jamo_similarity(normalize_name(new.given_name), normalize_name(person.given_name))
    total += 0.4 * given_similarity
    if given_similarity == 1:
        reasons.append(_("same name"))
    elif given_similarity >= 0.85:
        reasons.append(_("similar name (%(score)d%%)") % {"score": round(given_similarity * 100)})
    date_points, date_reason = _date_score(new.birth_date, person.birth_date, new.year, person.year_of_birth)
    total += 0.3 * date_points
    if date_reason:
        reasons.append(date_reason)
    if new.phone and person.phone and phone_digits(new.phone) == phone_digits(person.phone):
        total += 0.3
        reasons.append(_("same phone number"))
    return Candidate(person, max(0.0, min(1.0, total)), reasons)


STRONG_INDEXES = ["identifier_index", "phone_index", "name_index"]
WEAK_INDEXES = ["given_name_index", "surname_year_index"]


def enough_to_search(new: Identity) -> bool:
    """Intake suggestions need a full name and a birth date or phone: a name alone, or a number alone, would
    let anyone test whether somebody is known to JSS."""
    return bool(new.family_name.strip() and new.given_name.strip() and (new.birth_date or new.year or new.phone))


def find_candidates(
    new: Identity, *, threshold: float = 0.55, limit: int = 5, exclude_only_reporters: bool = False
) -> list[Candidate]:
    """People who may be the one described, best first, each with the reasons. Strong keys (identification
    number, phone, full name) are looked up first, so a crowded weak block (김, born 1985) cannot push the
    right person out of the pool."""
    keys = indexes(new)
    pool: dict[int, Person] = {}
    people = Person.objects.filter(merged_into__isnull=True).select_related("region")
    if exclude_only_reporters:
        # People known only as reporters or witnesses are protected: they are never offered.
        people = people.filter(parties__role__in=["victim", "suspect"]).distinct()
    for group in (STRONG_INDEXES, WEAK_INDEXES):
        lookup = Q()
        for name in group:
            if keys[name]:
                lookup |= Q(**{name: keys[name]})
        if group is WEAK_INDEXES and new.birth_date:
            lookup |= Q(birth_date=new.birth_date)
        if not lookup:
            continue
        for person in people.filter(lookup).order_by("pk")[: MAX_CANDIDATES - len(pool)]:
            pool.setdefault(person.pk, person)
        if len(pool) >= MAX_CANDIDATES:
            break
    scored = [score(new, person) for person in pool.values()]
    return sorted((c for c in scored if c.score >= threshold), key=lambda c: -c.score)[:limit]
