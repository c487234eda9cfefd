"""Issue 6's "done when": the whole cycle of a working council case in Chromium, each step as the persona who
does it. The child protection agency nominates a family; the station's coordinator accepts it (lead institution
and legal basis), shares it with the 1366 hotline and schedules a meeting that also invites the Wee centre, which
does not share the case; the agency and the hotline add research notes; the packs name the persons for the
agency and not for the Wee centre; the chair's screen records the causes and agrees two support actions; the
minutes are drafted and approved; the agency reports its action done with evidence; the hotline's action runs
late and comes back on the next meeting's agenda as behind; it is done, the case is monitored and closed — and
an institution that takes no part sees none of it.

Only what precedes the story is made with factories: the institutions, their people and the two reports.
Time passing (the hotline's action falling overdue) is an update of its due date, not a user's step.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from jss.actions.models import Action
from jss.cases.models import Case
from jss.cases.queries import age_band
from jss.cases.tests.conftest import family  # noqa: F401 (a fixture)
from jss.council.models import Meeting
from jss.institutions.models import Institution
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, artifact_path, sign_in
from tests.factories import Role, make_institution, make_member

# The family fixture's persons (jss.cases.tests.conftest.family): the victim and the suspect.
VICTIM, SUSPECT = "고은비", "양민철"
NOMINATION_NOTE = "아이가 아버지를 무서워하며 학교에 자주 결석함"
AGENCY_NOTE = "최근 2주 동안 아이가 네 번 결석함"
HOTLINE_NOTE = "어머니가 1366에 두 번 상담 전화를 함"
FINDINGS_NOTE = "음주 후 폭력이 반복됨"
AGENCY_ACTION = "아이와 주 1회 가정 방문 상담"
HOTLINE_ACTION = "어머니에게 법률 지원과 쉼터 안내"


def screenshot(page: Page, name: str) -> Path:
    path = artifact_path(f"full-cycle-{name}")
    page.screenshot(path=str(path), full_page=True)
    return path


def pdf_text(path: Path) -> str:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    done = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def download_pack(page: Page) -> str:
    """Click the meeting page's pack link, as a user does, and read the PDF it downloads."""
    with page.expect_download() as download:
        page.get_by_test_id("pack").click()
    return pdf_text(Path(download.value.path()))


def status_of(page: Page, status: str) -> None:
    expect(page.get_by_test_id("case-status")).to_have_class(re.compile(rf"\bjss-status-{status}\b"))


