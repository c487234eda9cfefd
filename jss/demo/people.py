"""Synthetic Korean people and how each institution writes them down, with the truth kept.

Used by the demo (`jss/demo/incidents.py`: three years of incidents with the persons each institution
recorded) and by the linkage benchmark (`bench/synthetic_people.py` turns it into a table of records):

    generator = Generator(seed)
    family = generator.household()                       # Person entities, each with an entity_id
    row = generator.record(family[0], moved_to=None)     # one institution's record of the first one

A record has the truth, `entity_id` (the person), `household_id` and `twin_of` (the twin's entity_id);
`source` (an institution kind, for the benchmark); and the fields of a Person record: `family_name`,
`given_name`, `birth_date`, `birth_year`, `sex`, `phone`, `region_code` (행정동 code), `address_detail`.

People live in households on Jeju: a family shares an address, the children the father's surname and
often a parent's phone; some families have twins (same surname, birth date, address and phone, another
given name: they must not be linked). Most people appear once, a few many times (a heavy tail up to 25),
and each appearance varies the way records from the police, 1366, a school, a hospital or a protection
agency vary (rates in RATES):

- surname spelling and romanisation (이/리/Lee/LEE, 유/류, 고/Ko), now and then a one-jamo typo;
- given name with a one-jamo typo (민준 → 민중), a space inside (민 준), the whole name in one field, or
  a former given name (개명) in some records of 1% of people;
- birth date missing, only the year, day and month swapped, or one digit mistyped;
- phone missing, the person's other number, a guardian's number for a child, in any format;
- address moved, written in another format (101동 1203호 / 101-1203, with or without the city and
  eup/myeon in front, the complex name in brackets), in the old lot-number form (연동 273-5), with the
  unit missing or mistyped, or missing altogether;
- sex unknown, rarely wrong.

Given names come from the popular names of each birth decade plus a long tail of syllable combinations,
so common names such as 김민준 born in the same year occur many times: those are different people.

Surname shares are rough figures for Jeju from general knowledge, not an official table: 김 is the largest;
고, 강, 양, 부, 현, 문, 좌 are far more common on the island than on the mainland.

Phone numbers are 010-0NNN-NNNN: the middle block of a Korean mobile number never starts with 0, so no
real subscriber has one. Addresses use the real eup/myeon/dong (data/regions/jeju.yaml, weighted by
population) with invented roads, buildings and units.

Deterministic: the same seed and the same calls give the same people and records on any machine.
`record(..., rates=...)` takes another institution's rates (the demo's profiles); the default RATES
keep the benchmark's records exactly as they were.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REGIONS_FILE = ROOT / "data" / "regions" / "jeju.yaml"

# (surname, share in percent). Rough Jeju shares; the remainder is spread over the rest of the list.
SURNAMES: list[tuple[str, float]] = [
    ("김", 20.0), ("이", 8.5), ("고", 8.0), ("강", 6.5), ("박", 5.5), ("양", 4.5), ("현", 3.2), ("문", 3.0),
    ("오", 3.0), ("정", 3.0), ("부", 2.3), ("홍", 2.0), ("한", 1.8), ("송", 1.6), ("최", 1.6), ("조", 1.3),
    ("윤", 1.3), ("장", 1.3), ("변", 1.0), ("좌", 0.9), ("임", 1.0), ("신", 1.0), ("안", 0.9), ("허", 0.9),
    ("유", 0.9), ("진", 0.7), ("황", 0.7), ("서", 0.7), ("전", 0.7), ("백", 0.6), ("권", 0.5), ("노", 0.5),
    ("나", 0.4), ("남", 0.4), ("하", 0.4), ("채", 0.3), ("위", 0.3), ("우", 0.3), ("원", 0.3), ("방", 0.3),
    ("천", 0.2), ("배", 0.3), ("성", 0.3), ("곽", 0.2), ("차", 0.2), ("주", 0.3), ("석", 0.2), ("엄", 0.2),
    ("남궁", 0.05), ("제갈", 0.03), ("황보", 0.03), ("선우", 0.03),
]  # fmt: skip

# How institutions write some surnames; the first spelling is the standard one.
SURNAME_SPELLINGS: dict[str, list[tuple[str, float]]] = {
    "이": [("리", 0.05), ("Lee", 0.03), ("LEE", 0.01), ("Yi", 0.005), ("Rhee", 0.003)],
    "임": [("림", 0.04), ("Lim", 0.02)],
    "유": [("류", 0.05), ("Yoo", 0.02)],
    "노": [("로", 0.03), ("Roh", 0.02)],
    "나": [("라", 0.03), ("Na", 0.01)],
    "양": [("량", 0.02), ("Yang", 0.02)],
    "김": [("Kim", 0.02), ("KIM", 0.01)],
    "박": [("Park", 0.02), ("PARK", 0.005)],
    "고": [("Ko", 0.02), ("Koh", 0.01)],
    "강": [("Kang", 0.02)],
    "최": [("Choi", 0.02)],
    "정": [("Jung", 0.015), ("Jeong", 0.01)],
    "현": [("Hyun", 0.015)],
    "부": [("Boo", 0.01)],
    "문": [("Moon", 0.015)],
    "오": [("Oh", 0.015)],
}


def _words(text: str) -> list[str]:
    return text.split()


# Popular given names by birth decade and sex, most popular first (general knowledge of the yearly
# name rankings). Within a list the weights fall like 1/rank.
POPULAR_NAMES: dict[int, dict[str, list[str]]] = {
    1930: {
        "M": _words("영수 영호 영철 정호 영식 종수 광수 상철 정수 영길 재호 병철 순길 만수 용수"),
        "F": _words("순자 영자 정자 옥순 춘자 말순 순이 정숙 영숙 옥자 복순 순희 영순 분순 명자"),
    },
    1950: {
        "M": _words("영수 영호 영철 성수 정호 영식 상철 영진 종수 정수 성호 광수 용수 재호 명수"),
        "F": _words("영숙 정숙 순자 영자 영희 정희 명숙 경숙 옥순 순희 미자 정순 영순 춘자 혜숙"),
    },
    1970: {
        "M": _words("정훈 성호 성훈 상훈 지훈 영진 성민 준호 정호 동욱 상현 진우 민수 재훈 현석"),
        "F": _words("미영 은정 현주 지영 은영 미경 은주 혜진 정은 수진 선영 미정 현정 지은 은희"),
    },
    1990: {
        "M": _words("지훈 동현 현우 민수 성민 준호 민석 준영 승현 현준 지환 민호 상민 승민 준혁"),
        "F": _words("지혜 수진 민지 지은 은지 혜진 지현 유진 수연 예진 민정 소연 다은 지원 하나"),
    },
    2005: {
        "M": _words("민준 현우 지훈 동현 준서 민재 성민 현준 승민 준혁 지호 민성 우진 건우 도현"),
        "F": _words("서연 민서 수빈 유진 지민 서현 지원 예은 민지 수민 채원 지은 하은 윤서 다은"),
    },
    2015: {
        "M": _words("민준 서준 도윤 예준 시우 하준 주원 지호 지후 준우 준서 건우 도현 현우 지훈"),
        "F": _words("서연 서윤 지우 서현 하은 하윤 민서 지유 윤서 채원 수아 지아 지민 서아 다은"),
    },
}
# Syllables for the long tail of given names: (first syllable, second syllable) choices by sex.
TAIL_SYLLABLES = {
    "M": (
        _words("민 서 도 예 시 하 주 지 준 건 현 우 승 성 동 재 상 정 영 진 태 유 은 윤 종 한 희 경 기 병")
        + _words("용 호 석 철 광 명 세 인 형 규"),
        _words("준 우 윤 호 훈 민 서 현 진 수 혁 빈 원 석 철 식 규 영 환 재 성 범 기 섭 완 탁 찬 웅 근 열"),
    ),
    "F": (
        _words("서 민 지 하 수 예 유 채 다 윤 은 소 혜 미 정 영 현 선 경 순 보 나 가 아 연 희 주 세 효 인"),
        _words("연 윤 우 은 현 원 아 린 서 진 빈 영 희 숙 정 미 경 주 나 지 혜 안 화 란 옥 선 실 향 솔 비"),
    ),
}
POPULAR_SHARE = 0.45  # the rest of the names come from the tail

INSTITUTIONS = [
    "police", "police", "police", "1366", "child_protection", "elder_protection", "disability_advocacy",
    "school", "hospital", "sunflower_centre", "counselling_centre", "community_centre",
]  # fmt: skip

VILLAGE_STEMS = _words("하귀 신엄 고내 곽지 납읍 상가 김녕 월정 함덕 신촌 위미 신흥 수망 온평")  # for 리 names
APARTMENT_BRANDS = _words("한라 삼화 e편한세상 부영 현대 대림 아라 노형 중흥 일도 롯데캐슬")
ROAD_SUFFIXES = ["로", "중앙로", "서로", "동로", "남로", "북로", "해안로", "1길", "2길", "3길", "5길", "7길"]

# Per-record variation rates (one institution's record of one person).
RATES = {
    "surname_typo": 0.005,
    "given_typo": 0.035,
    "given_space": 0.03,
    "birth_missing": 0.05,
    "birth_year_only": 0.06,
    "birth_swap": 0.02,
    "birth_digit": 0.03,
    "phone_missing": 0.18,
    "phone_other": 0.10,
    "moved": 0.12,
    "address_missing": 0.06,
    "region_missing": 0.03,
    "unit_missing": 0.10,
    "unit_typo": 0.03,
    "building_typo": 0.01,
    "sex_unknown": 0.02,
    "sex_wrong": 0.003,
    "address_lot_form": 0.06,
    "full_name_in_one_field": 0.01,
    "renamed": 0.01,  # of people: a changed given name (개명); the old one still in some records
}

# Hangul syllable arithmetic, for one-jamo typos.
_BASE, _INITIALS, _VOWELS, _FINALS = 0xAC00, 19, 21, 28
# Typos that keyboards and ears make: similar vowels, similar finals.
_VOWEL_TYPOS = {0: [4, 1], 1: [5, 0], 4: [0, 5], 5: [1, 4], 8: [13, 4], 13: [8, 18], 18: [13, 20], 20: [18, 2],
                2: [6], 6: [2, 4], 17: [12], 12: [17, 13]}  # fmt: skip
_FINAL_TYPOS = {4: [21, 16], 21: [4, 16], 16: [4, 21], 8: [4], 1: [21, 4], 0: [4, 21]}


@dataclass
class Address:
    region_code: str
    road: str
    building: str
    complex_name: str  # apartment complex, "" for houses and villas
    block: int  # 동 (apartment building), 0 when none
    unit: int  # 호, 0 when none
    lot: str  # the old lot-number (지번) form of the same place: "연동 273-5", "애월읍 하귀리 1234"


@dataclass
class Person:
    entity_id: int
    surname: str
    given_name: str
    sex: str
    birth_date: datetime.date
    phone: str  # "" when the person has no phone of their own
    guardian_phone: str  # a parent's phone for children, else ""
    address: Address
    household_id: int
    twin_of: int | None = None  # the twin's entity_id
    former_given_name: str = ""  # before a change of name (개명)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
        regions = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))["regions"]
        units = [r for r in regions if r["level"] in ("eup", "myeon", "dong")]
        self.region_codes = [r["code"] for r in units]
        self.region_names = {r["code"]: r["name_ko"] for r in units}
        self.region_weights = [r["population"] for r in units]
        self.roads = {r["code"]: self._roads_for(r["name_ko"]) for r in units}
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_weights = [w for _, w in SURNAMES]
        self.popular = {
            decade: {sex: (names, [1 / (rank + 1) for rank in range(len(names))]) for sex, names in by_sex.items()}
            for decade, by_sex in POPULAR_NAMES.items()
        }
        self.used_phones: set[str] = set()
        self.other_phones: dict[int, str] = {}  # a person's older or newer number
        self.next_entity = 0
        self.next_household = 0

    # --- people and households ------------------------------------------------------------------

    def _roads_for(self, region_name: str) -> list[str]:
        stem = region_name.rstrip("읍면동").rstrip("0123456789")
        roads = [f"{stem}{suffix}" for suffix in ROAD_SUFFIXES]
        roads += [f"{stem}로{n}길" for n in (1, 2, 4, 6, 8, 11, 13, 17)]
        return roads

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0]

    def given_name(self, sex: str, year: int) -> str:
        rng = self.rng
        if rng.random() < POPULAR_SHARE:
            decade = max(d for d in self.popular if d <= max(year, 1930))
            names, weights = self.popular[decade][sex]
            return rng.choices(names, weights)[0]
        first, second = TAIL_SYLLABLES[sex]
        while True:
            name = rng.choice(first) + rng.choice(second)
            if name[0] != name[1]:
                return name

    def birth_date(self, *, low: int, high: int) -> datetime.date:
        year = self.rng.randint(low, high)
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))

    def adult_birth_date(self) -> datetime.date:
        # Victims and suspects of domestic violence and elder abuse: adults of all ages, some elderly.
        if self.rng.random() < 0.2:
            return self.birth_date(low=1932, high=1958)
        return self.birth_date(low=1959, high=2003)

    def phone(self) -> str:
        while True:
            number = f"0100{self.rng.randrange(10_000_000):07d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def address(self, region_code: str | None = None) -> Address:
        rng = self.rng
        region = region_code or rng.choices(self.region_codes, self.region_weights)[0]
        road = rng.choice(self.roads[region])
        building = str(rng.randint(1, 320))
        if rng.random() < 0.05:
            building += f"-{rng.randint(1, 12)}"
        place = self.region_names[region]
        if not place.endswith("동"):
            place += f" {rng.choice(VILLAGE_STEMS)}리"
        lot = f"{place} {rng.randint(1, 2999)}" + (f"-{rng.randint(1, 30)}" if rng.random() < 0.5 else "")
        kind = rng.random()
        if kind < 0.45:  # apartment complex: 101동 1203호
            complex_name = rng.choice(APARTMENT_BRANDS) + ("아파트" if rng.random() < 0.6 else "")
            return Address(region, road, building, complex_name, rng.randint(101, 115), self._unit(20), lot)
        if kind < 0.75:  # villa: 302호
            return Address(region, road, building, "", 0, self._unit(5), lot)
        return Address(region, road, building, "", 0, 0, lot)  # house

    def _unit(self, floors: int) -> int:
        return self.rng.randint(1, floors) * 100 + self.rng.randint(1, 6)

    def person(self, *, surname: str, sex: str, birth: datetime.date, address: Address, phone: str = "",
               guardian_phone: str = "", given_name: str | None = None) -> Person:  # fmt: skip
        self.next_entity += 1
        given = given_name or self.given_name(sex, birth.year)
        former = ""
        if self.rng.random() < RATES["renamed"]:
            while former in ("", given):
                former = self.given_name(sex, birth.year)
        return Person(
            entity_id=self.next_entity,
            surname=surname,
            given_name=given,
            sex=sex,
            birth_date=birth,
            phone=phone,
            guardian_phone=guardian_phone,
            address=address,
            household_id=self.next_household,
            former_given_name=former,
        )

    def household(self) -> list[Person]:
        """One household: a person living alone or a family (adults, children, sometimes twins)."""
        rng = self.rng
        self.next_household += 1
        address = self.address()
        sex = rng.choice("MF")
        first = self.person(
            surname=self.surname(), sex=sex, birth=self.adult_birth_date(), address=address, phone=self.phone()
        )
        if rng.random() < 0.5:
            return [first]
        people = [first]
        if rng.random() < 0.75:  # a partner, born within a few years
            partner_birth = first.birth_date + datetime.timedelta(days=rng.randint(-6 * 365, 6 * 365))
            people.append(
                self.person(
                    surname=self.surname(),
                    sex="F" if sex == "M" else "M",
                    birth=partner_birth,
                    address=address,
                    phone=self.phone(),
                )
            )
        father = next((p for p in people if p.sex == "M"), first)
        children = rng.choices([0, 1, 2, 3], [0.25, 0.35, 0.3, 0.1])[0]
        parent_year = min(p.birth_date.year for p in people)
        for _ in range(children):
            low, high = min(parent_year + 20, 2023), min(parent_year + 42, 2023)
            birth = self.birth_date(low=low, high=max(low, high))
            siblings = self.children(father.surname, birth, address, first.phone, twins=rng.random() < 0.06)
            # Korean families do not give a child the name of a parent or of an older sibling.
            for child in siblings:
                while child.given_name in {p.given_name for p in people}:
                    child.given_name = self.given_name(child.sex, birth.year)
            people.extend(siblings)
        return people

    def children(self, surname: str, birth: datetime.date, address: Address, guardian_phone: str, *,
                 twins: bool) -> list[Person]:  # fmt: skip
        rng = self.rng
        age = 2024 - birth.year
        sex = rng.choice("MF")
        phone = self.phone() if age >= 12 and rng.random() < 0.8 else ""
        child = self.person(
            surname=surname, sex=sex, birth=birth, address=address, phone=phone, guardian_phone=guardian_phone
        )
        if not twins:
            return [child]
        twin_sex = sex if rng.random() < 0.6 else ("F" if sex == "M" else "M")
        while True:
            twin_name = self.given_name(twin_sex, birth.year)
            if rng.random() < 0.5 and twin_sex == sex:  # twins often share a syllable: 민준 and 민서
                twin_name = child.given_name[0] + twin_name[1]
            if twin_name != child.given_name:
                break
        twin_phone = self.phone() if phone else ""
        twin = self.person(surname=surname, sex=twin_sex, birth=birth, address=address, phone=twin_phone,
                           guardian_phone=guardian_phone, given_name=twin_name)  # fmt: skip
        child.twin_of, twin.twin_of = twin.entity_id, child.entity_id
        return [child, twin]

    def appearances(self) -> int:
        """How many records one person has: most one, a heavy tail up to 25."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.62:
            return 1
        if draw < 0.80:
            return 2
        if draw < 0.88:
            return 3
        if draw < 0.925:
            return 4
        if draw < 0.95:
            return 5
        if draw < 0.99:
            return rng.randint(6, 10)
        return rng.randint(11, 25)

    # --- one institution's record of a person ------------------------------------------------------

    def record(self, person: Person, *, moved_to: Address | None, rates: Mapping[str, float] = RATES) -> dict[str, Any]:
        """One institution's record of `person` (the columns of SCHEMA but `record_id`), varied at `rates`."""
        rng = self.rng
        birth_date: datetime.date | None = person.birth_date
        birth_year: int | None = person.birth_date.year
        draw = rng.random()
        if draw < rates["birth_missing"]:
            birth_date, birth_year = None, None
        elif draw < rates["birth_missing"] + rates["birth_year_only"]:
            birth_date = None
        elif draw < rates["birth_missing"] + rates["birth_year_only"] + rates["birth_swap"]:
            birth_date = _swap_day_month(person.birth_date) or person.birth_date
        elif draw < rates["birth_missing"] + rates["birth_year_only"] + rates["birth_swap"] + rates["birth_digit"]:
            birth_date = self._date_typo(person.birth_date)
            birth_year = birth_date.year
        given_name = person.given_name
        if person.former_given_name and rng.random() < 0.4:
            given_name = person.former_given_name
        family_name, given_name = (
            self._surname_as_written(person.surname, rates),
            self._given_name_as_written(given_name, rates),
        )
        if rng.random() < rates["full_name_in_one_field"] and "가" <= family_name[0] <= "힣":
            family_name, given_name = "", family_name + given_name.replace(" ", "")
        return {
            "entity_id": person.entity_id,
            "household_id": person.household_id,
            "twin_of": person.twin_of,
            "source": rng.choice(INSTITUTIONS),
            "family_name": family_name,
            "given_name": given_name,
            "birth_date": birth_date,
            "birth_year": birth_year,
            "sex": self._sex_as_written(person.sex, rates),
            "phone": self._phone_as_written(person, rates),
            **self._address_as_written(moved_to or person.address, rates),
        }

    def _sex_as_written(self, sex: str, rates: Mapping[str, float]) -> str:
        draw = self.rng.random()
        if draw < rates["sex_unknown"]:
            return "U"
        if draw < rates["sex_unknown"] + rates["sex_wrong"]:
            return "F" if sex == "M" else "M"
        return sex

    def _surname_as_written(self, surname: str, rates: Mapping[str, float]) -> str:
        rng = self.rng
        draw = rng.random()
        for spelling, share in SURNAME_SPELLINGS.get(surname, []):
            if draw < share:
                return spelling
            draw -= share
        if rng.random() < rates["surname_typo"] and len(surname) == 1:
            return _jamo_typo(surname, rng)
        return surname

    def _given_name_as_written(self, name: str, rates: Mapping[str, float]) -> str:
        rng = self.rng
        if rng.random() < rates["given_typo"]:
            name = _jamo_typo(name, rng)
        if rng.random() < rates["given_space"] and len(name) == 2:
            name = f"{name[0]} {name[1]}"
        return name

    def _phone_as_written(self, person: Person, rates: Mapping[str, float]) -> str:
        rng = self.rng
        number = person.phone or person.guardian_phone
        if person.guardian_phone and person.phone and rng.random() < 0.3:
            number = person.guardian_phone  # the school calls the parent
        draw = rng.random()
        if not number or draw < rates["phone_missing"]:
            return ""
        if draw < rates["phone_missing"] + rates["phone_other"]:
            number = self.other_phones.get(person.entity_id) or self.other_phones.setdefault(
                person.entity_id, self.phone()
            )
        style = rng.random()
        if style < 0.6:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if style < 0.85:
            return number
        if style < 0.95:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return f"+82-10-{number[3:7]}-{number[7:]}"

    def _address_as_written(self, address: Address, rates: Mapping[str, float]) -> dict[str, str]:
        rng = self.rng
        region = "" if rng.random() < rates["region_missing"] else address.region_code
        if rng.random() < rates["address_missing"]:
            return {"region_code": region, "address_detail": ""}
        building = address.building
        if rng.random() < rates["building_typo"]:
            building = _digit_typo(building, rng)
        road = f"{address.road} {building}" if rng.random() < 0.8 else f"{address.road}{building}"
        style = rng.random()
        if style < rates["address_lot_form"]:  # the old lot-number form: not comparable with the road form
            road = address.lot
        elif style < 0.2:  # with the city and eup/myeon/dong in front
            city = "제주시" if address.region_code.startswith("5011") else "서귀포시"
            road = f"{city} {self.region_names[address.region_code]} {road}"
        block, unit = address.block, address.unit
        if unit and rng.random() < rates["unit_typo"]:
            unit = int(_digit_typo(str(unit), rng))
        if unit and rng.random() < rates["unit_missing"]:
            block, unit = 0, 0
        parts = [road]
        if address.complex_name and rng.random() < 0.6:
            parts.append(f"({address.complex_name})" if rng.random() < 0.5 else address.complex_name)
        if block and unit:
            style = rng.random()
            if style < 0.6:
                parts.append(f"{block}동 {unit}호")
            elif style < 0.8:
                parts.append(f"{block}-{unit}")
            else:
                parts.append(f"{block}동{unit}호")
        elif unit:
            parts.append(f"{unit}호")
        separator = ", " if rng.random() < 0.2 else " "
        return {"region_code": region, "address_detail": separator.join(parts)}

    def _date_typo(self, date: datetime.date) -> datetime.date:
        """The same date with one digit of YYYYMMDD changed, still a valid date."""
        text = date.strftime("%Y%m%d")
        for _ in range(20):
            position = self.rng.choice([2, 3, 4, 5, 6, 7, 7, 7])  # the last digit of the day most often
            digit = str(self.rng.randrange(10))
            if digit == text[position]:
                continue
            candidate = text[:position] + digit + text[position + 1 :]
            try:
                return datetime.date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
            except ValueError:
                continue
        return date


