"""Issue 5's "done when" in Chromium, on a phone: 제주동부경찰서's coordinator opens the report of 고은비 (a
domestic-violence victim), taps "위험 요인 확인", chooses the instrument and answers its questions by tapping
the large 예 / 아니오 / 모름 buttons, each answer saved as it is tapped; reloads midway and finds the answers
kept; presses "평가 완료" with one question left and is shown which; answers it and completes; reads the
result (band, score, the unknown answer, "identification, not prediction", the pack's "not validated" note);
sets a different band (심각): without a reason the field says so, with one the professional's band is shown
and the computed one kept beside it; finds the flag the top band raised on the triage list, with its
explanation, and opens it; and reads the person's history of assessments with both bands.

The instrument is the assessment unit tests' own pack (`test_pack`, five questions, bands 주의 0–3, 위기 4–6,
심각 7–9; 목을 조른 적이 있다 is critical), so the wording does not depend on the shipped packs. The answers:
목 조름 unknown (she cannot say), threats, more often and afraid yes, drinking no: score 5 of 9, 위기, and with the critical item unknown it could be 심각.

The phone is 390×844 CSS pixels at device scale 2, with touch. On every page nothing sticks out sideways and
the answer buttons are at least 44 px tall (WCAG 2.5.5's target size). Screenshots of every step are kept in
test-artifacts/risk-phone-*.png for people to look at.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect

from jss.incidents.models import Incident
from jss.people.models import Person
from jss.repeats.models import Flag
from jss.risk.models import Assessment
from jss.risk.packs import Pack
from jss.risk.tests.conftest import test_pack, victim  # noqa: F401 (fixtures)
from tests.browser.conftest import sign_in

SIGN_IN = "/accounts/sign-in/"
TRIAGE = "/repeats/"
PHONE: ViewportSize = {"width": 390, "height": 844}
TAP_TARGET_PX = 44
RULE = "high_risk_assessment"
RULE_TITLE = "위험 요인 확인: 가장 높은 단계 또는 치명적 요인"
ITEMS = ["choked", "threats", "more_often", "drinking", "afraid"]
ANSWERS = {"choked": "unknown", "threats": "yes", "more_often": "yes", "drinking": "no", "afraid": "yes"}
LABELS = {"yes": "예", "no": "아니오", "unknown": "모름"}
LEFT_FOR_LATER = "afraid"  # the question left unanswered when 평가 완료 is first pressed
REASON = "행위자가 지난주 흉기를 구입했고 피해자의 새 주소를 알아냄 — 체크리스트에 없는 위험."
NOT_PREDICTION_FORM = "위험 요인 확인이며 예측이 아닙니다."
NOT_PREDICTION_RESULT = "위험 요인 체크리스트는 위험을 확인할 뿐, 앞으로 일어날 일을 예측하지 않습니다."
NOT_VALIDATED = "검증되지 않음 — 시험용"

# Elements that stick out of the screen on the right, unless a frame that scrolls or clips (and is itself on
# the screen) holds them: on a phone KRDS hides the body's horizontal overflow, so they would be cut off.
STICKING_OUT = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
    let parent = element.parentElement, held = false;
    while (parent && parent !== document.body) {
      if (getComputedStyle(parent).overflowX !== "visible" && parent.getBoundingClientRect().right <= width + 0.5) {
        held = true;
        break;
      }
      parent = parent.parentElement;
    }
    if (!held) out.push(`${element.tagName.toLowerCase()}.${element.className}: ${element.textContent.trim().slice(0, 40)}`);
  }
  return out;
}"""


def assert_fits_the_phone(page: Page) -> None:
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert page.evaluate(STICKING_OUT) == []
    for badge in page.locator("main .krds-badge, main .jss-band-chip").all():  # a badge's text is not cut off
        assert badge.evaluate(
            "element => element.scrollWidth <= element.clientWidth && element.scrollHeight <= element.clientHeight + 1"
        ), badge.inner_text()


def question(page: Page, item_id: str) -> Locator:
    return page.locator(f"li.jss-item#item-{item_id}")


def answer_button(page: Page, item_id: str, answer: str) -> Locator:
    return question(page, item_id).locator(f"label.jss-answer-{answer}")


