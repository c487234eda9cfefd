import unicodedata

import pytest

from jss.lib.hangul import (
    _VARIANTS_BY_SURNAME,
    SURNAME_VARIANTS,
    TWO_SYLLABLE_SURNAMES,
    canonical_surname,
    decompose,
    jamo_similarity,
    normalize_name,
    split_korean_name,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("김", "ㄱㅣㅁ"),
        ("김민준", "ㄱㅣㅁㅁㅣㄴㅈㅜㄴ"),
        ("이", "ㅇㅣ"),
        ("과", "ㄱㅘ"),
        ("닭", "ㄷㅏㄺ"),
        ("빠", "ㅃㅏ"),
        ("힣", "ㅎㅣㅎ"),
        ("ㄱㅏ", "ㄱㅏ"),  # already letters
        ("Lan", "Lan"),
        ("", ""),
    ],
)
def test_decompose_spells_syllables_in_compatibility_jamo(given, expected):
    assert decompose(given) == expected


def test_decompose_writes_only_compatibility_jamo_for_every_modern_syllable():
    syllables = "".join(chr(code) for code in range(0xAC00, 0xD7A4))
    # The 51 modern letters ㄱ…ㅣ (U+3131…U+3163), and nothing else: no conjoining jamo left behind.
    assert set(decompose(syllables)) == {chr(code) for code in range(0x3131, 0x3164)}


@pytest.mark.parametrize("code", [*range(0x1100, 0x1113), *range(0x1161, 0x1176), *range(0x11A8, 0x11C3)], ids=hex)
def test_each_conjoining_jamo_becomes_the_letter_of_the_same_name(code):
    # U+1100 HANGUL CHOSEONG KIYEOK → U+3131 HANGUL LETTER KIYEOK, U+11AA …JONGSEONG KIYEOK-SIOS → ㄳ …
    letter = decompose(chr(code))
    expected_name = unicodedata.name(chr(code)).replace("CHOSEONG", "LETTER").replace("JUNGSEONG", "LETTER")
    assert unicodedata.name(letter) == expected_name.replace("JONGSEONG", "LETTER")


def test_decompose_maps_initial_and_final_consonants_to_the_same_letter():
    # 각: initial ㄱ (U+1100) and final ㄱ (U+11A8) are one letter when compared.
    assert decompose("각") == "ㄱㅏㄱ"


def test_decompose_leaves_other_scripts_in_nfd():
    assert decompose("Nguyễn") == unicodedata.normalize("NFD", "Nguyễn")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("  김민준  ", "김민준"),
        ("김 민 준", "김민준"),
        ("김ㆍ민준", "김민준"),
        ("응우옌·티·란", "응우옌티란"),
        ("Lee, Min-jun", "leeminjun"),
        ("O'Brien", "obrien"),
        ("NGUYEN Thi Lan", "nguyenthilan"),
        ("ＫＩＭ（민준）", "kim민준"),  # full-width letters and brackets
        ("김민준\u3000", "김민준"),  # ideographic space
        ("", ""),
    ],
)
def test_normalize_name(given, expected):
    assert normalize_name(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("김민준", ("김", "민준")),
        ("이수", ("이", "수")),
        ("김", ("김", "")),
        ("남궁민", ("남궁", "민")),
        ("제갈량", ("제갈", "량")),
        ("독고영재", ("독고", "영재")),
        ("황보라", ("황", "보라")),  # 황보 is also a surname, but 황 + 보라 is the likelier reading
        ("서문희", ("서", "문희")),
        ("황보승희", ("황보", "승희")),
        ("선우용녀", ("선우", "용녀")),
        ("사공일", ("사공", "일")),
        ("김수한무", ("김", "수한무")),
        ("고양부강", ("고", "양부강")),
        ("김 민준", ("김", "민준")),
        ("남궁 민", ("남궁", "민")),
        ("  김   민준 ", ("김", "민준")),
        ("Nguyen Thi Lan", ("Nguyen", "Thi Lan")),
        ("응우옌 티 란", ("응우옌", "티 란")),
        ("Lan", ("", "Lan")),
        ("김민준A", ("", "김민준A")),
    ],
)
def test_split_korean_name(given, expected):
    assert split_korean_name(given) == expected


@pytest.mark.parametrize("given", ["", "   "])
def test_split_korean_name_refuses_an_empty_name(given):
    with pytest.raises(ValueError, match=r"^empty$"):
        split_korean_name(given)


