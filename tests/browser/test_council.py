"""A working council meeting in Chromium: the chair schedules it with the accepted case on the agenda, an
invited institution adds a research note, the chair records the causes, attendance and approves the
minutes; the invited institution that does not share the case sees only its code."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from jss.cases.tests.conftest import family  # noqa: F401 (a fixture)
from jss.council.models import Meeting
from jss.council.tests.conftest import accepted  # noqa: F401 (a fixture)
from tests.browser.conftest import artifact_path, sign_in


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifact_path(name)), full_page=True)


def test_a_meeting_from_scheduling_to_approved_minutes(
    page: Page,
    live_server,
    accepted,  # noqa: F811 (the fixture)
    officer,
    social_worker,
    counsellor,
    child_protection,
    wee_centre,
) -> None:
    base = live_server.url
    sign_in(page, base, "officer")
    page.locator("nav.jss-nav").get_by_role("link", name="실무협의회", exact=True).click()
    page.get_by_test_id("schedule").click()
    expect(page.get_by_test_id("agenda-preview")).to_contain_text(accepted.code)
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("input[name=starts_at]").fill(when)
    page.locator("input[name=place]").fill("제주동부경찰서 3층 회의실")
    page.get_by_label(wee_centre.name).check()
    expect(page.get_by_label(child_protection.name)).to_be_checked()  # the lead institution, ticked already
    screenshot(page, "council-schedule")
    with page.expect_navigation():
        page.get_by_role("button", name="일정 등록").click()
    meeting = Meeting.objects.get()
    expect(page.get_by_test_id("agenda-item")).to_have_count(1)

    # The child protection agency (lead, shares the case in full) adds a research note.
    other = page.context.browser.new_context(locale="ko-KR")  # type: ignore[union-attr]
    agency = other.new_page()
    sign_in(agency, base, "social-worker")
    agency.goto(f"{base}/council/{meeting.pk}/")
    agency.locator("textarea[name$=-text]").fill("아이가 최근 2주 동안 자주 결석함")
    with agency.expect_navigation():
        agency.get_by_role("button", name="메모 추가").click()
    expect(agency.get_by_test_id("research-notes")).to_contain_text("자주 결석함")
    other.close()

    # The Wee centre is invited but the case is not shared with it: the code only, no note.
    wee_context = page.context.browser.new_context(locale="ko-KR")  # type: ignore[union-attr]
    wee = wee_context.new_page()
    sign_in(wee, base, "counsellor")
    wee.goto(f"{base}/council/{meeting.pk}/")
    expect(wee.get_by_test_id("not-shared")).to_be_visible()
    expect(wee.locator("main")).not_to_contain_text("자주 결석함")
    expect(wee.locator("main")).not_to_contain_text("은비")
    screenshot(wee, "council-not-shared")
    wee_context.close()

    page.reload()
    page.locator("details.jss-findings summary").click()
    page.locator("select[name$=-decision]").select_option("discussed")
    page.get_by_label("음주", exact=True).check()
    page.get_by_label("경제적 어려움").check()
    page.locator("select[name$=-risk_rating]").select_option("crisis")
    with page.expect_navigation():
        page.get_by_role("button", name="결과 기록").click()
    expect(page.get_by_test_id("agenda-item")).to_contain_text("음주, 경제적 어려움")
    page.get_by_test_id("attendance-form").get_by_label(child_protection.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="참석 기록").click()
    with page.expect_navigation():
        page.get_by_role("button", name="기록한 내용으로 초안 작성").click()
    expect(page.locator("textarea[name=minutes-minutes]")).to_contain_text(accepted.code)
    expect(page.locator("textarea[name=minutes-minutes]")).to_contain_text(f"참석: {child_protection.name}")
    screenshot(page, "council-minutes-draft")
    with page.expect_navigation():
        page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("회의록 확정")
    expect(page.get_by_test_id("minutes")).to_contain_text(accepted.code)
    screenshot(page, "council-approved")
