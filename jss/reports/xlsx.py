"""The semiannual report's figures as a spreadsheet (openpyxl): a sheet per section with its headline
figures, definition and tables, small cells suppressed as in the paper ("<5")."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]

from jss.reports.metrics import Report
from jss.reports.paper import PaperSection, PaperTable

HEADER = PatternFill("solid", fgColor="EEF2FE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SHEET_NAME = 31  # Excel's limit


def _table(sheet: Any, table: PaperTable) -> None:
    rows = sheet.append
    rows([str(table.title)])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    rows(["", *(str(column) for column in table.columns)])
    for cell in sheet[sheet.max_row]:
        cell.fill = HEADER
        cell.font = BOLD
    for label, cells in (*table.rows, *([table.total] if table.total else [])):
        rows([str(label), *(cell.text for cell in cells)])
    rows([])


def workbook(report: Report, sections: list[PaperSection]) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = _("Report")[:SHEET_NAME]
    cover.append([_("JSS semiannual report")])
    cover["A1"].font = TITLE
    cover.append([_("Period"), f"{report.period.start} – {report.period.end}"])
    cover.append([_("Compared with"), f"{report.previous_period.start} – {report.previous_period.end}"])
    cover.append([_("Area"), str(report.scope.label)])
    cover.append([_("Computed at"), report.computed_at.strftime("%Y-%m-%d %H:%M")])
    cover.append(
        [
            _("Small cells"),
            _("Counts of 1 to 4 people are shown as <5 (and one more cell where a total would reveal them)."),
        ]
    )
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 60
    for number, section in enumerate(sections, start=1):
        sheet = book.create_sheet(f"{number}. {section.title}"[:SHEET_NAME].replace("/", "·"))
        sheet.append([str(section.title)])
        sheet["A1"].font = TITLE
        sheet.append([str(section.definition)])
        sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[2].height = 60
        sheet.append([])
        if section.no_data:
            sheet.append([_("No data for this period.")])
        for headline in section.headlines:
            sheet.append([str(headline.label), headline.value, headline.comparison])
        if section.headlines:
            sheet.append([])
        for table in section.tables:
            _table(sheet, table)
        for title, text in section.reviews:
            sheet.append([title])
            sheet.append([text])
        sheet.column_dimensions["A"].width = 34
        for column in "BCDEFGHI":
            sheet.column_dimensions[column].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
