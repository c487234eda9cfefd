"""Issue 4's review of possible duplicates in Chromium: 제주동부경찰서's coordinator opens "동일인 의심", finds
고은비 written twice (the police's 고은비 born 1988-04-12 with two reports, the 1366 hotline's 고은 비 born
1988-12-04 with one), compares the two records side by side with the evidence, merges them with a note, finds
the decision under 최근 결정, and undoes the merge (a reason is required). A second test proposes the victim
and her partner, the suspect of her reports, as one person: the merge is refused and nothing changes.

The persons and reports are the people unit tests' (`split_person`), the pair is made as the nightly run
makes one for review (`pending`, with evidence). Screenshots of every step are kept in
test-artifacts/duplicates-*.png for people to look at; the pair is also photographed at a phone's size.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect

from jss.incidents.models import Incident, Party
from jss.people.models import Person, PersonLink
from jss.people.tests.conftest import pending, split_person  # noqa: F401 (fixtures)
from tests.browser.conftest import sign_in

SIGN_IN = "/accounts/sign-in/"
QUEUE = "/people/duplicates/"
NAV_ITEM = "동일인 의심"
NOTE = "1366 기록의 생년월일은 일과 월을 바꿔 적은 것. 같은 전화번호로 확인함."
UNMERGE_REASON = "1366에 다시 확인: 이름이 같은 다른 사람임."
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# pending()'s evidence, as the page shows it: comparison, level, weight (widest first is given_name's 9.4).
EVIDENCE = [
    ["성", "같음", "+2.1"],
    ["이름", "같음", "+9.4"],
    ["생년월일", "일과 월이 바뀜", "+4.0"],
    ["전화번호와 주소", "한쪽에 기재 없음", "0.0"],
    ["성별", "다름", "-3.2"],
]
WEIGHTS = [2.1, 9.4, 4.0, 0.0, -3.2]


def open_queue_from_the_menu(page: Page, base_url: str) -> None:
    nav_link = page.locator("nav.jss-nav").get_by_role("link", name=NAV_ITEM, exact=True)
    with page.expect_navigation():
        nav_link.click()
    expect(page).to_have_url(base_url + QUEUE)
    expect(page.locator("h1")).to_have_text(NAV_ITEM)
    expect(page.locator("nav.jss-nav").get_by_role("link", name=NAV_ITEM, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of a table, as lists of cell texts (row headers included)."""
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()
    ]


def report_lines(person: Person) -> list[str]:
    """A person's reports as the side-by-side table lists them: date, kind, reporting institution."""
    incidents = Incident.objects.filter(parties__person=person).select_related("reporting_institution")
    return [
        f"{timezone.localtime(incident.reported_at):%Y-%m-%d} 가정폭력 {incident.reporting_institution.name}"
        for incident in incidents.order_by("-reported_at").distinct()
    ]


def first_incident_together(victim: Person, suspect: Person) -> Incident:
    incident = (
        Incident.objects.filter(parties__person=victim, parties__role=Party.Role.VICTIM)
        .filter(parties__person=suspect, parties__role=Party.Role.SUSPECT)
        .order_by("reported_at")
        .first()
    )
    assert incident is not None
    return incident


