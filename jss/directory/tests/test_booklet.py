"""The printed directory: a PDF in Korean and English, A4 and A5, by filter; public contacts only; the contents
and the index point at the pages where the entries are, whether the sections were laid out in this process or
in worker processes.

The PDF's text is read with poppler's `pdftotext`, its structure (page size, outline, links) with pypdf.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone, translation
from pypdf import PdfReader

from jss.directory import booklet
from jss.directory.booklet import booklet_content, render_booklet
from jss.directory.models import Service
from jss.directory.queries import Criteria
from jss.directory.services import EntryData, PhoneData, terms, update_entry
from jss.directory.tests.conftest import entry, region, service
from jss.institutions.models import Institution
from jss.lib import pdf as pdf_parts
from tests.factories import make_institution

TODAY = datetime.date(2026, 11, 24)
SECRET_ADDRESS = "제주시 비밀길 77"
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture
def booklet_directory(directory):
    """The directory fixture, plus an elder service in 제주시 (not 서귀포시), and the shelter's real address on
    file but confidential."""
    jeju_elder = make_institution(
        "jeju-elder", "제주시노인복지관", category=Institution.Category.SOCIAL_WELFARE, region_code="5011054000"
    )
    entry(jeju_elder, phone="064-000-1601", address="제주시 노형로 1")
    service(jeju_elder, "노인 말벗 상담", service_area=region("5011000000"), targets=terms("target", ["elderly"]))
    update_entry(
        directory["shelter"],
        data=EntryData(
            description_ko="",
            description_en="",
            email="",
            website="",
            address_ko=SECRET_ADDRESS,
            location_region=directory["shelter"].region,
            is_confidential=True,
            phones=[PhoneData(number="064-000-1801"), PhoneData(number="064-000-1899", kind="hotline")],
        ),
        actor=None,
    )
    return directory | {"jeju_elder": jeju_elder}


def render(criteria: Criteria | None = None, *, group_by="target", paper="A4", language="ko") -> bytes:
    return render_booklet(
        criteria=criteria or Criteria(), group_by=group_by, paper=paper, language=language, today=TODAY
    )


def text_of(pdf: bytes, *, page: int | None = None) -> str:
    assert PDFTOTEXT is not None
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = [PDFTOTEXT, "-layout", *pages, "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def page_size(pdf: bytes) -> tuple[int, int]:
    """Width and height of the first page in points, rounded."""
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


PAGE_NUMBER = re.compile(r"(?:^|\s)(\d+-\d+|[ivx]+)$")  # at the end of a page's last line: "3-12", or "ii" in front


def pages_by_number(pdf: bytes) -> dict[str, str]:
    """The text of each page by the number printed at its foot (the cover has none)."""
    pages = {}
    for text in text_of(pdf).split("\f"):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        match = PAGE_NUMBER.search(lines[-1]) if lines else None
        if match:
            assert match[1] not in pages, f"two pages numbered {match[1]}"
            pages[match[1]] = text
    return pages


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("A5", (420, 595))])
def test_the_booklet_is_a_pdf_on_a4_and_a5(booklet_directory, paper, size):
    pdf = render(paper=paper)
    assert pdf[:4] == b"%PDF"
    assert page_size(pdf) == size


@needs_pdftotext
def test_the_korean_edition_lists_every_institution_under_its_targets(booklet_directory):
    text = text_of(render())
    for name in [
        "제주아동보호전문기관",
        "여성긴급전화1366 제주센터",
        "서귀포노인보호전문기관",
        "제주시노인복지관",
        "제주여성쉼터",
    ]:
        assert name in text
    for section in ["아동", "가족", "여성", "이주민", "노인"]:  # the targets that have services, in Korean
        assert re.search(rf"^\s*{section}\s*$", text, re.MULTILINE), section
    assert "아동학대 피해아동 상담" in text
    assert "2026년 11월 24일" in text  # the date of the data
    assert "064-000-1301" in text  # the institution's main number


@needs_pdftotext
def test_the_index_gives_the_pages_each_institution_is_on(booklet_directory):
    pdf = render()
    pages = pages_by_number(pdf)
    # 여성긴급전화1366 is in two sections (women, migrants): its index line ends with two section-page numbers.
    line = next(
        line
        for text in pages.values()
        for line in text.splitlines()
        if line.strip().startswith("여성긴급전화1366 제주센터") and re.search(r"\d+-\d+\s*$", line)
    )
    numbers = re.findall(r"\d+-\d+", line.split("센터", 1)[1])
    assert len(numbers) == 2
    for number in numbers:
        assert "여성긴급전화1366 제주센터" in pages[number]


@needs_pdftotext
def test_a_service_is_described_once_and_its_other_sections_refer_to_its_number(booklet_directory):
    """The child protection service serves children and families, the hotline's women and migrants: each is
    described in full in the first of its sections, numbered in reading order, and listed by that number in
    the other."""
    with translation.override("ko"):
        content = booklet_content(criteria=Criteria(), group_by="target", now=timezone.now())
    sections = {section.title: section for section in content.sections}
    assert list(sections) == ["아동", "노인", "여성", "이주민", "가족"]
    described = [text for section in content.sections for entry in section.entries for text in entry.services]
    assert [text.number for text in described] == [1, 2, 3, 4, 5]  # each service once, in the order of the pages
    assert len({text.service.pk for text in described}) == content.service_count
    (families,) = sections["가족"].entries
    assert (families.services, [text.number for text in families.references]) == ([], [1])
    (migrants,) = sections["이주민"].entries
    assert [(text.service.name, text.number) for text in migrants.references] == [("가정폭력상담소 긴급상담", 4)]

    pages = pages_by_number(render())
    assert "1. 아동학대 피해아동 상담" in pages["1-1"]
    assert "4. 가정폭력상담소 긴급상담" in pages["3-1"]
    for number, reference in [("4-1", "가정폭력상담소 긴급상담 → 4"), ("5-1", "아동학대 피해아동 상담 → 1")]:
        assert "앞에서 안내한 서비스:" in pages[number]
        assert reference in pages[number]
        assert "064-000-1301" not in pages[number]  # the contacts are with the full entry
    whole = "".join(pages.values())
    assert (whole.count("아동학대 피해아동 상담 →"), whole.count("1. 아동학대 피해아동 상담")) == (1, 1)


@pytest.fixture
def long_directory(booklet_directory):
    """Twenty more elder services with long descriptions: the elderly section runs over several A5 pages."""
    for number in range(20):
        institution = make_institution(
            f"elder-{number}",
            f"노인상담센터{number:02d}",
            category=Institution.Category.SOCIAL_WELFARE,
            region_code="5011054000",
        )
        entry(institution, phone=f"064-000-3{number:03d}")
        service(
            institution,
            "어르신 방문 상담",
            description_ko="어르신 댁을 찾아가 이야기를 듣고 필요한 돌봄과 보호를 함께 정합니다. " * 4,
            targets=terms("target", ["elderly"]),
        )
    return booklet_directory


CONTENTS_LINE = re.compile(r"^\s*(\S.*?) \((\d+)\) *\.+ *(\d+)-1 *$", re.MULTILINE)  # "노인 (23)........ 3-1"
INDEX_LINE = re.compile(r"^\s*(\S.*?) +(\d+-\d+(?:, \d+-\d+)*) *$", re.MULTILINE)  # "노인상담센터03   3-2"


@needs_pdftotext
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_contents_and_the_index_point_at_the_pages_where_the_entries_are(long_directory, monkeypatch, language):
    """Through the parallel path: the sections are laid out in two worker processes and the PDFs joined."""
    workers = []

    class PartRenderer(pdf_parts.PartRenderer):
        def __init__(self, **keywords):
            workers.append(keywords["workers"])
            super().__init__(**keywords)

    monkeypatch.setattr(booklet, "PartRenderer", PartRenderer)
    monkeypatch.setattr(booklet, "PARALLEL_FROM_SERVICES", 1)
    monkeypatch.setattr(settings, "BOOKLET_WORKERS", 2)
    pdf = render(paper="A5", language=language)
    assert workers == [2]

    reader: Any = PdfReader(io.BytesIO(pdf))  # pypdf's types do not follow a PDF's structure
    pages = pages_by_number(pdf)
    assert len(pages) == len(reader.pages) - 1  # a number on every page but the cover
    assert reader.page_labels[1:] == list(pages)  # the PDF viewer's page names are the printed ones, in order
    contents = pages["ii"]

    sections = CONTENTS_LINE.findall(contents)
    assert [int(number) for _title, _count, number in sections] == list(range(1, len(sections) + 1))
    for title, _count, number in sections:
        assert re.search(rf"^\s*{re.escape(title)}\s*$", pages[f"{number}-1"], re.MULTILINE), title  # its heading
        if f"{number}-2" in pages:
            assert not re.search(rf"^\s*{re.escape(title)}\s*$", pages[f"{number}-2"], re.MULTILINE)
    index_title = "기관 색인" if language == "ko" else "Index of institutions"
    index_number = len(sections) + 1
    assert re.search(rf"{index_title} *\.+ *{index_number}-1 *$", contents, re.MULTILINE)
    assert index_title in pages[f"{index_number}-1"]

    index_pages = "".join(text for number, text in pages.items() if number.startswith(f"{index_number}-"))
    with translation.override(language):
        names = [
            line.name for line in booklet_content(criteria=Criteria(), group_by="target", now=timezone.now()).index
        ]
    index = [(name, numbers) for name, numbers in INDEX_LINE.findall(index_pages) if name in names]  # not the foot
    assert [name for name, _numbers in index] == names  # every institution, in order
    cited = [number for _name, numbers in index for number in numbers.split(", ")]
    assert any(not number.endswith("-1") for number in cited)  # pages within a section are counted too
    for name, numbers in index:
        for number in numbers.split(", "):
            assert name in pages[number], (name, number)

    # The outline and the contents' links go to the first page of each section.
    outline = {item.title: reader.page_labels[reader.get_destination_page_number(item)] for item in reader.outline[1]}
    links = [
        reader.page_labels[reader.get_page_number(annotation.get_object()["/Dest"][0].get_object())]
        for annotation in reader.pages[1]["/Annots"]
    ]
    for title, _count, number in sections:
        assert outline[title] == f"{number}-1"
        assert f"{number}-1" in links
    assert outline[index_title] == f"{index_number}-1"
    # The fonts are embedded, and they are the stylesheet's (each worker parses it once, with its @font-face
    # rules: laid out with other font settings, the text would fall back to Noto Sans CJK).
    font_names: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            font_names.add(str(font.get_object()["/BaseFont"]))
    if booklet.font_faces():
        assert any("Pretendard-GOV" in name for name in font_names), font_names


@needs_pdftotext
def test_a_filter_leaves_out_the_other_services(booklet_directory):
    text = text_of(render(Criteria(target="elderly", region="5013000000"), paper="A5"))
    assert "서귀포노인보호전문기관" in text
    assert "노인학대 상담" in text
    for name in ["제주시노인복지관", "제주아동보호전문기관", "여성긴급전화1366 제주센터", "제주여성쉼터"]:
        assert name not in text
    assert "서귀포시" in text  # the filter, in words, on the cover


@needs_pdftotext
def test_the_english_edition_has_english_titles(booklet_directory):
    text = text_of(render(language="en"))
    for title in ["Contents", "Index of institutions", "Children", "Women", "Older people", "Migrants"]:
        assert title in text
    assert "Counselling for abused children" in text  # the service's English name
    assert "Open 24 hours, every day" in text
    assert "Weekdays 09:00–18:00 · Closed on public holidays" in text


@needs_pdftotext
def test_the_booklet_can_be_arranged_by_service_type(booklet_directory):
    text = text_of(render(group_by="service_type", language="en"))
    for title in ["Counselling", "Hotline", "Shelter", "Case management"]:
        assert re.search(rf"^\s*{title}\s*$", text, re.MULTILINE), title


@needs_pdftotext
@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_confidential_address_is_never_printed(booklet_directory, language):
    text = text_of(render(language=language))
    assert SECRET_ADDRESS not in text
    assert "비밀길" not in text
    assert "064-000-1899" in text  # the shelter's public hotline is printed
    if language == "en":
        assert "Location not disclosed" in text


@needs_pdftotext
def test_no_staff_contact_is_printed(booklet_directory, social_worker):
    """The social worker (양수진) is the JSS contact for referrals of the child protection service."""
    assert Service.objects.filter(referral_contact=social_worker.membership).exists()
    for language in ["ko", "en"]:
        text = text_of(render(language=language))
        assert "양수진" not in text
        assert "064-000-7001" not in text  # her work phone
        assert "social-worker" not in text  # her e-mail and user name


@needs_pdftotext
def test_demo_data_is_marked_as_fictional(booklet_directory):
    assert "fictional" in text_of(render(language="en"))
    # At the foot of every page, in Korean too (the words come into the stylesheet from Python).
    assert "시연용 데이터: 연락처는 실제 정보가 아닙니다" in text_of(render(language="ko"))
    Institution.objects.update(is_sample=False)
    assert "fictional" not in text_of(render(language="en"))


@needs_pdftotext
def test_a_filter_that_matches_nothing_still_makes_a_booklet(booklet_directory):
    text = text_of(render(Criteria(query="없는말"), language="en"))
    assert "No service matches this filter." in text
    assert "0 institutions" in text


def test_the_booklet_reads_the_directory_in_a_fixed_number_of_queries(booklet_directory, django_assert_num_queries):
    # services + 2 prefetches (hours, phones), institutions + 2 (locations, phones), every term and the links of
    # targets, types and languages (1 + 3), the terms of the sections.
    with translation.override("ko"), django_assert_num_queries(11):
        booklet = booklet_content(criteria=Criteria(), group_by="target", now=timezone.now())
    for number in range(5):
        more = make_institution(f"more-{number}", f"추가기관{number}")
        entry(more, phone=f"064-000-20{number}0")
        service(more, f"추가 상담 {number}")
    with translation.override("ko"), django_assert_num_queries(11):
        bigger = booklet_content(criteria=Criteria(), group_by="target", now=timezone.now())
    assert (booklet.institution_count, bigger.institution_count) == (5, 10)


@pytest.mark.parametrize(
    "arguments", [{"group_by": "region"}, {"paper": "Letter"}, {"language": "fr"}], ids=["group", "paper", "language"]
)
def test_unknown_choices_are_refused(booklet_directory, arguments):
    with pytest.raises(ValueError, match=r"^(group_by|paper|unknown language)"):
        render(**arguments)
