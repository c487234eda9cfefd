"""Issue 4's journey in Chromium: a station coordinator imports a CP949 CSV (as Korean Excel saves it) with
two bad rows, reads the problems on the preview, imports the rest, uploads the same file again and is told
that nothing is new, then finds the repeat flag the import raised on the triage list, with its explanation,
and opens it.

The file: three domestic-violence reports about one couple in 일도2동 (제주동부경찰서's area) within the last
three months, written in three of the date forms Korean spreadsheets use, so the rule file's
`household_grade_a` (3 reports in 12 months) fires, and `escalation` (the same pair 3 times) with it; row 3
has the impossible date 2026.02.30; row 5 has the unknown kind 층간소음 and a name in 신고자 이름, a column
whose person would have no role. The dates are relative to today, because the triage list shows the flags
open now (a flag stands for 90 days after its last report).

Screenshots of every step are kept in test-artifacts/import-*.png and test-artifacts/triage-*.png for people
to look at.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from jss.incidents.models import Incident, Party
from jss.repeats.models import Flag
from jss.repeats.rules import load_rules
from tests.browser.conftest import sign_in

SIGN_IN = "/accounts/sign-in/"
UPLOAD = "/imports/"
TRIAGE = "/repeats/"
FILENAME = "동부서-신고-2026.csv"

HEADER = ["신고번호", "접수일시", "발생일시", "유형", "신고경로", "읍면동", "피해자 이름", "피해자 생년월일",
          "피해자 성별", "피해자 전화", "가해자 이름", "가해자 생년월일", "가해자 성별", "가해자 전화", "관계",
          "부상", "음주", "조치", "내용", "신고자 이름"]  # fmt: skip
VICTIM = "한소망"
SUSPECT = "강철민"
REPORTER = "오지랖"  # in 신고자 이름: a person without a role, refused
COUPLE = [VICTIM, "1988.04.12", "여", "010-0000-3001", SUSPECT, "1985.07.03", "남", "010-0000-3002", "배우자"]
DAYS_AGO = (70, 40, 5)  # the three reports about the couple
GRADE_A = "household_grade_a"
ESCALATION = "escalation"


def report_day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def cp949_csv() -> bytes:
    """Five rows as Korean Excel's "CSV" saves them (CP949, CRLF): three good, rows 3 and 5 bad."""
    first, second, third = (report_day(days) for days in DAYS_AGO)
    rows = [
        ["112-J-0001", f"{first:%Y.%m.%d} 22:40", f"{first:%Y.%m.%d} 22:10", "가정폭력", "112", "일도2동",
         *COUPLE, "N", "Y", "현장종결", "(가상 사례) 귀가 후 말다툼 중 밀침", ""],
        ["112-J-0002", "2026.02.30 21:00", "", "가정폭력", "112", "조천읍", "양미래", "1990.10.10", "여",
         "010-0000-3011", "고현우", "1989", "남", "010-0000-3012", "배우자", "N", "Y", "현장종결",
         "(가상 사례) 날짜를 잘못 적은 행", ""],
        ["112-J-0003", f"{second:%Y-%m-%d} 오후 11:15", f"{second:%Y-%m-%d} 오후 10:50", "가정폭력", "112", "일도2동",
         *COUPLE, "Y", "Y", "응급조치, 입건", "(가상 사례) 얼굴을 때려 부상", ""],
        ["112-J-0004", "2026.11.05 20:10", "2026.11.05 19:50", "층간소음", "112", "구좌읍", "강민호", "1975", "남",
         "010-0000-3015", "문태식", "1968", "남", "010-0000-3016", "지인", "N", "N", "현장종결",
         "(가상 사례) 유형이 양식에 없는 행", REPORTER],
        ["112-J-0005", f"{third.year}년 {third.month}월 {third.day}일 23시 5분",
         f"{third.year}년 {third.month}월 {third.day}일 22시 40분", "가정폭력", "112", "일도2동",
         *COUPLE, "Y", "Y", "임시조치, 기관연계", "(가상 사례) 다시 찾아와 폭행", ""],
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode("cp949")


def choose_file(page: Page, base_url: str, data: bytes) -> None:
    page.goto(base_url + UPLOAD)
    expect(page.locator("h1")).to_have_text("엑셀 파일에서 신고 가져오기")
    csv_file = FilePayload(name=FILENAME, mimeType="text/csv", buffer=data)
    page.locator("input[type=file][name=file]").set_input_files(files=csv_file)
    expect(page.locator("select[name=source]")).to_have_value("112")  # a police station's reports


def check_file(page: Page, base_url: str) -> None:
    """Send the chosen file ("파일 확인") and land on its preview."""
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/imports/\d+/$"))
    expect(page.locator("h1")).to_have_text("가져오기 확인")


def table_rows(page: Page, test_id: str) -> list[list[str]]:
    """The body rows of a table, as lists of cell texts."""
    body_rows = page.get_by_test_id(test_id).locator("tbody tr")
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in body_rows.all()]


