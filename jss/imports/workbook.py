"""The import template as an Excel workbook: the header row, one example row marked 예시, and a second
sheet that explains every column. Built from `jss.imports.columns`, so it always matches what the import
reads."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from jss.imports.columns import COLUMNS
from jss.imports.validation import DOMAIN_NAMES, FLAGS, SOURCE_NAMES

LISTED_ROWS = 5000  # rows that get the drop-down lists


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "신고"
    sheet.append([column.header for column in COLUMNS])
    sheet.append([column.example for column in COLUMNS])
    required = PatternFill("solid", fgColor="FFE699")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required
        sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(column.header) * 2 + 4)
        # Excel would turn 010-… into a number and 2026.03.05 into a date it then writes its own way: text.
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "A2"
    _lists(sheet)

    guide = workbook.create_sheet("작성 안내")
    guide.append([_("Column"), _("Required"), _("English name"), _("What to write"), _("Other accepted headers")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append(
            [
                column.header,
                _("required") if column.required else "",
                column.key,
                str(column.help),
                ", ".join(column.aliases),
            ]
        )
    guide.append([])
    guide.append([_("The first sheet is imported; row 2 (예시) is an example and is never imported.")])
    for letter, width in zip("ABCDE", (18, 8, 18, 90, 50), strict=True):
        guide.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lists(sheet: Any) -> None:
    """Drop-down lists for the columns with a fixed vocabulary (typing something else is still allowed)."""
    lists = {"domain": list(DOMAIN_NAMES), "source": list(SOURCE_NAMES), "victim_sex": ["남", "여"],
             "suspect_sex": ["남", "여"]} | {flag: ["Y", "N"] for flag in FLAGS}  # fmt: skip
    for index, column in enumerate(COLUMNS, start=1):
        choices = lists.get(column.key)
        if not choices:
            continue
        validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
        validation.showErrorMessage = False
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{LISTED_ROWS}")
        sheet.add_data_validation(validation)