def test_a_case_from_nomination_to_closure(
    browser: Browser,
    page: Page,
    live_server,
    family,  # noqa: F811 (the fixture)
    officer,
    social_worker,
    counsellor,
    child_protection,
    hotline,
    wee_centre,
) -> None:
    base = live_server.url
    make_member("hotline-worker", "문서연", hotline, Role.PRACTITIONER)
    elder = make_institution("elder-protection", "제주노인보호전문기관", category=Institution.Category.ELDER_PROTECTION)
    make_member("elder-worker", "강민지", elder, Role.PRACTITIONER)
    today = timezone.localdate()
    contexts: list[BrowserContext] = []

    def persona(username: str) -> Page:
        context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        other = context.new_page()
        sign_in(other, base, username)
        return other

    try:
        sign_in(page, base, "officer")
        chair = page
        agency = persona("social-worker")
        line = persona("hotline-worker")
        wee = persona("counsellor")
        outsider = persona("elder-worker")

        # 1. The child protection agency nominates the family from the report it recorded.
        report = family["incidents"][1]
        agency.goto(f"{base}/incidents/{report.pk}/")
        agency.get_by_test_id("nominate").click()
        form = agency.get_by_test_id("nominate-form")
        expect(agency.get_by_test_id("nominate-persons")).to_contain_text(VICTIM)
        expect(agency.get_by_test_id("nominate-station")).to_contain_text("제주동부경찰서")
        form.locator("input[name=reasons][value=repeat]").check()
        form.locator("input[name=reasons][value=professional_judgement]").check()
        form.locator("textarea[name=note]").fill(NOMINATION_NOTE)
        screenshot(agency, "1-nominate")
        with agency.expect_navigation():
            form.get_by_role("button", name="추천하기").click()
        case = Case.objects.get()
        status_of(agency, "nominated")
        expect(agency.get_by_test_id("nomination")).to_have_attribute("data-status", "pending")

        # 2. The coordinator accepts it from the nominations to review, with the agency as the lead on a
        # statutory basis, shares it in full with the hotline, and schedules a meeting.
        chair.locator("nav.jss-nav").get_by_role("link", name="사례", exact=True).click()
        pending = chair.get_by_test_id("pending-nomination")
        expect(pending).to_contain_text(child_protection.name)
        pending.get_by_role("link", name=case.code).click()
        expect(chair.get_by_test_id("nomination-note")).to_contain_text(NOMINATION_NOTE)
        accept = chair.get_by_test_id("accept-form")
        accept.locator("select[name$=-lead_institution]").select_option(label=child_protection.name)
        accept.locator("input[name$=-basis][value=statute]").check()
        accept.locator("input[name$=-statute][value=child-welfare-act]").check()
        expect(accept.locator("input[name$=-scope][value=full]")).to_be_checked()
        with chair.expect_navigation():
            accept.get_by_role("button", name="실무협의회 사례로 선정").click()
        status_of(chair, "accepted")
        expect(chair.get_by_test_id("case-lead")).to_have_text(child_protection.name)

        chair.get_by_test_id("share-panel").locator("summary").click()
        share = chair.get_by_test_id("share-form")
        share.locator("select[name=share-institution]").select_option(label=hotline.name)
        share.locator("input[name=share-basis][value=statute]").check()
        share.locator("input[name=share-statute][value=domestic-violence-prevention-act]").check()
        share.locator("input[name=share-scope][value=full]").check()
        screenshot(chair, "2-share-form-loaded-when-opened")
        with chair.expect_navigation():
            share.get_by_role("button", name="이 근거로 추가").click()
        shares = chair.get_by_test_id("share")
        expect(shares).to_have_count(2)
        expect(chair.locator(f"[data-testid=share][data-institution={hotline.key}]")).to_be_visible()
        screenshot(chair, "2-accepted-and-shared")

        chair.locator("nav.jss-nav").get_by_role("link", name="실무협의회", exact=True).click()
        chair.get_by_test_id("schedule").click()
        expect(chair.get_by_test_id("agenda-preview")).to_contain_text(case.code)
        starts = timezone.localtime() + datetime.timedelta(days=2)
        chair.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
        chair.locator("input[name=place]").fill("제주동부경찰서 3층 회의실")
        # The institutions taking part are ticked already; the Wee centre is invited without sharing the case.
        expect(chair.get_by_label(child_protection.name)).to_be_checked()
        expect(chair.get_by_label(hotline.name)).to_be_checked()
        chair.get_by_label(wee_centre.name).check()
        with chair.expect_navigation():
            chair.get_by_role("button", name="일정 등록").click()
        meeting = Meeting.objects.get()
        meeting_url = f"{base}/council/{meeting.pk}/"
        expect(chair.get_by_test_id("agenda-item")).to_have_count(1)
        expect(chair.get_by_test_id("agenda-item")).to_contain_text(case.code)

        # 3. The agency and the hotline add what they know before the meeting.
        for worker, note in ((agency, AGENCY_NOTE), (line, HOTLINE_NOTE)):
            worker.locator("nav.jss-nav").get_by_role("link", name="실무협의회", exact=True).click()
            worker.get_by_test_id("upcoming").get_by_role("link").click()
            worker.get_by_test_id("note-form").locator("textarea[name$=-text]").fill(note)
            with worker.expect_navigation():
                worker.get_by_role("button", name="메모 추가").click()
            expect(worker.get_by_test_id("research-notes")).to_contain_text(note)
        expect(line.get_by_test_id("research-notes")).to_contain_text(AGENCY_NOTE)

        # 4. The packs: the Wee centre's is pseudonymised (the case code, no names, no notes); the agency's names
        # the persons.
        wee.goto(meeting_url)
        expect(wee.get_by_test_id("not-shared")).to_be_visible()
        expect(wee.locator("main")).not_to_contain_text(VICTIM[1:])
        expect(wee.locator("main")).not_to_contain_text(AGENCY_NOTE)
        screenshot(wee, "4-wee-meeting")
        text = download_pack(wee)
        assert case.code in text
        assert age_band(family["victim"], today) in text  # pseudonymised: an age band instead of a name
        for secret in (VICTIM, VICTIM[1:], SUSPECT, SUSPECT[1:], AGENCY_NOTE, HOTLINE_NOTE, NOMINATION_NOTE):
            assert secret not in text, secret
        text = download_pack(agency)
        assert case.code in text
        assert VICTIM in text
        assert HOTLINE_NOTE in text

        # 5. The meeting: on the chair's screen the chair runs the clock, records the causes and agrees two
        # support actions; then attendance, the minutes drafted from what was recorded, and approval.
        chair.goto(meeting_url)
        chair.get_by_test_id("chair-link").click()
        expect(chair.get_by_test_id("chair-screen")).to_be_visible()
        expect(chair.get_by_test_id("chair-position")).to_contain_text("1")
        expect(chair.get_by_test_id("chair-notes")).to_contain_text(AGENCY_NOTE)
        expect(chair.get_by_test_id("chair-notes")).to_contain_text(HOTLINE_NOTE)
        expect(chair.get_by_test_id("chair-screen")).to_contain_text(VICTIM)  # the station sees its case in full
        with chair.expect_navigation():
            chair.get_by_test_id("timer-start").click()
        expect(chair.get_by_test_id("timer")).to_have_attribute("data-running", "1")
        expect(chair.get_by_test_id("timer-stop")).to_be_visible()

        findings = chair.get_by_test_id("chair-findings-form")
        findings.locator("select[name$=-decision]").select_option("discussed")
        findings.locator("input[name$=-causes][value=alcohol]").check()
        findings.locator("input[name$=-causes][value=family_conflict]").check()
        findings.locator("select[name$=-risk_rating]").select_option("crisis")
        findings.locator("textarea[name$=-note]").fill(FINDINGS_NOTE)
        with chair.expect_navigation():
            findings.locator("button[type=submit]").click()
        findings = chair.get_by_test_id("chair-findings-form")
        expect(findings.locator("select[name$=-decision]")).to_have_value("discussed")
        expect(findings.locator("input[name$=-causes][value=alcohol]")).to_be_checked()
        expect(findings.locator("input[name$=-causes][value=family_conflict]")).to_be_checked()

        agreed = (
            (child_protection, today + datetime.timedelta(days=14), "가정 방문 상담", AGENCY_ACTION),
            (hotline, today + datetime.timedelta(days=21), "법률 지원 연계", HOTLINE_ACTION),
        )
        for institution, due_on, service, what in agreed:
            form = chair.get_by_test_id("chair-action-form")
            form.locator("select[name=action-institution]").select_option(label=institution.name)
            form.locator("input[name=action-due_on]").fill(due_on.isoformat())
            form.locator("input[name=action-service_text]").fill(service)
            form.locator("textarea[name=action-description]").fill(what)
            with chair.expect_navigation():
                form.locator("button[type=submit]").click()
        rows = chair.get_by_test_id("agreed-actions").locator("li")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(child_protection.name)
        expect(rows.nth(1)).to_contain_text(hotline.name)
        with chair.expect_navigation():
            chair.get_by_test_id("timer-stop").click()
        expect(chair.get_by_test_id("timer")).to_have_attribute("data-running", "0")
        screenshot(chair, "5-chair-screen")
        agency_action = Action.objects.get(institution=child_protection)
        hotline_action = Action.objects.get(institution=hotline)
        assert agency_action.meeting_id == hotline_action.meeting_id == meeting.pk

        chair.goto(meeting_url)
        item = chair.get_by_test_id("agenda-item")
        expect(item).to_contain_text("음주")
        expect(item).to_contain_text("가족 갈등")
        attendance = chair.get_by_test_id("attendance-form")
        for institution in (child_protection, hotline, wee_centre):
            attendance.get_by_label(institution.name).check()
        with chair.expect_navigation():
            chair.get_by_role("button", name="참석 기록").click()
        with chair.expect_navigation():
            chair.get_by_role("button", name="기록한 내용으로 초안 작성").click()
        minutes = chair.locator("textarea[name=minutes-minutes]")
        for expected in (case.code, wee_centre.name, "음주", "가정 방문 상담", "법률 지원 연계"):
            expect(minutes).to_contain_text(expected)
        with chair.expect_navigation():
            chair.get_by_test_id("approve").click()
        expect(chair.get_by_test_id("meeting-status")).to_have_text("회의록 확정")
        expect(chair.get_by_test_id("minutes")).to_contain_text("법률 지원 연계")
        expect(chair.get_by_test_id("minutes")).not_to_contain_text(VICTIM[1:])  # minutes go to every institution
        screenshot(chair, "5-minutes-approved")

        # 6. The agency finds its action in its inbox and reports it done, with the evidence.
        agency.locator("nav.jss-nav").get_by_role("link", name="지원 활동", exact=True).click()
        open_rows = agency.get_by_test_id("open-actions").get_by_test_id("action-row")
        expect(open_rows).to_have_count(1)
        expect(open_rows).to_contain_text(AGENCY_ACTION)
        open_rows.get_by_role("link", name=case.code).click()
        expect(agency.get_by_test_id("action-what")).to_contain_text(AGENCY_ACTION)
        update = agency.get_by_test_id("update-form")
        update.locator("select[name=update-status]").select_option("done")
        update.locator("textarea[name=update-text]").fill("가정 방문 상담을 4회 진행함")
        update.locator("textarea[name=update-evidence]").fill("상담 기록 2024-117, 첫 방문일 기록")
        with agency.expect_navigation():
            agency.get_by_role("button", name="경과 저장").click()
        expect(agency.get_by_test_id("action-status")).to_have_class(re.compile(r"\bjss-action-done\b"))
        expect(agency.get_by_test_id("action-finished")).to_be_visible()
        expect(agency.get_by_test_id("action-updates")).to_contain_text("상담 기록 2024-117")
        screenshot(agency, "6-action-done")

        # 7. Time passes: the hotline's action is now overdue. The next meeting carries the case over for review,
        # with the hotline shown as behind.
        Action.objects.filter(pk=hotline_action.pk).update(due_on=today - datetime.timedelta(days=3))
        chair.locator("nav.jss-nav").get_by_role("link", name="실무협의회", exact=True).click()
        chair.get_by_test_id("schedule").click()
        expect(chair.get_by_test_id("agenda-preview")).to_contain_text(case.code)
        chair.locator("input[name=starts_at]").fill((starts + datetime.timedelta(days=28)).strftime("%Y-%m-%dT%H:%M"))
        chair.locator("input[name=place]").fill("제주동부경찰서 3층 회의실")
        expect(chair.get_by_label(hotline.name)).to_be_checked()
        with chair.expect_navigation():
            chair.get_by_role("button", name="일정 등록").click()
        following = Meeting.objects.exclude(pk=meeting.pk).get()
        next_chair_item = following.items.get().pk
        item = chair.get_by_test_id("agenda-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(case.code)
        expect(item).to_contain_text("진행 점검")  # "review"
        behind = item.get_by_test_id("open-actions").locator("li")
        expect(behind).to_have_count(1)  # the agency's action is done, the hotline's still open
        expect(behind).to_contain_text(hotline.name)
        expect(behind.get_by_test_id("behind")).to_be_visible()
        screenshot(chair, "7-next-meeting-behind")
        chair.get_by_test_id("chair-link").click()
        expect(chair.get_by_test_id("chair-open-actions")).to_contain_text(hotline.name)
        expect(chair.get_by_test_id("chair-open-actions").get_by_test_id("behind")).to_be_visible()
        screenshot(chair, "7-next-chair-screen")

        # 8. The hotline catches up; the coordinator monitors the case, logs a contact and closes it.
        line.locator("nav.jss-nav").get_by_role("link", name="지원 활동", exact=True).click()
        expect(line.get_by_test_id("overdue-count")).to_be_visible()
        row = line.get_by_test_id("open-actions").get_by_test_id("action-row")
        expect(row).to_have_count(1)
        expect(row.get_by_test_id("overdue")).to_be_visible()
        row.get_by_role("link", name=case.code).click()
        update = line.get_by_test_id("update-form")
        update.locator("select[name=update-status]").select_option("done")
        update.locator("textarea[name=update-evidence]").fill("법률구조공단 상담 예약 확인서")
        with line.expect_navigation():
            line.get_by_role("button", name="경과 저장").click()
        expect(line.get_by_test_id("action-status")).to_have_class(re.compile(r"\bjss-action-done\b"))

        chair.goto(f"{base}/cases/{case.pk}/")
        status_of(chair, "plan_active")
        with chair.expect_navigation():
            chair.get_by_test_id("start-monitoring").click()
        status_of(chair, "monitoring")
        chair.get_by_test_id("contact-panel").locator("summary").click()
        contact = chair.get_by_test_id("contact-form")
        contact.locator("input[name=contact-contacted_on]").fill(today.isoformat())
        contact.locator("select[name=contact-kind]").select_option(index=1)
        contact.locator("input[name=contact-with_consent]").check()
        contact.locator("textarea[name=contact-note]").fill("어머니와 통화: 추가 신고 없음")
        with chair.expect_navigation():
            contact.get_by_role("button", name="연락 기록하기").click()
        expect(chair.get_by_test_id("contacts")).to_contain_text("추가 신고 없음")
        chair.get_by_test_id("close-panel").locator("summary").click()
        close = chair.get_by_test_id("close-form")
        close.locator("select[name=close-outcome]").select_option("risk_reduced")
        close.locator("textarea[name=close-note]").fill("가정 방문 상담과 법률 지원을 마치고 3개월간 재신고 없음")
        with chair.expect_navigation():
            close.locator("button[type=submit]").click()
        status_of(chair, "closed")
        expect(chair.get_by_test_id("closure")).to_contain_text("3개월간 재신고 없음")
        case_actions = chair.get_by_test_id("case-action")
        expect(case_actions).to_have_count(2)
        for index in range(2):
            expect(case_actions.nth(index).get_by_test_id("action-status")).to_have_class(
                re.compile(r"\bjss-action-done\b")
            )
        screenshot(chair, "8-closed")
        case.refresh_from_db()
        assert (case.status, case.outcome) == (Case.Status.CLOSED, Case.Outcome.RISK_REDUCED)

        # 9. Outsiders. The Wee centre was only invited: no case page, no action. The elder protection agency
        # takes no part at all: no case, no action, no meeting, and nothing of the case in its lists.
        pages = [f"/cases/{case.pk}/", f"/actions/{agency_action.pk}/", f"/actions/{hotline_action.pk}/"]
        for url in pages:
            response = wee.goto(base + url)
            assert response is not None
            assert response.status == 404, url
        first_item = meeting.items.get()
        # Closed, the case has left the agenda of the meeting not held yet (nobody had written notes for it).
        assert not following.items.filter(case=case).exists()
        meeting_pages = [
            f"/council/{meeting.pk}/",
            f"/council/{following.pk}/",
            f"/council/items/{first_item.pk}/chair/",
            f"/council/items/{next_chair_item}/chair/",
        ]
        for url in pages + meeting_pages:
            response = outsider.goto(base + url)
            assert response is not None
            assert response.status == 404, url
        for url in (
            f"/council/{meeting.pk}/pack.pdf",
            f"/council/{meeting.pk}/invite.ics",
            f"/actions/{agency_action.pk}/letter.pdf",
        ):
            assert outsider.request.get(base + url).status == 404, url
        lists = {"사례": ["no-cases"], "지원 활동": ["open-actions-empty", "finished-actions-empty"], "실무협의회": []}
        for reader in (outsider, wee):
            for link, empty in lists.items():
                with reader.expect_navigation():
                    reader.locator("nav.jss-nav").get_by_role("link", name=link, exact=True).click()
                for testid in empty:
                    expect(reader.get_by_test_id(testid)).to_be_visible()
                if reader is outsider:
                    expect(reader.locator("main")).not_to_contain_text(case.code)
                    expect(reader.locator("main")).not_to_contain_text(meeting.code)
                    expect(reader.locator("main")).not_to_contain_text(following.code)
        screenshot(outsider, "9-outsider-meetings")
    finally:
        for context in contexts:
            context.close()
