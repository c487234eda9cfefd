"""Bilingual names: every named thing in JSS has a Korean name and an English one."""

from django.utils.translation import get_language


def localized(name_ko: str, name_en: str) -> str:
    """The name in the active language; Korean when English is missing."""
    language = get_language() or "ko"
    if language.startswith("en") and name_en:
        return name_en
    return name_ko