def assert_large_buttons(page: Page) -> None:
    """Every question's text is shown (KRDS hides legends), and its three answer buttons, as drawn, are at least
    44 px tall and wide, side by side on one row within the screen."""
    for item_id in ITEMS:
        legend = question(page, item_id).locator("legend")
        box = legend.bounding_box()
        assert box is not None
        assert box["width"] >= 100, (item_id, box)  # not KRDS's 1×1 px
        assert box["height"] >= 20, (item_id, box)
        assert legend.evaluate("element => element.scrollWidth <= element.clientWidth"), item_id  # not cut off
        buttons = question(page, item_id).locator("label.jss-answer > span")
        expect(buttons).to_have_text(list(LABELS.values()))
        boxes = [button.bounding_box() for button in buttons.all()]
        row = {box["y"] for box in boxes if box is not None}
        assert len(row) == 1, (item_id, boxes)  # side by side
        for button_box in boxes:
            assert button_box is not None
            assert button_box["height"] >= TAP_TARGET_PX, (item_id, boxes)
            assert button_box["width"] >= TAP_TARGET_PX, (item_id, boxes)
            assert button_box["x"] >= 0
            assert button_box["x"] + button_box["width"] <= PHONE["width"]


def tap_answer(page: Page, item_id: str, answer: str, *, answered: int) -> None:
    """Tap a button: it shows as chosen, and the progress says how many are answered and that it is saved."""
    button = answer_button(page, item_id, answer)
    button.tap()
    expect(button.locator("input")).to_be_checked()
    expect(page.get_by_test_id("progress")).to_have_text(f"{len(ITEMS)}개 중 {answered}개 답함 · 저장됨")
    # The progress line stays on the screen (sticky) and does not cover the button just tapped.
    progress, tapped = page.locator("#progress").bounding_box(), button.bounding_box()
    assert progress is not None
    assert tapped is not None
    assert progress["y"] >= 0, progress
    assert progress["y"] + progress["height"] <= PHONE["height"], progress
    assert progress["y"] + progress["height"] <= tapped["y"] or tapped["y"] + tapped["height"] <= progress["y"]


def saved_answers(assessment_id: int) -> dict[str, str]:
    answers: dict[str, str] = Assessment.objects.get(pk=assessment_id).answers
    return answers


