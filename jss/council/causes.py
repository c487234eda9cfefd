"""The configurable cause-factor taxonomy of the council's cause analysis (data/council/cause-factors.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings

from jss.lib.language import content_language
from jss.lib.yamlfile import DataFileError, cached_data_file, line_of

FACTORS_FILE = Path(settings.BASE_DIR) / "data" / "council" / "cause-factors.yaml"


@dataclass(frozen=True)
class CauseFactor:
    code: str
    ko: str
    en: str
    retired: bool = False

    def __str__(self) -> str:
        return self.en if content_language() == "en" else self.ko


def parse_factors(data: Any, path: Path) -> dict[str, CauseFactor]:
    items = data.get("factors") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DataFileError(path, [(0, "needs a non-empty list 'factors'")])
    problems: list[tuple[int, str]] = []
    factors: dict[str, CauseFactor] = {}
    for item in items:
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.strip():
            problems.append((line_of(item), "each factor needs a code"))
            continue
        if code in factors:
            problems.append((line_of(item), f"{code}: the code is used twice"))
        texts = [item.get(language) for language in ("ko", "en")]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            problems.append((line_of(item), f"{code}: needs non-empty ko and en texts"))
            continue
        factors[code] = CauseFactor(code, str(texts[0]).strip(), str(texts[1]).strip(), bool(item.get("retired")))
    if problems:
        raise DataFileError(path, problems)
    return factors


def cause_factors(path: Path = FACTORS_FILE) -> dict[str, CauseFactor]:
    """Every factor, retired ones included; re-read when the file changes."""
    return cast(dict[str, CauseFactor], cached_data_file(path, parse_factors))


def current_factors() -> list[CauseFactor]:
    return [factor for factor in cause_factors().values() if not factor.retired]
