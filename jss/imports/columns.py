"""The columns of the incident import template: Korean header, English alias, other accepted spellings.

docs/import-template.md documents every column (a test checks that it does). Headers are matched after
`header_key`: case, spaces, underscores, hyphens, dots and brackets do not matter, so "가해자(행위자) 이름",
"가해자 이름", "Suspect Name" and "suspect_name" are all recognised.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str  # also the English alias
    header: str  # the Korean header of the template
    aliases: tuple[str, ...]
    required: bool
    personal: bool  # the value is never repeated in a message
    example: str
    help: Promise


EXAMPLE_MARK = "예시"  # the template's example row has this as its 신고번호
YES_NO_HELP = _("Y or N (also 예/아니오, O/X, 1/0, true/false); empty means no.")


def _column(
    key: str,
    header: str,
    help_text: Promise,
    *,
    aliases: tuple[str, ...] = (),
    required: bool = False,
    personal: bool = False,
    example: str = "",
) -> Column:
    return Column(key, header, aliases, required, personal, example, help_text)


COLUMNS: tuple[Column, ...] = (
    _column(
        "source_reference",
        "신고번호",
        _("The 112 or case number at the source; unique per source. Rows already imported are left as they are."),
        aliases=("접수번호", "사건번호", "112신고번호", "reference"),
        required=True,
        example=EXAMPLE_MARK,
    ),
    _column(
        "reported_at",
        "접수일시",
        _("When the report was received: 2026.03.05 14:22, 2026-03-05 오후 2:22, 2026년 3월 5일 …"),
        aliases=("신고일시", "접수일자", "신고일자", "접수일", "신고일", "reported"),
        required=True,
        example="2026.03.05 14:22",
    ),
    _column(
        "occurred_at",
        "발생일시",
        _("When it happened; empty means at the time of the report."),
        aliases=("발생일자", "발생일", "occurred"),
        example="2026.03.05 13:50",
    ),
    _column(
        "domain",
        "유형",
        _("가정폭력, 아동학대, 노인학대, 장애인학대, 학교폭력, 성폭력, 스토킹 or 교제폭력."),
        aliases=("사건유형", "폭력유형", "범죄유형", "kind"),
        required=True,
        example="가정폭력",
    ),
    _column(
        "source",
        "신고경로",
        _(
            "112, 1366, 아동보호전문기관, 노인보호전문기관, 장애인권익옹호기관, 학교, 병원, 상담소, 본인신고 "
            "or 기타; empty means the source chosen when uploading."
        ),
        aliases=("접수경로", "경로"),
        example="112",
    ),
    _column(
        "region",
        "읍면동",
        _("The eup, myeon or dong where it happened (노형동, 제주시 노형동) or its 10-digit administrative code."),
        aliases=("행정동", "발생지", "지역"),
        example="노형동",
    ),
    _column(
        "victim_name",
        "피해자 이름",
        _("Surname and given name, e.g. 홍길순 or 남궁 민."),
        aliases=("피해자명", "피해자 성명", "피해자"),
        required=True,
        personal=True,
        example="홍길순",
    ),
    _column(
        "victim_birth",
        "피해자 생년월일",
        _(
            "A birth date, a birth year (1990), six digits (900101), or a resident or alien registration "
            "number, from which the birth date and sex are taken; the number is stored encrypted."
        ),
        aliases=("피해자 주민등록번호", "피해자 생일"),
        personal=True,
        example="1990.01.01",
    ),
    _column("victim_sex", "피해자 성별", _("남 or 여 (M or F)."), personal=True, example="여"),
    _column(
        "victim_phone",
        "피해자 전화",
        _("Any common format: 010-1234-5678, 01012345678, +82 10 1234 5678, 064-123-4567."),
        aliases=("피해자 전화번호", "피해자 연락처", "피해자 휴대전화"),
        personal=True,
        example="010-0000-0000",
    ),
    _column(
        "suspect_name",
        "가해자 이름",
        _("The suspect (행위자); 불상 or 미상 when not known."),
        aliases=(
            "가해자(행위자) 이름",
            "행위자 이름",
            "가해자명",
            "행위자명",
            "가해자 성명",
            "행위자 성명",
            "가해자",
            "행위자",
        ),
        personal=True,
        example="김철수",
    ),
    _column(
        "suspect_birth",
        "가해자 생년월일",
        _("As for the victim."),
        aliases=("가해자(행위자) 생년월일", "행위자 생년월일", "가해자 주민등록번호", "행위자 주민등록번호"),
        personal=True,
        example="1988",
    ),
    _column(
        "suspect_sex",
        "가해자 성별",
        _("As for the victim."),
        aliases=("가해자(행위자) 성별", "행위자 성별"),
        personal=True,
        example="남",
    ),
    _column(
        "suspect_phone",
        "가해자 전화",
        _("As for the victim."),
        aliases=(
            "가해자(행위자) 전화",
            "행위자 전화",
            "가해자 전화번호",
            "행위자 전화번호",
            "가해자 연락처",
            "행위자 연락처",
        ),
        personal=True,
    ),
    _column(
        "relationship",
        "관계",
        _(
            "What the suspect is to the victim: 배우자, 전 배우자, 연인, 부모, 자녀, 형제자매, 보호자(돌봄), "
            "시설 종사자, 친구/동급생, 친척, 지인, 모르는 사람."
        ),
        aliases=("피해자와의 관계", "가해자와의 관계"),
        example="배우자",
    ),
    _column("injury", "부상", YES_NO_HELP, example="Y"),
    _column("weapon", "흉기", YES_NO_HELP, aliases=("위험한 물건",), example="N"),
    _column("strangulation", "목조름", YES_NO_HELP, example="N"),
    _column("threat_to_kill", "살해위협", YES_NO_HELP, aliases=("살해 협박",), example="N"),
    _column("sexual_violence", "성폭력", YES_NO_HELP, aliases=("성폭력 여부",), example="N"),
    _column("pregnancy", "임신", YES_NO_HELP, aliases=("피해자 임신",), example="N"),
    _column("alcohol", "음주", YES_NO_HELP, aliases=("가해자 음주", "행위자 음주"), example="Y"),
    _column("children_present", "아동동석", YES_NO_HELP, aliases=("자녀 동석", "아동 목격"), example="N"),
    _column(
        "police_measures",
        "조치",
        _("Comma-separated: 현장종결, 응급조치, 긴급임시조치, 임시조치, 피해자보호명령, 체포, 입건, 기관연계."),
        aliases=("경찰조치", "조치사항", "measures"),
        example="응급조치, 입건",
    ),
    _column(
        "narrative",
        "내용",
        _("What happened, in a few sentences; stored encrypted."),
        aliases=("사건내용", "사건 개요", "개요"),
        personal=True,
        example="(예시) 말다툼 끝에 밀쳐 넘어짐",
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}


def header_key(text: object) -> str:
    """ "가해자(행위자) 이름" → "가해자행위자이름", "Victim_Name" → "victimname"."""
    normalized = unicodedata.normalize("NFKC", str(text or "")).lower()
    return "".join(ch for ch in normalized if not ch.isspace() and ch not in "_-.()[]*:")


HEADERS: dict[str, Column] = {
    header_key(spelling): column
    for column in COLUMNS
    for spelling in (column.header, column.key, column.key.replace("_", " "), *column.aliases)
}

# A header that names a person but no role we know ("이름", "성명", "신고자 이름"): its names would belong to
# nobody. Every row with a value in such a column is refused.
NAME_WORDS = ("이름", "성명", "name")
