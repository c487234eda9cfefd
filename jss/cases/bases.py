"""The maintained list of statutory bases for sharing a case (data/sharing/legal-bases.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings

from jss.lib.language import content_language
from jss.lib.yamlfile import DataFileError, cached_data_file, line_of

BASES_FILE = Path(settings.BASE_DIR) / "data" / "sharing" / "legal-bases.yaml"


@dataclass(frozen=True)
class LegalBasis:
    code: str
    law_ko: str
    law_en: str
    article: str
    summary_ko: str
    summary_en: str
    retired: bool

    @property
    def law(self) -> str:
        return self.law_en if content_language() == "en" else self.law_ko

    @property
    def summary(self) -> str:
        return self.summary_en if content_language() == "en" else self.summary_ko

    def __str__(self) -> str:
        return f"{self.law} {self.article}".strip()


def _texts(item: dict[str, Any], name: str, problems: list[tuple[int, str]]) -> tuple[str, str]:
    value = item.get(name)
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k].strip() for k in ("ko", "en")):
        problems.append((line_of(item), f"{item.get('code', '?')}: {name} needs non-empty ko and en texts"))
        return "", ""
    return value["ko"].strip(), value["en"].strip()


def parse_bases(data: Any, path: Path) -> dict[str, LegalBasis]:
    problems: list[tuple[int, str]] = []
    items = data.get("bases") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DataFileError(path, [(0, "needs a non-empty list 'bases'")])
    bases: dict[str, LegalBasis] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item["code"].strip():
            problems.append((line_of(item), "each basis needs a code"))
            continue
        code = item["code"].strip()
        if code in bases:
            problems.append((line_of(item), f"{code}: the code is used twice"))
        law = _texts(item, "law", problems)
        summary = _texts(item, "summary", problems)
        article = item.get("article") or ""
        bases[code] = LegalBasis(code, *law, str(article), *summary, retired=bool(item.get("retired", False)))
    if problems:
        raise DataFileError(path, problems)
    return bases


def legal_bases(path: Path = BASES_FILE) -> dict[str, LegalBasis]:
    """Every basis, retired ones included (old shares keep their code); re-read when the file changes."""
    return cast(dict[str, LegalBasis], cached_data_file(path, parse_bases))


def current_bases() -> list[LegalBasis]:
    return [basis for basis in legal_bases().values() if not basis.retired]
