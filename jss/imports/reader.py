"""Reading an uploaded spreadsheet into rows of cells: CSV as Korean Excel writes it, or XLSX.

CSV: UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8" writes), else CP949 (the superset of
EUC-KR that Korean Excel's plain "CSV" writes), or UTF-16 with its byte-order mark (Excel's "Unicode
text"). Comma, tab or semicolon separated, whichever the first line uses most. XLSX: the first sheet, read
in read-only mode, with cell values as Excel stores them (dates as datetimes, numbers as numbers).

Row numbers are those Excel shows: the first line is row 1. Blank rows are dropped, but keep their numbers.
Nothing here knows the template; `jss.imports.validation` does.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

Cell = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None

XLSX_MAGIC = b"PK\x03\x04"
# An XLSX is a zip of XML; a small file can unpack to gigabytes. 100,000 template rows unpack to ~60 MB.
MAX_XLSX_UNPACKED_BYTES = 512 * 1024 * 1024
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class ReadError(Exception):
    """The file cannot be read at all; the message says what to do."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the first line is 1
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    rows: list[Row]  # non-blank rows only, in file order, the header among them


def read_table(data: bytes, *, max_rows: int | None = None) -> Table:
    """The non-blank rows of a CSV or XLSX file. Raises ReadError with one clear message."""
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_rows=max_rows)
    if data.startswith(OLD_EXCEL_MAGIC):
        raise ReadError(
            _("Old Excel files (.xls) cannot be read. Save the file as an Excel workbook (.xlsx) or as CSV.")
        )
    return _read_csv(decode_text(data), max_rows=max_rows)


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "cp949"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ReadError(
        _(
            "The file is neither UTF-8 nor CP949 (EUC-KR) text. Save it from Excel as “CSV UTF-8” "
            "or as an Excel workbook (.xlsx)."
        )
    )


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _too_many(limit: int) -> ReadError:
    return ReadError(
        _(
            "The file has more than %(limit)d rows. Split it, or ask the technical administrator to import it "
            "with the import_incidents command."
        )
        % {"limit": limit}
    )


def _is_blank(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _read_csv(text: str, *, max_rows: int | None) -> Table:
    if "\x00" in text:
        raise ReadError(_("The file is not a CSV file. Upload a CSV file or an Excel workbook (.xlsx)."))
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, record in enumerate(reader, start=1):
            cells: list[Cell] = list(record)
            if _is_blank(cells):
                continue
            if max_rows is not None and len(rows) > max_rows:
                raise _too_many(max_rows)
            rows.append(Row(number, cells))
    except csv.Error as error:
        raise ReadError(_("The file is not a CSV file. Upload a CSV file or an Excel workbook (.xlsx).")) from error
    return Table(rows)


def _read_xlsx(data: bytes, *, max_rows: int | None) -> Table:
    import openpyxl  # type: ignore[import-untyped]

    rows: list[Row] = []
    unreadable = ReadError(_("The Excel file cannot be read. Save it again as an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ReadError(_("The Excel file is too large once unpacked. Save it as CSV, or split it."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any damage to an untrusted zip or its XML ends here, with one message
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong sheet size; read every row there is
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = list(values)
            if _is_blank(cells):
                continue
            if max_rows is not None and len(rows) > max_rows:
                raise _too_many(max_rows)
            rows.append(Row(number, cells))
    except ReadError:
        raise
    except Exception as error:  # as above: a damaged sheet
        raise unreadable from error
    finally:
        workbook.close()
    return Table(rows)
