"""The support directory in Chromium: a public visitor and a practitioner search it, open entries, a
practitioner edits their own service, anyone downloads the booklet, and a new institution applies, is
approved by the secretariat and appears in the public directory.

The data are the directory unit tests' entries (the `directory` fixture): 제주아동보호전문기관, whose JSS
contact is the social worker 양수진; the 24-hour 여성긴급전화1366 제주센터; 서귀포노인보호전문기관; a
confidential shelter. The UI's Korean labels are still being translated, so elements are found by name, id,
href or data-testid, and assertions are on data (institution and service names), not on labels.
A screenshot of the search results is kept in test-artifacts/directory-search.png for people to look at.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from jss.directory.models import MembershipApplication, Service
from jss.directory.tests.conftest import directory  # noqa: F401  (the unit tests' fixture, used by every test here)
from jss.institutions.models import Institution
from tests.browser.conftest import sign_in

SEARCH = "/directory/"
BOOKLET = "/directory/booklet/"
APPLY = "/directory/apply/"
APPLICATIONS = "/directory/applications/"
SIGN_IN = "/accounts/sign-in/"

CHILD = "제주아동보호전문기관"
CHILD_SERVICE = "아동학대 피해아동 상담"
HOTLINE = "여성긴급전화1366 제주센터"
HOTLINE_SERVICE = "가정폭력상담소 긴급상담"
ELDER = "서귀포노인보호전문기관"
ELDER_SERVICE = "노인학대 상담"
CONTACT = "양수진"  # the social worker, JSS contact of 제주아동보호전문기관
CONTACT_PHONE = "064-000-7001"

NEW_MEMBER = "제주가족회복센터"
A5_POINTS = (419.5, 595.3)  # 148 × 210 mm

pytestmark = pytest.mark.usefixtures("directory")


def search_for(page: Page, words: str) -> None:
    """Type into the search box as a person does, one character after another, without pressing Enter."""
    box = page.locator("#id_q")
    box.fill("")
    box.press_sequentially(words, delay=20)


def entry_link(page: Page, institution_name: str) -> Locator:
    return page.locator("#results").get_by_role("link", name=institution_name, exact=True)


def entry_id(institution_name: str) -> int:
    return Institution.objects.get(name_ko=institution_name).pk


def tick(page: Page, checkbox: str) -> None:
    """Tick a checkbox by clicking its label, as a person does (KRDS hides the native box)."""
    box = page.locator(checkbox)
    expect(box).to_have_count(1)
    box_id = box.get_attribute("id")
    page.locator(f"label:has({checkbox}), label[for='{box_id}']").first.click()
    expect(box).to_be_checked()


def pdf_page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    """Each page's (width, height) in points, from the MediaBoxes, which WeasyPrint keeps in compressed
    object streams."""
    chunks = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompressobj().decompress(stream.group(1)))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", b"\n".join(chunks))
    return {(round(float(width), 1), round(float(height), 1)) for width, height in boxes}


def test_public_visitor_searches_filters_and_opens_an_entry_without_staff_contacts(live_server, page: Page, screenshot):
    page.goto(live_server.url + SEARCH)
    results = page.locator("#results")
    expect(results).to_contain_text(CHILD)  # with no query, every entry is listed
    page.evaluate("window.jssSameDocument = true")  # gone if the page reloads

    search_for(page, "가정폭력 상담")
    expect(results).to_contain_text(HOTLINE)
    expect(results).to_contain_text(HOTLINE_SERVICE)  # "가정폭력 상담" finds "가정폭력상담소"
    expect(results).not_to_contain_text(CHILD)
    expect(results.locator("article")).to_have_count(1)
    assert page.evaluate("window.jssSameDocument === true"), "the results must update in place (htmx), not reload"
    expect(page).to_have_url(re.compile(r"[?&]q=[^&]"))  # the URL follows, so the search can be shared
    expect(results.get_by_test_id("jss-contact")).to_have_count(0)
    screenshot(page, "directory-search")

    search_for(page, "상담")
    for name in (HOTLINE, CHILD, ELDER):
        expect(results).to_contain_text(name)
    tick(page, "input[name=always_open]")
    expect(results).not_to_contain_text(CHILD)
    expect(results).not_to_contain_text(ELDER_SERVICE)
    expect(results).to_contain_text(HOTLINE_SERVICE)
    expect(results.locator("article")).to_have_count(1)
    assert page.evaluate("window.jssSameDocument === true")

    entry_link(page, HOTLINE).click()
    expect(page).to_have_url(live_server.url + f"/directory/institutions/{entry_id(HOTLINE)}/")
    expect(page.locator("h1")).to_contain_text(HOTLINE)
    expect(page.locator("main")).to_contain_text(HOTLINE_SERVICE)

    # The entry whose JSS contact is 양수진: its services are public, she is not.
    page.goto(live_server.url + SEARCH)
    search_for(page, "아동")
    expect(results).to_contain_text(CHILD)
    expect(results.get_by_test_id("jss-contact")).to_have_count(0)
    entry_link(page, CHILD).click()
    expect(page).to_have_url(live_server.url + f"/directory/institutions/{entry_id(CHILD)}/")
    main = page.locator("main")
    expect(main).to_contain_text(CHILD_SERVICE)
    expect(page.locator("body")).not_to_contain_text(CONTACT)
    expect(page.locator("body")).not_to_contain_text(CONTACT_PHONE)
    expect(page.get_by_test_id("jss-contact")).to_have_count(0)
    expect(page.get_by_test_id("institution-contact")).to_have_count(0)
    expect(page.locator("a[href*='/services/'][href$='/edit/']")).to_have_count(0)


def test_practitioner_sees_the_jss_contact_and_edits_their_service(live_server, page: Page, screenshot):
    service = Service.objects.get(name_ko=CHILD_SERVICE)
    renamed = "아동학대 피해아동 심리상담"
    sign_in(page, live_server.url, "social-worker")

    page.goto(live_server.url + SEARCH)
    search_for(page, "아동")
    results = page.locator("#results")
    expect(results).to_contain_text(CHILD)
    expect(results.get_by_test_id("jss-contact")).to_contain_text(CONTACT)
    expect(results.get_by_test_id("jss-contact")).to_contain_text(CONTACT_PHONE)

    entry_link(page, CHILD).click()
    entry_url = live_server.url + f"/directory/institutions/{entry_id(CHILD)}/"
    expect(page).to_have_url(entry_url)
    expect(page.get_by_test_id("jss-contact")).to_contain_text(CONTACT)

    page.locator(f"main a[href='/directory/services/{service.pk}/edit/']").click()
    expect(page).to_have_url(live_server.url + f"/directory/services/{service.pk}/edit/")
    name = page.locator("#id_name_ko")
    expect(name).to_have_value(CHILD_SERVICE)
    name.fill(renamed)
    with page.expect_navigation():
        page.locator("main form:has(#id_name_ko) button[type=submit]").click()

    expect(page).to_have_url(entry_url)
    names = page.locator("main .jss-services .jss-service h3")
    expect(names).to_have_count(1)
    expect(names).to_contain_text(renamed)
    expect(names).not_to_contain_text(CHILD_SERVICE)
    service.refresh_from_db()
    assert service.name_ko == renamed
    screenshot(page, "directory-entry-edited")


def test_anyone_downloads_the_booklet_as_an_a5_pdf(live_server, page: Page):
    if importlib.util.find_spec("jss.directory.booklet") is None:
        pytest.xfail("booklet renderer not yet present")
    page.goto(live_server.url + BOOKLET)
    page.locator("select[name=paper]").select_option("A5")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-booklet").click()
    download = download_info.value

    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:40]
    assert len(pdf) > 10_000, f"only {len(pdf)} bytes"
    sizes = pdf_page_sizes(pdf)
    assert sizes == {A5_POINTS}, f"the pages are not A5: {sizes}"


def fill_application(page: Page, *, phone: str) -> None:
    page.locator("#id_name_ko").fill(NEW_MEMBER)
    page.locator("#id_category").select_option("family_centre")
    samyang = page.locator("#id_region option", has_text="삼양동")
    expect(samyang).to_have_count(1)
    page.locator("#id_region").select_option(samyang.get_attribute("value"))
    page.locator("#id_address").fill("제주시 삼양동 시험로 1")
    page.locator("#id_phone").fill(phone)
    page.locator("#id_email").fill("recovery@example.kr")
    page.locator("#id_services_ko").fill("가정폭력 피해 가족의 회복 상담과 가족 캠프")
    tick(page, "input[name=targets][value=families]")
    tick(page, "input[name=types][value=counselling]")
    page.locator("#id_contact_name").fill("한가람")
    page.locator("#id_contact_email").fill("garam@example.kr")
    page.locator("#id_contact_phone").fill("010 0000 2002")


def submit_application(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_application_is_approved_and_the_new_member_is_listed(
    live_server, page: Page, screenshot, secretariat, mailoutbox
):
    page.goto(live_server.url + APPLY)
    fill_application(page, phone="064 000 2001")
    submit_application(page)
    expect(page.locator("main .jss-field-error")).to_have_count(0)
    application = MembershipApplication.objects.get(name_ko=NEW_MEMBER)
    assert application.status == MembershipApplication.Status.PENDING
    assert application.phone == "064-000-2001"
    assert application.contact_phone == "010-0000-2002"
    assert application.region.name_ko == "삼양동"

    sign_in(page, live_server.url, "secretariat")
    page.goto(live_server.url + APPLICATIONS)
    page.locator("main").get_by_role("link", name=NEW_MEMBER, exact=True).click()
    expect(page).to_have_url(live_server.url + f"/directory/applications/{application.pk}/")
    expect(page.locator("h1")).to_contain_text(NEW_MEMBER)
    with page.expect_navigation():
        page.locator("main form:has(input[name=decision][value=approve]) button[type=submit]").click()

    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.institution is not None
    assert application.institution.status == Institution.Status.ACTIVE
    expect(page).to_have_url(live_server.url + f"/directory/institutions/{application.institution.pk}/")
    expect(page.locator("h1")).to_contain_text(NEW_MEMBER)
    assert [message.to for message in mailoutbox] == [["garam@example.kr"]], "the contact is invited to sign in"

    page.context.clear_cookies()  # a public visitor from here on
    page.goto(live_server.url + SEARCH)
    expect(page.get_by_test_id("who")).to_have_count(0)
    search_for(page, "가족회복")
    results = page.locator("#results")
    expect(entry_link(page, NEW_MEMBER)).to_be_visible()
    expect(results.locator("article")).to_have_count(1)
    expect(results).to_contain_text("064-000-2001")
    expect(results).not_to_contain_text("한가람")  # the contact person is for members only
    screenshot(page, "directory-new-member")


def test_application_with_a_bad_phone_number_shows_the_error_on_that_field(live_server, page: Page):
    page.goto(live_server.url + APPLY)
    fill_application(page, phone="12")
    submit_application(page)

    expect(page).to_have_url(live_server.url + APPLY)
    phone_group = page.locator("main .form-group:has(#id_phone)")
    expect(phone_group.locator(".jss-field-error")).to_have_count(1)
    expect(phone_group.locator(".jss-field-error")).to_have_text(re.compile(r"\S"))
    expect(page.locator("main .jss-field-error")).to_have_count(1)  # the other fields were fine
    expect(page.locator("#id_phone")).to_have_value("12")
    expect(page.locator("#id_name_ko")).to_have_value(NEW_MEMBER)
    expect(page.locator("input[name=targets][value=families]")).to_be_checked()
    assert not MembershipApplication.objects.exists()