def test_import_a_cp949_file_with_bad_rows_then_triage_the_repeat_flag(live_server, page: Page, screenshot, officer):
    data = cp949_csv()
    base_url = live_server.url
    sign_in(page, base_url, "officer")

    # 1. Upload: the preview counts the rows and names every problem by row and column, saving nothing.
    choose_file(page, base_url, data)
    screenshot(page, "import-upload")
    check_file(page, base_url)
    counts = page.get_by_test_id("preview-counts")
    expect(counts).to_contain_text(FILENAME)
    expect(page.get_by_test_id("to-create")).to_have_text("3")
    expect(page.get_by_test_id("unchanged")).to_have_text("0")
    expect(page.get_by_test_id("with-problems")).to_have_text("2")
    problems = page.get_by_test_id("problems")
    expect(problems.locator("thead")).to_have_text(re.compile(r"행\s*열\s*문제"))
    expect(problems.locator("tbody tr")).to_have_count(3)
    screenshot(page, "import-preview")
    assert table_rows(page, "problems") == [
        ["3", "접수일시", "“2026.02.30 21:00”은(는) 존재하지 않는 날짜입니다."],
        ["5", "신고자 이름", "역할이 없는 이름입니다. 양식에는 피해자 이름과 가해자 이름 열만 있습니다. "
                            "이름을 둘 중 한 열로 옮기거나 이 열을 삭제하십시오."],
        ["5", "유형", "알 수 없는 폭력 유형 “층간소음”입니다. 다음 중 하나를 적으십시오: "
                     "가정폭력, 아동학대, 노인학대, 장애인학대, 학교폭력, 성폭력, 스토킹, 교제폭력."],
    ]  # fmt: skip
    main = page.locator("main")
    for name in (VICTIM, SUSPECT, REPORTER):
        expect(main).not_to_contain_text(name)  # no personal data on the preview
    assert not Incident.objects.exists(), "nothing is saved before the confirmation"

    # 2. Confirm: the three good rows are saved, the two bad rows are listed as not imported.
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_have_text("올바른 행 3개 가져오기")
    with page.expect_navigation():
        confirm.click()
    expect(page.locator("h1")).to_have_text("가져오기 완료")
    expect(page.get_by_test_id("import-result")).to_have_text(
        "신고 3건 등록, 0건 변동 없음(이미 가져옴), 2개 행 가져오지 않음."
    )
    expect(page.get_by_test_id("created")).to_have_text("3")
    expect(page.get_by_test_id("skipped")).to_have_text("2")
    expect(page.get_by_test_id("problems").locator("tbody tr td:first-child")).to_have_text(["3", "5", "5"])
    screenshot(page, "import-result")
    assert sorted(Incident.objects.values_list("source_reference", flat=True)) == [
        "112-J-0001",
        "112-J-0003",
        "112-J-0005",
    ]
    victims = Party.objects.filter(role=Party.Role.VICTIM).values_list("person_id", flat=True)
    suspects = Party.objects.filter(role=Party.Role.SUSPECT).values_list("person_id", flat=True)
    assert len(set(victims)) == len(set(suspects)) == 1, "the three rows are about the same two persons"
    flags = {flag.rule_id: flag for flag in Flag.objects.filter(state__in=Flag.OPEN_STATES)}
    assert set(flags) == {GRADE_A, ESCALATION}, "the import ran the repeat rules"
    all_flags = list(Flag.objects.order_by("pk").values_list("pk", "rule_id", "state", "fired_at", "expires_at"))

    # 3. The same file again: every good row is already imported, nothing is new; cancelling deletes it.
    choose_file(page, base_url, data)
    check_file(page, base_url)
    expect(page.get_by_test_id("to-create")).to_have_text("0")
    expect(page.get_by_test_id("unchanged")).to_have_text("3")
    expect(page.get_by_test_id("with-problems")).to_have_text("2")
    expect(page.locator("main .jss-actions")).to_contain_text("새로 가져올 신고가 없습니다.")
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    screenshot(page, "import-again")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="취소하고 파일 삭제").click()
    expect(page).to_have_url(base_url + UPLOAD)
    expect(page.locator("main")).to_contain_text("업로드한 파일을 삭제했습니다. 가져온 내용은 없습니다.")
    assert Incident.objects.count() == 3
    assert (
        list(Flag.objects.order_by("pk").values_list("pk", "rule_id", "state", "fired_at", "expires_at")) == all_flags
    )

    # 4. The triage list: the grade A flag first, explained by the three reports' dates and sources.
    incidents = list(Incident.objects.order_by("reported_at"))
    explanation = (
        "최근 12개월 가정폭력 신고 3건: "
        + ", ".join(f"{report_day(days):%Y-%m-%d} (112)" for days in DAYS_AGO)
        + " — 재발우려가정 A등급 기준(12개월 내 3회 이상)"
    )
    grade_a = flags[GRADE_A]
    persons = sorted(grade_a.persons.values_list("code", flat=True))
    assert len(persons) == 2
    page.goto(base_url + TRIAGE)
    expect(page.locator("h1")).to_have_text("재발 위험 알림")
    listed = page.get_by_test_id("flag")
    expect(listed).to_have_count(2)
    assert [item.get_attribute("data-rule") for item in listed.all()] == [GRADE_A, ESCALATION]
    flag = page.locator(f"[data-testid=flag][data-rule={GRADE_A}]")
    expect(flag.locator("h2 a")).to_have_text("재발우려가정 A등급")
    expect(flag.get_by_test_id("flag-explanation")).to_have_text(explanation)
    for code in persons:
        expect(flag).to_contain_text(code)
    expect(flag.locator("[data-testid=flag-incidents] tbody tr td:first-child")).to_have_text(
        [incident.code for incident in incidents]
    )
    expect(flag).to_contain_text("제주동부경찰서")
    expect(
        page.locator(f"[data-testid=flag][data-rule={ESCALATION}]").get_by_test_id("flag-explanation")
    ).to_contain_text("같은 피해자·행위자 최근 12개월 신고 3건")
    for name in (VICTIM, SUSPECT):
        expect(page.locator("main")).not_to_contain_text(name)  # persons by code only
    screenshot(page, "triage-list")

    # 5. The flag's page: the same explanation, its state, rule, station and the three reports.
    with page.expect_navigation():
        flag.locator("h2 a").click()
    expect(page).to_have_url(base_url + f"/repeats/{grade_a.pk}/")
    expect(page.locator("h1")).to_have_text("재발우려가정 A등급")
    expect(page.get_by_test_id("flag-explanation")).to_have_text(explanation)
    expect(page.get_by_test_id("flag-state")).to_have_text("활성")
    facts = page.locator("main dl.jss-facts")
    expect(facts).to_contain_text(f"{GRADE_A} · 규칙 파일 버전 {load_rules().version}")
    expect(facts).to_contain_text("제주동부경찰서")
    expect(page.locator("[data-testid=flag-incidents] tbody tr td:first-child")).to_have_text(
        [incident.code for incident in incidents]
    )
    expect(page.locator("[data-testid=flag-incidents] tbody tr td:nth-child(3)")).to_have_text(["가정폭력"] * 3)
    screenshot(page, "triage-flag")
