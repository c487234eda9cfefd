"""Finding the same person again at intake and in imports, in crowded blocks and among twins."""

from __future__ import annotations

import datetime

from jss.imports.services import PersonMatcher
from jss.incidents.services import PartyData, create_person
from jss.people.matching import Identity, find_candidates
from jss.people.models import Person


def person(institution, family: str, given: str, born: datetime.date | None, phone: str = "", year: int | None = None):
    identity = Identity(family_name=family, given_name=given, birth_date=born, birth_year=year, phone=phone)
    return create_person(PartyData(role="victim", identity=identity), institution=institution)


def test_a_crowded_name_does_not_push_out_the_person_with_the_same_phone(dongbu_station):
    for _n in range(230):  # 김민준 born 1990, many of them, all recorded before the one we look for
        person(dongbu_station, "김", "민준", None, year=1990)
    wanted = person(dongbu_station, "김", "민준", datetime.date(1990, 6, 1), phone="010-0555-7777")
    found = find_candidates(Identity(family_name="김", given_name="민준", birth_year=1990, phone="01005557777"))
    assert found[0].person == wanted
    assert "같은 전화번호" in found[0].reasons or "same phone number" in found[0].reasons


def test_a_twin_ranks_below_the_person_with_the_same_name(dongbu_station):
    born = datetime.date(2015, 3, 3)
    twin = person(dongbu_station, "고", "하준", born, phone="010-0555-0101")  # recorded first
    child = person(dongbu_station, "고", "민준", born, phone="010-0555-0101")
    found = find_candidates(Identity(family_name="고", given_name="민준", birth_date=born, phone="010-0555-0101"))
    assert [c.person for c in found[:2]] == [child, twin]


def test_an_import_does_not_take_a_twin_for_the_person(dongbu_station):
    born = datetime.date(2015, 3, 3)
    person(dongbu_station, "고", "민준", born, phone="010-0555-0101")
    row = Identity(family_name="고", given_name="도윤", birth_date=born, phone="010-0555-0101")
    matcher = PersonMatcher()
    matcher.load_existing([row])
    assert matcher.find(row) is None  # a new person, not the twin with the same date and phone
    typo = Identity(family_name="고", given_name="민중", birth_date=born, phone="010-0555-0101")
    matcher.load_existing([typo])
    found = matcher.find(typo)
    assert found is not None
    assert found.given_name == "민준"
    assert Person.objects.count() == 1