def test_officer_assesses_on_a_phone_sets_a_different_band_and_finds_the_flag_and_the_history(
    live_server,
    phone: Page,
    screenshot,
    officer,
    test_pack: Pack,  # noqa: F811 (the fixture)
    victim: tuple[Person, Incident],  # noqa: F811 (the fixture)
):
    page = phone
    person, incident = victim
    base_url = live_server.url
    sign_in(page, base_url, "officer", tap=True)

    # 1. The report: the victim's "위험 요인 확인" leads to the choice of instrument, for her and this report.
    page.goto(base_url + f"/incidents/{incident.pk}/")
    assert_fits_the_phone(page)
    assess = page.get_by_test_id("assess-victim")
    expect(assess).to_have_text("위험 요인 확인")
    with page.expect_navigation():
        assess.tap()
    expect(page).to_have_url(base_url + f"/risk/persons/{person.pk}/start/?incident={incident.pk}")
    expect(page.locator("h1")).to_have_text("위험 요인 확인 시작")
    expect(page.locator("main")).to_contain_text(incident.code)
    # The shipped demonstration packs and the test pack, those of the report's domain (가정폭력) first.
    choices = page.locator("label.jss-choice strong")
    expect(choices.nth(0)).to_have_text("가정폭력 위험 요인 점검 (JSS 시연용)")
    expect(choices.nth(1)).to_have_text("시험용 가정폭력 위험 요인")
    choice = page.locator("label.jss-choice", has_text="시험용 가정폭력 위험 요인")
    expect(choice).to_contain_text("5 문항")
    expect(choice).to_contain_text(NOT_VALIDATED)
    choice_box = choice.bounding_box()
    assert choice_box is not None
    assert choice_box["height"] >= TAP_TARGET_PX
    assert_fits_the_phone(page)
    choice.tap()
    expect(choice.locator("input")).to_be_checked()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="시작").tap()
    assessment = Assessment.objects.get()
    assert (assessment.person, assessment.incident, assessment.pack_id) == (person, incident, "test-dv")
    assert assessment.status == Assessment.Status.DRAFT
    form_url = base_url + f"/risk/{assessment.pk}/"
    expect(page).to_have_url(form_url)

    # 2. The one-screen form: every question with its three large buttons, nothing answered yet.
    expect(page.locator("h1")).to_have_text("시험용 가정폭력 위험 요인")
    expect(page.get_by_test_id("validation")).to_have_text(f"{NOT_PREDICTION_FORM} {NOT_VALIDATED}")
    expect(page.locator("li.jss-item legend")).to_have_text(
        [re.compile("^" + re.escape(str(item.text))) for item in test_pack.items]
    )
    expect(question(page, "choked").locator(".jss-critical")).to_have_text("치명적 요인")
    expect(page.get_by_test_id("progress")).to_have_text("5개 중 0개 답함")
    expect(page.locator("main input[type=radio]:checked")).to_have_count(0)
    assert_large_buttons(page)
    assert_fits_the_phone(page)

    # 3. Three taps, each saved as it is tapped (the progress line says so).
    for answered, item_id in enumerate(ITEMS[:3], start=1):
        tap_answer(page, item_id, ANSWERS[item_id], answered=answered)
    assert saved_answers(assessment.pk) == {item_id: ANSWERS[item_id] for item_id in ITEMS[:3]}
    screenshot(page, "risk-phone-form")

    # 4. Interrupted: the page reloaded keeps the three answers, and the assessment goes on from there.
    page.reload()
    expect(page.get_by_test_id("progress")).to_have_text("5개 중 3개 답함")
    for item_id in ITEMS[:3]:
        expect(answer_button(page, item_id, ANSWERS[item_id]).locator("input")).to_be_checked()
    expect(page.locator("main input[type=radio]:checked")).to_have_count(3)
    tap_answer(page, "drinking", ANSWERS["drinking"], answered=4)
    assert_fits_the_phone(page)

    # 5. 평가 완료 with one question left: the page says how many are missing and marks the one.
    complete = page.get_by_test_id("complete")
    expect(complete).to_have_text("평가 완료")
    with page.expect_navigation():
        complete.tap()
    error = page.get_by_test_id("form-error")
    expect(error).to_contain_text("아직 답하지 않은 문항이 1개 있습니다.")
    expect(error).to_contain_text("아래 표시된 문항에 답하거나")
    expect(page.locator("li.jss-item-missing")).to_have_count(1)
    missing = question(page, LEFT_FOR_LATER)
    expect(missing).to_have_class(re.compile(r"\bjss-item-missing\b"))
    expect(missing.locator(".jss-field-error")).to_have_text("이 문항에 답하십시오.")
    expect(page.get_by_test_id("progress")).to_have_text("5개 중 4개 답함")
    for item_id in ITEMS[:4]:
        expect(answer_button(page, item_id, ANSWERS[item_id]).locator("input")).to_be_checked()
    assert_large_buttons(page)
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-missing")
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT

    # 6. Answer it and complete: the result.
    tap_answer(page, LEFT_FOR_LATER, ANSWERS[LEFT_FOR_LATER], answered=5)
    assert saved_answers(assessment.pk) == ANSWERS
    with page.expect_navigation():
        page.get_by_test_id("complete").tap()
    expect(page).to_have_url(form_url)
    expect(page.locator(".jss-message-success")).to_have_text("평가를 완료했습니다.")
    expect(page.locator("h1")).to_have_text("위험 요인 확인")
    validation = page.get_by_test_id("validation")
    expect(validation).to_contain_text(NOT_PREDICTION_RESULT)
    expect(validation).to_contain_text("예측")
    expect(validation).to_contain_text(NOT_VALIDATED)
    expect(page.get_by_test_id("final-band")).to_have_text("위기")
    expect(page.get_by_test_id("score")).to_have_text("9점 중 5점")
    expect(page.get_by_test_id("computed-band")).to_have_text("위기")
    expect(page.get_by_test_id("unknown")).to_have_text("1 — 모두 '예'라면: 심각")
    expect(page.get_by_test_id("override")).to_have_count(0)
    expect(page.get_by_test_id("critical")).to_have_count(0)  # the critical question is unknown, not yes
    answers_table = page.get_by_test_id("answers")
    expect(answers_table.locator("tbody tr td:nth-child(2)")).to_have_text(
        [LABELS[ANSWERS[item_id]] for item_id in ITEMS]
    )
    assert answers_table.locator("xpath=..").evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth"), "no scrolling"
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-result")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.score, assessment.band, assessment.possible_band) == (
        Assessment.Status.COMPLETE,
        5,
        "crisis",
        "severe",
    )
    assert (assessment.unknown_count, assessment.final_band) == (1, "crisis")
    completed = assessment.completed_at
    assert not Flag.objects.filter(rule_id=RULE).exists(), "위기, and the critical question unknown: no flag yet"

    # 7. A different band without a reason: the reason field says it is required, nothing changes.
    band_select, reason = page.locator("select[name=band]"), page.locator("textarea[name=reason]")
    expect(page.locator("label[for=id_band]")).to_contain_text("직접 정한 단계")
    expect(page.locator("label[for=id_reason]")).to_contain_text("다른 단계로 정한 이유")
    band_select.select_option(label="심각")
    with page.expect_navigation():
        page.get_by_test_id("set-band").tap()
    reason_field = page.locator(".form-group.jss-has-error")
    expect(reason_field).to_have_count(1)
    expect(reason_field.locator("textarea[name=reason]")).to_be_visible()
    expect(reason_field.locator(".jss-field-error")).to_have_text("필수 항목입니다.")
    expect(page.get_by_test_id("final-band")).to_have_text("위기")
    expect(page.locator("select[name=band]")).to_have_value("severe")  # the choice is kept for the retry
    assert_fits_the_phone(page)
    assert Assessment.objects.get(pk=assessment.pk).final_band == "crisis"

    # 8. With a reason: the professional's band is shown, the computed band and the score beside it.
    reason.fill(REASON)
    with page.expect_navigation():
        page.get_by_test_id("set-band").tap()
    expect(page).to_have_url(form_url)
    expect(page.locator(".jss-message-success")).to_have_text(
        "단계를 정했습니다. 점수로 정해진 단계와 점수도 함께 보관됩니다."
    )
    expect(page.get_by_test_id("final-band")).to_have_text("심각")
    expect(page.get_by_test_id("computed-band")).to_have_text("위기")
    expect(page.get_by_test_id("score")).to_have_text("9점 중 5점")
    expect(page.get_by_test_id("override")).to_have_text(f"심각 · 고태훈: {REASON}")
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-override")
    assessment.refresh_from_db()
    assert (assessment.band, assessment.final_band, assessment.override_reason) == ("crisis", "severe", REASON)
    assert assessment.overridden_by == officer

    # 9. The triage list, from the menu: the flag the professional's top band raised, explained by the
    # assessment's date, instrument and band (the reason stays on the assessment); its page links the assessment.
    [flag] = Flag.objects.filter(rule_id=RULE, state__in=Flag.OPEN_STATES)
    assert (flag.person, list(flag.assessments.all())) == (person, [assessment])
    assert completed
    explanation = (
        f"위험 요인 확인 {timezone.localdate(completed):%Y-%m-%d} (시험용 가정폭력 위험 요인): 전문가 판단으로 심각"
        " — 위험 요인 확인 기준(가장 높은 단계 또는 치명적 요인)"
    )
    with page.expect_navigation():
        page.locator("nav.jss-nav").get_by_role("link", name="재발 위험 알림", exact=True).tap()
    expect(page).to_have_url(base_url + TRIAGE)
    expect(page.locator("h1")).to_have_text("재발 위험 알림")
    listed = page.locator(f"[data-testid=flag][data-rule={RULE}]")
    expect(listed).to_have_count(1)
    expect(listed.locator("h2 a")).to_have_text(RULE_TITLE)
    expect(listed.get_by_test_id("flag-explanation")).to_have_text(explanation)
    expect(listed).to_contain_text(person.code)
    expect(listed).to_contain_text("제주동부경찰서")
    main = page.locator("main")
    expect(main).not_to_contain_text(person.given_name)  # persons by code only
    expect(main).not_to_contain_text("흉기")  # nor the professional's reason
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-triage")
    with page.expect_navigation():
        listed.locator("h2 a").tap()
    expect(page).to_have_url(base_url + f"/repeats/{flag.pk}/")
    expect(page.locator("h1")).to_have_text(RULE_TITLE)
    expect(page.get_by_test_id("flag-explanation")).to_have_text(explanation)
    expect(page.get_by_test_id("flag-state")).to_have_text("활성")
    expect(page.locator("main h2", has_text="이 알림의 근거 위험 요인 확인")).to_be_visible()
    linked = page.get_by_test_id("flag-assessments").get_by_role("link")
    expect(linked).to_have_text([assessment.code])
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-flag")
    with page.expect_navigation():
        linked.tap()
    expect(page).to_have_url(form_url)
    expect(page.get_by_test_id("final-band")).to_have_text("심각")

    # 10. The person's history, from the assessment: the assessment with both bands.
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=re.compile("위험 요인 확인 이력")).tap()
    expect(page).to_have_url(base_url + f"/risk/persons/{person.pk}/")
    expect(page.locator("h1")).to_have_text("위험 요인 확인 이력")
    history = page.get_by_test_id("history")
    expect(history.locator("tbody tr")).to_have_count(1)
    row = history.locator("tbody tr")
    expect(row.locator("td").nth(0)).to_have_text(f"{timezone.localdate(completed):%Y-%m-%d}")
    expect(row.locator("td").nth(1)).to_have_text("시험용 가정폭력 위험 요인 v1")
    expect(row.locator("td").nth(2)).to_have_text("5/9")
    expect(row.locator("td").nth(3)).to_have_text("심각 (점수 기준: 위기)")
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(row.locator("td").nth(5)).to_have_text("제주동부경찰서")
    # On the phone one card per assessment, each value under its column's name, all of it on the screen.
    labels = [cell.evaluate("cell => getComputedStyle(cell, '::before').content") for cell in row.locator("td").all()]
    assert labels == ['"평가일"', '"도구"', '"점수"', '"단계"', '"모름 응답"', '"기관"']
    assert history.locator("xpath=..").evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth"), "no scrolling"
    assert_fits_the_phone(page)
    screenshot(page, "risk-phone-history")
    with page.expect_navigation():
        row.get_by_role("link").tap()
    expect(page).to_have_url(form_url)