def assert_inside_the_column(page: Page, table: Locator, *, scrolls: bool) -> None:
    """At a phone's width nothing sticks out of the page's column (KRDS hides the body's horizontal overflow,
    so it would be cut off, not scrolled); a table wider than the column scrolls within its own wrapper."""
    column = page.locator("main").evaluate(
        "main => { const style = getComputedStyle(main); const box = main.getBoundingClientRect();"
        " return [box.left + parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight)]; }"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrapper = table.locator("xpath=..")
    box = wrapper.bounding_box()
    assert box is not None
    assert column[0] <= box["x"], (box, column)
    assert box["x"] + box["width"] <= column[1] + 0.5, (box, column)
    assert wrapper.evaluate("element => element.scrollWidth > element.clientWidth") == scrolls
    if scrolls:
        assert wrapper.evaluate("element => getComputedStyle(element).overflowX") in {"auto", "scroll"}
        wrapper.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
        assert wrapper.evaluate("element => element.scrollLeft") > 0, "the wrapper scrolls"
        wrapper.evaluate("element => { element.scrollLeft = 0; }")


def test_officer_compares_merges_and_unmerges_a_person_written_twice(
    live_server,
    page: Page,
    screenshot,
    officer,
    split_person: dict[str, Person],  # noqa: F811 (the fixture)
):
    first, second, suspect = split_person["first"], split_person["second"], split_person["suspect"]
    link = pending(first, second)
    first_reports, second_reports = report_lines(first), report_lines(second)
    assert (len(first_reports), len(second_reports)) == (2, 1)
    base_url = live_server.url
    sign_in(page, base_url, "officer")

    # 1. The queue, from the menu: one pair, by codes and masked names only.
    open_queue_from_the_menu(page, base_url)
    expect(page.get_by_test_id("last-run")).to_have_text("비교가 아직 실행되지 않았습니다.")
    queue = page.get_by_test_id("link-queue")
    expect(queue.locator("thead th")).to_have_text(["기록", "이름", "일치 확률", "날짜"])
    expect(queue.locator("tbody tr")).to_have_count(1)
    assert table_rows(queue) == [
        [f"{first.code} · {second.code}", "고*비 · 고*비", "0.930", f"{timezone.localdate():%Y-%m-%d}"]
    ]
    main = page.locator("main")
    for name in ("은비", "은 비", "양민철", "1988-04-12"):
        expect(main).not_to_contain_text(name)
    screenshot(page, "duplicates-queue")

    # 2. The pair side by side: full names, both birth dates, each record's reports; the evidence in Korean.
    with page.expect_navigation():
        queue.get_by_role("link", name=f"{first.code} · {second.code}").click()
    pair_url = base_url + f"{QUEUE}{link.pk}/"
    expect(page).to_have_url(pair_url)
    expect(page.locator("h1")).to_have_text("같은 사람입니까?")
    expect(page.get_by_test_id("link-status")).to_have_text("검토 대기")
    expect(page.get_by_test_id("review-reason")).to_have_text("자동으로 합치기에는 근거가 충분하지 않습니다.")
    sides = page.get_by_test_id("link-sides")
    expect(sides.locator("caption")).to_have_text("두 기록 비교")
    expect(sides.locator("thead th")).to_have_text(["", first.code, second.code])
    rows = {row[0]: row[1:] for row in table_rows(sides)}
    assert rows["이름"] == ["고 은비", "고 은 비"]
    assert rows["생년월일"] == ["1988-04-12", "1988-12-04"]
    assert rows["주소"] == ["—", "—"]  # neither institution wrote one
    for column, lines in enumerate((first_reports, second_reports), start=2):
        expect(sides.locator(f"tbody tr:last-child td:nth-child({column}) li")).to_have_text(lines)
    evidence = page.get_by_test_id("link-evidence")
    expect(evidence.locator("thead th")).to_have_text(["비교 항목", "결과", "가중치"])
    assert table_rows(evidence) == EVIDENCE
    # Each bar is drawn, as long as its weight (the strongest the longest), green for and red against, and
    # stays in its cell.
    bars = evidence.locator(".jss-weight")
    expect(bars).to_have_count(len(WEIGHTS))
    widths = []
    for index, weight in enumerate(WEIGHTS):
        bar, cell = bars.nth(index), evidence.locator("tbody tr").nth(index).locator("td").last
        bar_box, cell_box = bar.bounding_box(), cell.bounding_box()
        assert bar_box is not None
        assert cell_box is not None
        assert bar_box["height"] > 4
        assert cell_box["x"] <= bar_box["x"]
        assert bar_box["x"] + bar_box["width"] <= cell_box["x"] + cell_box["width"]
        widths.append(bar_box["width"])
        expected_class = "jss-for" if weight > 0 else "jss-against" if weight < 0 else "jss-neutral"
        expect(bar).to_have_class(re.compile(rf"\b{expected_class}\b"))
    assert widths[1] == max(widths) >= 100
    assert widths[2] > widths[4] > widths[0] > widths[3]
    assert [round(width / widths[1], 2) for width in widths[:3]] == [round(w / 9.4, 2) for w in WEIGHTS[:3]]
    colours = [bar.evaluate("element => getComputedStyle(element).backgroundColor") for bar in bars.all()]
    assert colours[0] == colours[1] == colours[2]
    assert len({colours[0], colours[3], colours[4]}) == 3, "for, neutral and against in three colours"
    screenshot(page, "duplicates-pair")

    # 3. The same page on a phone: the two records stay side by side within the screen, every value in its
    # cell; the evidence table scrolls within its own frame, not the page.
    page.set_viewport_size(PHONE)
    expect(page.get_by_test_id("merge")).to_be_visible()
    assert_inside_the_column(page, sides, scrolls=False)
    for cell in sides.locator("th, td").all():
        assert cell.evaluate("element => element.scrollWidth <= element.clientWidth"), cell.inner_text()
    assert_inside_the_column(page, evidence, scrolls=True)
    screenshot(page, "duplicates-pair-phone")
    page.set_viewport_size(DESKTOP)

    # 4. Merge with a note: back to the queue, which is empty, and the decision listed under 최근 결정.
    page.locator("textarea[name=note]").fill(NOTE)
    with page.expect_navigation():
        page.get_by_test_id("merge").click()
    expect(page).to_have_url(base_url + QUEUE)
    expect(page.locator(".jss-message-success")).to_have_text(
        f"합쳤습니다: 두 기록의 신고가 이제 {first.code} 아래에 있습니다."
    )
    expect(page.get_by_test_id("no-links")).to_have_text("결정을 기다리는 쌍이 없습니다.")
    expect(page.get_by_test_id("link-queue")).to_have_count(0)
    expect(page.locator("h2", has_text="최근 결정")).to_be_visible()
    decision = page.get_by_test_id("link-decisions").locator("li")
    expect(decision).to_have_count(1)
    expect(decision).to_contain_text(f"{first.code} · {second.code} — 같은 사람: 합침")
    expect(decision).to_contain_text(f"{timezone.localdate():%Y-%m-%d}")
    expect(decision).to_contain_text("고태훈")
    screenshot(page, "duplicates-queue-after-merge")
    link.refresh_from_db()
    second.refresh_from_db()
    assert (link.status, link.decided_by, link.note) == (PersonLink.Status.MERGED, officer, NOTE)
    assert second.merged_into == first
    assert Party.objects.filter(person=first).count() == 3  # her three reports
    assert not Party.objects.filter(person=second).exists()

    # 5. The merged pair: its status, the record kept, the reports the merge moved, and the undo form.
    with page.expect_navigation():
        decision.get_by_role("link").click()
    expect(page).to_have_url(pair_url)
    status = page.get_by_test_id("link-status")
    expect(status).to_contain_text("같은 사람: 합침")
    expect(status).to_contain_text("고태훈")
    expect(page.locator("dl.jss-facts")).to_contain_text(NOTE)
    expect(sides.locator("thead th").nth(1)).to_have_text(f"{first.code} 유지")
    expect(sides.locator("tbody tr:last-child td:nth-child(3) li")).to_have_text(second_reports)
    expect(page.get_by_test_id("merge")).to_have_count(0)
    unmerge = page.get_by_test_id("unmerge")
    expect(unmerge).to_have_text("합치기 취소")
    expect(page.locator("label[for=id_note]")).to_contain_text("합치기를 취소하는 이유")
    screenshot(page, "duplicates-merged")

    # 6. Undo without a reason: the field says what is missing, nothing changes.
    with page.expect_navigation():
        unmerge.click()
    expect(page.locator(".jss-has-error .jss-field-error")).to_have_text("필수 항목입니다.")
    expect(page.get_by_test_id("link-status")).to_contain_text("같은 사람: 합침")
    screenshot(page, "duplicates-unmerge-error")
    assert PersonLink.objects.get(pk=link.pk).status == PersonLink.Status.MERGED

    # 7. Undo with a reason: the second record has its report back, the pair is remembered as two people.
    page.locator("textarea[name=note]").fill(UNMERGE_REASON)
    with page.expect_navigation():
        page.get_by_test_id("unmerge").click()
    expect(page).to_have_url(pair_url)
    expect(page.locator(".jss-message-success")).to_have_text(
        f"합치기를 취소했습니다: {second.code}에 원래 신고가 되돌아갔습니다."
    )
    expect(page.get_by_test_id("link-status")).to_contain_text("합치기 취소됨")
    expect(page.locator("dl.jss-facts")).to_contain_text(UNMERGE_REASON)
    expect(page.get_by_test_id("unmerge")).to_have_count(0)
    expect(page.get_by_test_id("merge")).to_have_count(0)
    for column, lines in enumerate((first_reports, second_reports), start=2):
        expect(sides.locator(f"tbody tr:last-child td:nth-child({column}) li")).to_have_text(lines)
    screenshot(page, "duplicates-unmerged")
    link.refresh_from_db()
    assert (link.status, link.undone_by, link.undo_note) == (PersonLink.Status.UNMERGED, officer, UNMERGE_REASON)
    assert link.note != UNMERGE_REASON, "the merge's own note is kept"
    expect(page.get_by_test_id("undone")).to_contain_text(UNMERGE_REASON)
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    assert (report_lines(first), report_lines(second)) == (first_reports, second_reports)
    assert not suspect.merged_into_id


def test_merging_a_victim_with_the_suspect_of_her_reports_is_refused(
    live_server,
    page: Page,
    screenshot,
    officer,
    split_person: dict[str, Person],  # noqa: F811 (the fixture)
):
    victim, suspect = split_person["first"], split_person["suspect"]
    wrong = pending(victim, suspect)
    parties = sorted(Party.objects.values_list("pk", "person_id", "role"))
    base_url = live_server.url
    sign_in(page, base_url, "officer")

    open_queue_from_the_menu(page, base_url)
    queue = page.get_by_test_id("link-queue")
    expect(queue.locator("tbody tr td:nth-child(2)")).to_have_text(["고*비 · 양*철"])
    with page.expect_navigation():
        queue.get_by_role("link").click()
    pair_url = base_url + f"{QUEUE}{wrong.pk}/"
    expect(page).to_have_url(pair_url)

    page.locator("textarea[name=note]").fill("같은 사람으로 보임")
    with page.expect_navigation():
        page.get_by_test_id("merge").click()
    expect(page).to_have_url(pair_url)
    code = first_incident_together(victim, suspect).code
    expect(page.locator(".jss-message-error")).to_have_text(
        f"같은 신고({code})의 피해자와 행위자이므로 서로 다른 사람입니다."
    )
    expect(page.get_by_test_id("link-status")).to_have_text("검토 대기")
    expect(page.get_by_test_id("merge")).to_be_visible()  # still to be decided (as two people)
    screenshot(page, "duplicates-refused")
    wrong.refresh_from_db()
    suspect.refresh_from_db()
    assert (wrong.status, wrong.decided_by, wrong.note) == (PersonLink.Status.PENDING, None, "")
    assert suspect.merged_into is None
    assert sorted(Party.objects.values_list("pk", "person_id", "role")) == parties
