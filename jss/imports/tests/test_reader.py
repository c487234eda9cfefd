import pytest

from jss.imports.reader import ReadError, read_table
from jss.imports.tests.sheets import csv_text, excel_cell, row, xlsx_bytes

TEXT = csv_text([row(), row(source_reference="2026-0002", victim_name="홍길순")])


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(TEXT.encode("utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(TEXT.encode("cp949"), id="cp949"),
        pytest.param(TEXT.encode("utf-16"), id="utf-16 with BOM"),
    ],
)
def test_csv_in_every_encoding_korean_excel_writes_reads_the_same(data):
    table = read_table(data)
    assert [r.number for r in table.rows] == [1, 2, 3]
    assert table.rows[0].cells[0] == "신고번호"  # no BOM left in the first header
    assert table.rows[2].cells[6] == "홍길순"


def test_a_file_that_is_neither_utf8_nor_cp949_gets_one_clear_message():
    with pytest.raises(ReadError, match="neither UTF-8 nor CP949"):
        read_table(b"\xff\xff\xff\x80\x80")


def test_old_excel_files_are_refused_with_what_to_do():
    with pytest.raises(ReadError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_a_damaged_workbook_is_refused_with_one_message():
    with pytest.raises(ReadError, match="Excel file cannot be read"):
        read_table(b"PK\x03\x04 not really a zip")


def test_blank_rows_are_dropped_but_keep_their_numbers_and_tabs_are_understood():
    table = read_table("신고번호\t유형\n\n \t \nA-1\t가정폭력\n".encode())
    assert [(r.number, r.cells) for r in table.rows] == [(1, ["신고번호", "유형"]), (4, ["A-1", "가정폭력"])]


def test_a_quoted_cell_with_a_line_break_is_one_excel_row():
    table = read_table('신고번호,내용\nA-1,"첫 줄\n둘째 줄"\nA-2,끝\n'.encode())
    assert [r.number for r in table.rows] == [1, 2, 3]
    assert table.rows[1].cells[1] == "첫 줄\n둘째 줄"


def test_xlsx_first_sheet_with_typed_cells_and_excel_row_numbers():
    moment = excel_cell(2026, 3, 5, 14, 22)
    table = read_table(xlsx_bytes([["신고번호", "접수일시"], [None, None], ["A-1", moment]]))
    assert [(r.number, r.cells) for r in table.rows] == [(1, ["신고번호", "접수일시"]), (3, ["A-1", moment])]


def test_too_many_rows_are_refused_before_reading_the_rest():
    text = "신고번호\n" + "".join(f"A-{n}\n" for n in range(20))
    with pytest.raises(ReadError, match="more than 10 rows"):
        read_table(text.encode(), max_rows=10)
    assert len(read_table(text.encode(), max_rows=20).rows) == 21


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr("jss.imports.reader.MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(ReadError, match="too large once unpacked"):
        read_table(xlsx_bytes([["신고번호"], ["A-1"]]))
