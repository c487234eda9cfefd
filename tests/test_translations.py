"""The Korean catalogue is complete: no empty and no fuzzy translations."""

import re
from pathlib import Path

from django.conf import settings

KO = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_every_korean_message_is_translated():
    untranslated = []
    for block in entries(KO.read_text(encoding="utf-8"))[1:]:  # the first entry is the header
        lines = block.strip().splitlines()
        # An empty translation ends its entry with `msgstr ""`; a filled multi-line one continues below it.
        if "#, fuzzy" in block or re.fullmatch(r'msgstr(\[\d\])? ""', lines[-1]):
            untranslated.append(next(line for line in lines if line.startswith("msgid")))
    assert not untranslated, f"translate these in {KO}: {untranslated[:10]}"