def _swap_day_month(date: datetime.date) -> datetime.date | None:
    if date.day > 12 or date.day == date.month:
        return None
    return datetime.date(date.year, date.day, date.month)


def _jamo_typo(text: str, rng: random.Random) -> str:
    """Change one jamo (a vowel or a final consonant) of one syllable: 민준 → 민중, 김 → 검."""
    positions = [i for i, ch in enumerate(text) if "가" <= ch <= "힣"]
    if not positions:
        return text
    position = rng.choice(positions)
    code = ord(text[position]) - _BASE
    initial, vowel, final = code // (_VOWELS * _FINALS), (code // _FINALS) % _VOWELS, code % _FINALS
    if rng.random() < 0.5 and vowel in _VOWEL_TYPOS:
        vowel = rng.choice(_VOWEL_TYPOS[vowel])
    elif final in _FINAL_TYPOS:
        final = rng.choice(_FINAL_TYPOS[final])
    else:
        vowel = rng.choice(_VOWEL_TYPOS.get(vowel, [(vowel + 1) % _VOWELS]))
    syllable = chr(_BASE + (initial * _VOWELS + vowel) * _FINALS + final)
    return text[:position] + syllable + text[position + 1 :]


def _digit_typo(text: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    position = rng.choice(positions)
    digit = str((int(text[position]) + rng.choice([1, 9, 3])) % 10)
    if position == 0 and digit == "0":
        digit = "1"
    return text[:position] + digit + text[position + 1 :]