def test_the_two_syllable_surnames_include_those_of_the_brief():
    assert {
        "남궁",
        "황보",
        "제갈",
        "선우",
        "독고",
        "사공",
        "서문",
        "동방",
        "어금",
        "망절",
        "장곡",
    } <= TWO_SYLLABLE_SURNAMES


@pytest.mark.parametrize(
    ("variants", "surname"),
    [
        (["이", "리", "Lee", "Yi", "Rhee", "Rhie", "LEE"], "이"),
        (["임", "림", "Lim", "Im", "Rim"], "임"),
        (["유", "류", "Yoo", "Yu", "Ryu", "Ryoo"], "유"),
        (["노", "로", "Roh", "Noh", "No"], "노"),
        (["나", "라", "Na", "Ra"], "나"),
        (["양", "량", "Yang", "Ryang"], "양"),
        (["김", "Kim", "Gim", "KIM"], "김"),
        (["박", "Park", "Pak", "Bak"], "박"),
        (["최", "Choi", "Choe", "Chey"], "최"),
        (["정", "Jung", "Jeong", "Chung"], "정"),
        (["강", "Kang", "Gang"], "강"),
        (["조", "Cho", "Jo"], "조"),
        (["윤", "Yoon", "Yun"], "윤"),
        (["장", "Jang", "Chang"], "장"),
        (["한", "Han"], "한"),
        (["오", "Oh", "O"], "오"),
        (["서", "Seo", "Suh"], "서"),
        (["신", "Shin", "Sin"], "신"),
        (["권", "Kwon", "Gwon"], "권"),
        (["황", "Hwang"], "황"),
        (["안", "Ahn", "An"], "안"),
        (["송", "Song"], "송"),
        (["전", "Jeon", "Jun", "Chun"], "전"),
        (["홍", "Hong"], "홍"),
        (["고", "Ko", "Koh", "Go"], "고"),
        (["부", "Boo", "Bu"], "부"),
        (["현", "Hyun", "Hyeon"], "현"),
        (["좌", "Jwa"], "좌"),
        (["문", "Moon", "Mun"], "문"),
        (["변", "Byun", "Byeon"], "변"),
    ],
)
def test_canonical_surname_folds_variants(variants, surname):
    assert {canonical_surname(variant) for variant in variants} == {surname}


@pytest.mark.parametrize(("given", "expected"), [(" Koh ", "고"), ("Smith", "smith"), ("남궁", "남궁"), ("", "")])
def test_canonical_surname_normalises_what_it_does_not_know(given, expected):
    assert canonical_surname(given) == expected


def test_no_variant_is_claimed_by_two_surnames():
    spellings = [variant for surname, variants in _VARIANTS_BY_SURNAME.items() for variant in (surname, *variants)]
    assert len(spellings) == len(set(spellings)) == len(SURNAME_VARIANTS)


def test_surname_variant_keys_are_normalised_so_lookups_can_find_them():
    assert all(normalize_name(key) == key for key in SURNAME_VARIANTS)


@pytest.mark.parametrize(
    ("a", "b"),
    [("김민준", "김민준"), ("김민준", "김 민준"), ("Nguyen Thi Lan", "nguyen thi-lan"), ("김ㆍ민준", "김민준")],
)
def test_jamo_similarity_of_the_same_name_is_one(a, b):
    assert jamo_similarity(a, b) == 1.0


def test_jamo_similarity_sees_one_letter_where_syllables_see_one_syllable():
    # 김민준 / 김민중 differ in one of nine letters (ㄴ/ㅇ); 김민준 / 박서연 share almost nothing.
    close = jamo_similarity("김민준", "김민중")
    far = jamo_similarity("김민준", "박서연")
    assert close == pytest.approx(0.955556, abs=1e-6)
    assert far < 0.6
    assert close > jamo_similarity("김민준", "김서준") > far


def test_jamo_similarity_is_symmetric():
    assert jamo_similarity("고영희", "고영이") == jamo_similarity("고영이", "고영희")


@pytest.mark.parametrize(("a", "b"), [("", ""), ("김민준", ""), ("", "김민준"), ("  ", "·")])
def test_jamo_similarity_of_an_empty_name_is_zero(a, b):
    assert jamo_similarity(a, b) == 0.0
