"""Bilingual names: every named thing in JSS has a Korean name and an English one."""

from jss.lib.language import content_language


def localized(name_ko: str, name_en: str) -> str:
    """The name in the active language; Korean when English is missing."""
    return name_en if name_en and content_language() == "en" else name_ko
