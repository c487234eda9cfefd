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

from django.db.models import Exists, OuterRef, Q
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
    score: float  # 0–1, shown
    reasons: list[str] = field(default_factory=list)
    strength: float = 0.0  # the same, not capped at 1: ranks a twin (same date and phone) below the person


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
        return Candidate(person, 1.0, [_("same identification number")], strength=2.0)
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
    return Candidate(person, max(0.0, min(1.0, total)), reasons, strength=total)


def enough_to_search(new: Identity) -> bool:
    """Intake suggestions need a full name and a birth date or phone: a name alone, or a number alone, would
    let anyone test whether somebody is known to JSS."""
    return bool(new.family_name.strip() and new.given_name.strip() and (new.birth_date or new.year or new.phone))


def _lookups(new: Identity) -> list[Q]:
    """The look-ups, narrowest first, each its own query: a crowded block (김민준: thousands at a million
    persons) cannot push out a person with the same phone or birth date. A crowded given name is looked up
    only with the birth year."""
    keys = indexes(new)
    name, given, surname_year = keys["name_index"], keys["given_name_index"], keys["surname_year_index"]
    wanted = [
        (keys["identifier_index"], Q(identifier_index=keys["identifier_index"])),
        (keys["phone_index"], Q(phone_index=keys["phone_index"])),
        (name and surname_year, Q(name_index=name, surname_year_index=surname_year)),
        (new.birth_date, Q(birth_date=new.birth_date)),
        (given and new.year, Q(given_name_index=given, birth_date__year=new.year)),  # surname written otherwise
        (name, Q(name_index=name)),  # birth year mistyped or missing
        (surname_year, Q(surname_year_index=surname_year)),  # given name mistyped, no birth date
    ]
    return [lookup for present, lookup in wanted if present]


def find_candidates(
    new: Identity, *, threshold: float = 0.55, limit: int = 5, exclude_only_reporters: bool = False
) -> list[Candidate]:
    """People who may be the one described, best first, each with the reasons. Measured at 1,000,000
    persons: bench/match_one.py, docs/benchmarks.md."""
    from jss.incidents.models import Party  # incidents build on people: imported late

    people = Person.objects.filter(merged_into__isnull=True).select_related("region")
    if exclude_only_reporters:
        # People known only as reporters or witnesses are protected: they are never offered.
        people = people.filter(Exists(Party.objects.filter(person=OuterRef("pk"), role__in=["victim", "suspect"])))
    pool: dict[int, Person] = {}
    for lookup in _lookups(new):
        if len(pool) >= MAX_CANDIDATES:
            break
        for person in people.filter(lookup).exclude(pk__in=list(pool)).order_by("pk")[: MAX_CANDIDATES - len(pool)]:
            pool[person.pk] = person
    scored = [score(new, person) for person in pool.values()]
    return sorted((c for c in scored if c.score >= threshold), key=lambda c: (-c.strength, c.person.pk))[:limit]
