"""Korean names for matching: jamo decomposition, normalisation, surname and given name, spelling variants.

Record linkage compares names letter by letter. Whole Hangul syllables are too coarse for that: "김민준"
and "김민중" differ in a whole syllable but in one letter only (ㄴ/ㅇ). `decompose` spells each syllable
out in jamo (the letters of Hangul), `jamo_similarity` scores two names on those letters,
`normalize_name` removes the spaces and punctuation that differ between institutions,
`split_korean_name` separates surname and given name, and `canonical_surname` folds spelling and
romanisation variants (이/리/Lee/Yi) into one surname.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import JaroWinkler

# Conjoining jamo, in Unicode order, written as compatibility jamo (the letters a keyboard types).
# Initial consonants U+1100…U+1112, vowels U+1161…U+1175, final consonants U+11A8…U+11C2.
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_TO_COMPATIBILITY_JAMO = (
    {0x1100 + index: letter for index, letter in enumerate(_INITIALS)}
    | {0x1161 + index: letter for index, letter in enumerate(_VOWELS)}
    | {0x11A8 + index: letter for index, letter in enumerate(_FINALS)}
)

# Written between the parts of a name, mostly in foreign names: "응우옌·티·란". All are punctuation except
# ㆍ (U+318D, a Hangul letter typed as a middle dot), but naming them keeps the rule readable.
_MIDDLE_DOTS = frozenset("·‧・･•ㆍ")

# Two-syllable surnames (복성). A four-syllable name starting with one of them is split 2+2.
TWO_SYLLABLE_SURNAMES = frozenset(
    {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절", "장곡"}
)
# Of those, the ones where a one-syllable surname followed by a given name is implausible (남 + 궁…):
# a three-syllable name starting with them is split 2+1. The others keep the 1+2 default, because
# 황보라 is usually 황 보라, 서문희 서 문희 and 선우진 may be 선 우진.
_TWO_SYLLABLE_SURNAMES_IN_THREE_SYLLABLE_NAMES = frozenset({"남궁", "제갈", "독고", "사공", "동방", "망절"})

_VARIANTS_BY_SURNAME: dict[str, tuple[str, ...]] = {
    "이": ("리", "lee", "yi", "rhee", "rhie", "ri"),
    "임": ("림", "lim", "im", "rim"),
    "유": ("류", "yoo", "yu", "ryu", "ryoo"),
    "노": ("로", "roh", "noh", "no", "ro"),
    "나": ("라", "na", "ra"),
    "양": ("량", "yang", "ryang"),
    "김": ("kim", "gim"),
    "박": ("park", "pak", "bak"),
    "최": ("choi", "choe", "chey"),
    "정": ("jung", "jeong", "chung"),
    "강": ("kang", "gang"),
    "조": ("cho", "jo"),
    "윤": ("yoon", "yun"),
    "장": ("jang", "chang"),
    "한": ("han",),
    "오": ("oh", "o"),
    "서": ("seo", "suh"),
    "신": ("shin", "sin"),
    "권": ("kwon", "gwon"),
    "황": ("hwang",),
    "안": ("ahn", "an"),
    "송": ("song",),
    "전": ("jeon", "jun", "chun"),
    "홍": ("hong",),
    # Jeju's own surnames (고 양 부 since the founding myth; 강 현 좌 문 변 are common on the island).
    "고": ("ko", "koh", "go"),
    "부": ("boo", "bu"),
    "현": ("hyun", "hyeon"),
    "좌": ("jwa",),
    "문": ("moon", "mun"),
    "변": ("byun", "byeon"),
}

# Spelling, romanisation and Hanja-reading variants, keyed as `normalize_name` writes them (lowercase latin),
# mapped to one canonical Hangul surname. Distinct clans that differ only in spelling are folded on purpose
# (柳 류 and 劉 유 both become 유): for matching, a clerk's spelling choice matters more than the clan.
SURNAME_VARIANTS: dict[str, str] = {
    variant: surname for surname, variants in _VARIANTS_BY_SURNAME.items() for variant in (surname, *variants)
}


def decompose(text: str) -> str:
    """Hangul syllables spelt out in compatibility jamo: "김" → "ㄱㅣㅁ"; other characters pass through NFD.

    Compound letters stay one letter: "과" → "ㄱㅘ", "닭" → "ㄷㅏㄺ".
    """
    return unicodedata.normalize("NFD", text).translate(_TO_COMPATIBILITY_JAMO)


def normalize_name(text: str) -> str:
    """The name as compared: no spaces, middle dots or punctuation; NFKC; lowercase. "Lee, Min-jun" → "leeminjun"."""
    without_dots = "".join(character for character in text if character not in _MIDDLE_DOTS)
    normalized = unicodedata.normalize("NFKC", without_dots).lower()
    return "".join(
        character
        for character in normalized
        if not character.isspace() and not unicodedata.category(character).startswith("P")
    )


def split_korean_name(full: str) -> tuple[str, str]:
    """(surname, given name).

    - A space splits: "김 민준" → ("김", "민준"), "Nguyen Thi Lan" → ("Nguyen", "Thi Lan"). The first word is
      taken as the surname, which is right for Korean, Vietnamese and Chinese names written the Korean way,
      but foreign name order varies (many write the given name first): treat the split of a foreign name as
      a guess, and compare foreign names whole.
    - Hangul without a space: two syllables 1+1; three 1+2 ("김민준" → "김", "민준"), except the few
      two-syllable surnames that cannot be a surname plus a given name ("남궁민" → "남궁", "민"); four or
      more 2+rest when the name starts with a two-syllable surname ("황보승희" → "황보", "승희"), else 1+rest.
      A single syllable is taken as a surname alone: ("김", "").
    - Anything else without a space (a one-word foreign name) is a given name alone: ("", "Lan").
    """
    words = full.split()
    if not words:
        raise ValueError("empty")
    if len(words) > 1:
        return words[0], " ".join(words[1:])
    name = words[0]
    if not all(_is_hangul_syllable(character) for character in name):
        return "", name
    if len(name) == 1:
        return name, ""
    if len(name) == 3 and name[:2] in _TWO_SYLLABLE_SURNAMES_IN_THREE_SYLLABLE_NAMES:
        return name[:2], name[2:]
    if len(name) >= 4 and name[:2] in TWO_SYLLABLE_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def canonical_surname(text: str) -> str:
    """One spelling per surname: "Lee", "리", "RHEE" → "이". Unknown surnames come back normalised."""
    normalized = normalize_name(text)
    return SURNAME_VARIANTS.get(normalized, normalized)


def jamo_similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] of the two names, normalised and decomposed into jamo.

    1.0 means the same letters. An empty name has no evidence in it, so it scores 0.0 against anything,
    even against another empty name.
    """
    left, right = decompose(normalize_name(a)), decompose(normalize_name(b))
    if not left or not right:
        return 0.0
    return float(JaroWinkler.normalized_similarity(left, right))


def _is_hangul_syllable(character: str) -> bool:
    return "가" <= character <= "힣"


# Jaro-Winkler in plain Python (rapidfuzz was not installed when this was written). Names are short, so
# the quadratic matching loop costs microseconds; rapidfuzz.distance.JaroWinkler gives the same scores.
