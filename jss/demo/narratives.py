"""Short Korean narratives for demo incidents: fictional, built from templates, never naming anyone.

A narrative is what a reporting officer or counsellor writes in two or three sentences: who to whom (by
relationship, never by name), what happened, and what was done. The parts follow the incident's kind,
relationship, severity markers, alcohol, children present and police measures, so a narrative never
contradicts the incident's fields.
"""

from __future__ import annotations

import random
from collections.abc import Collection

from jss.incidents.models import Incident

Domain = Incident.Domain
Measure = Incident.PoliceMeasure

# Who did it to whom, by relationship kind (jss.people.models.Relationship.Kind).
WHO: dict[str, str] = {
    "spouse": "배우자 간",
    "ex_spouse": "전 배우자 간",
    "dating": "교제 상대 간",
    "parent_child": "부모와 자녀 간",
    "carer_elder": "돌봄 제공자와 노인 간",
    "staff_resident": "시설 종사자와 이용자 간",
    "siblings": "형제자매 간",
    "peers": "또래 학생 간",
    "other_family": "친족 간",
    "acquaintance": "지인 간",
    "stranger": "모르는 사람에 의한",
}

WHAT: dict[str, list[str]] = {
    Domain.DOMESTIC_VIOLENCE: [
        "생활비 문제로 말다툼 중 폭언과 폭행이 있었음",
        "귀가 시간 문제로 다투던 중 밀치고 때림",
        "자녀 양육 문제로 언쟁하다 물건을 던짐",
        "휴대전화 확인 문제로 다투다 폭행으로 이어짐",
        "음주 문제로 언쟁 중 욕설과 위협이 있었음",
    ],
    Domain.CHILD_ABUSE: [
        "보호자가 훈육한다며 아동을 때림",
        "아동을 장시간 집에 혼자 두고 돌보지 않음",
        "아동에게 폭언과 위협을 반복함",
        "식사와 위생을 제대로 돌보지 않은 정황이 있음",
    ],
    Domain.ELDER_ABUSE: [
        "용돈 문제로 노인에게 폭언하고 밀침",
        "노인의 연금을 동의 없이 사용함",
        "식사와 투약을 제대로 챙기지 않음",
        "노인을 방에 두고 외출을 막음",
    ],
    Domain.DISABILITY_ABUSE: [
        "장애인 이용자를 밀치고 폭언함",
        "장애인 연금을 임의로 관리하며 사용함",
        "이용자를 장시간 방에 두고 돌보지 않음",
    ],
    Domain.SCHOOL_VIOLENCE: [
        "같은 반 학생에게 지속적으로 놀림과 따돌림을 당함",
        "하교 중 또래에게 폭행당함",
        "단체 대화방에서 욕설과 따돌림이 있었음",
        "금품을 빼앗기고 위협을 받음",
    ],
    Domain.SEXUAL_VIOLENCE: [
        "술자리 후 원치 않는 신체 접촉이 있었음",
        "귀가 중 추행을 당함",
        "성적인 행위를 강요당함",
        "동의 없이 신체를 촬영당함",
    ],
    Domain.STALKING: [
        "이별 후 반복적으로 연락하고 집 앞에서 기다림",
        "직장 앞에 찾아와 만남을 요구함",
        "수십 차례 문자와 전화를 보냄",
        "거주지 주변을 반복적으로 배회함",
    ],
    Domain.DATING_VIOLENCE: [
        "이별 문제로 다투던 중 폭행함",
        "휴대전화를 빼앗고 위협함",
        "귀가를 막고 폭언함",
        "질투를 이유로 연락을 통제하고 때림",
    ],
}

MARKER_TEXT: dict[str, str] = {
    "strangulation": "목을 조르는 행위가 있었음.",
    "weapon": "흉기를 들고 위협함.",
    "threat_to_kill": "죽이겠다는 말로 위협함.",
    "sexual_violence": "성폭력이 함께 있었음.",
    "pregnancy": "피해자는 임신 중임.",
    "injury": "피해자에게 상처가 있음.",
}
MARKER_ORDER = ("strangulation", "weapon", "threat_to_kill", "sexual_violence", "pregnancy", "injury")

MEASURE_TEXT: dict[str, str] = {
    Measure.ARREST: "현행범 체포함.",
    Measure.EMERGENCY_TEMPORARY_ORDER: "긴급임시조치 결정.",
    Measure.TEMPORARY_ORDER: "임시조치 신청.",
    Measure.PROTECTION_ORDER: "피해자보호명령 안내.",
    Measure.BOOKED: "형사 입건.",
    Measure.EMERGENCY_MEASURES: "응급조치로 분리함.",
    Measure.ON_SCENE_CLOSURE: "현장에서 종결함.",
    Measure.REFERRED: "지원기관 연계 안내.",
}

BY_SOURCE: dict[str, str] = {
    Incident.Source.HOTLINE_1366: "1366 전화 상담 중 접수됨.",
    Incident.Source.CHILD_PROTECTION: "아동보호전문기관에 신고 접수됨.",
    Incident.Source.ELDER_PROTECTION: "노인보호전문기관에 신고 접수됨.",
    Incident.Source.DISABILITY_PROTECTION: "장애인권익옹호기관에 신고 접수됨.",
    Incident.Source.SCHOOL: "학교 상담 중 확인되어 신고함.",
    Incident.Source.HOSPITAL: "진료 중 의심 정황을 발견해 신고함.",
    Incident.Source.COUNSELLING: "상담소 방문 상담 중 확인됨.",
}


def narrative(
    rng: random.Random,
    *,
    domain: str,
    relationship: str,
    source: str,
    markers: Collection[str],
    alcohol: bool,
    children_present: bool,
    police_measures: Collection[str],
) -> str:
    """Two to four short sentences in Korean, consistent with the incident's fields."""
    parts = [f"{WHO.get(relationship, '')} {rng.choice(WHAT[domain])}.".strip()]
    parts += [MARKER_TEXT[name] for name in MARKER_ORDER if name in markers][:2]
    if alcohol:
        parts.append("행위자는 술에 취한 상태였음.")
    if children_present:
        parts.append("자녀가 현장에 있었음.")
    if source in BY_SOURCE:
        parts.append(BY_SOURCE[source])
    parts += [text for measure, text in MEASURE_TEXT.items() if measure in police_measures][:2]
    return " ".join(parts)
