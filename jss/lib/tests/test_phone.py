import pytest

from jss.lib.phone import normalize_korean_phone


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("112", "112"),
        ("1366", "1366"),
        ("1577-1391", "1577-1391"),
        ("15771391", "1577-1391"),
        ("1644 8295", "1644-8295"),
        ("010-1234-5678", "010-1234-5678"),
        ("01012345678", "010-1234-5678"),
        ("+82 10 1234 5678", "010-1234-5678"),
        ("02-123-4567", "02-123-4567"),
        ("(064) 710.1234", "064-710-1234"),
        ("064-000-0101", "064-000-0101"),
        ("070-1234-5678", "070-1234-5678"),
        ("0505-123-4567", "0505-123-4567"),
    ],
)
def test_korean_numbers_are_accepted_in_any_common_form(given, expected):
    assert normalize_korean_phone(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "empty"),
        ("064-12", "not a Korean"),
        ("+1 212 555 0100", r"\(\+82\)"),
        ("call me", "only digits"),
        ("099-123-4567", "not a Korean"),
        ("12345", "not a Korean"),
    ],
)
def test_other_input_is_refused_with_a_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        normalize_korean_phone(given)
