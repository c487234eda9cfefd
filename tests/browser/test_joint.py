"""The joint council in Chromium: the secretariat records a policy decision at one meeting, schedules the
next meeting and finds the decision carried to its agenda; the register shows it with its owner."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from jss.joint.models import JointMeeting, PolicyDecision
from jss.joint.tests.conftest import joint_meeting  # noqa: F401 (a fixture)
from tests.browser.conftest import artifact_path, sign_in


def test_a_decision_is_carried_to_the_next_meeting(
    page: Page,
    live_server,
    joint_meeting,  # noqa: F811 (the fixture)
    secretariat,
    child_protection,
) -> None:
    base = live_server.url
    sign_in(page, base, "secretariat")
    page.goto(f"{base}/joint/{joint_meeting.pk}/")
    panel = page.get_by_test_id("decision-panel")
    panel.locator("summary").click()
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=decision-title]").fill("학교 밖 청소년 연계 절차 마련")
    form.locator("textarea[name=decision-text]").fill("교육청과 아동보호전문기관이 연계 절차를 만든다.")
    form.get_by_label(child_protection.name).check()
    due = timezone.localdate() + datetime.timedelta(days=90)
    form.locator("input[name=decision-due_on]").fill(due.isoformat())
    form.locator("select[name=decision-section]").select_option("repeat")
    page.screenshot(path=str(artifact_path("joint-decision-form")), full_page=True)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    decision = PolicyDecision.objects.get()
    expect(page.get_by_test_id("decisions")).to_contain_text(decision.code)
    page.screenshot(path=str(artifact_path("joint-meeting")), full_page=True)

    page.goto(f"{base}/joint/new/")
    expect(page.get_by_test_id("carried-preview")).to_contain_text(decision.code)
    when = timezone.localtime(joint_meeting.starts_at) + datetime.timedelta(days=180)
    page.locator("input[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.get_by_test_id("schedule-form").locator("button[type=submit]").click()
    following = JointMeeting.objects.exclude(pk=joint_meeting.pk).get()
    assert page.url.endswith(f"/joint/{following.pk}/")
    carried = page.get_by_test_id("agenda-item").filter(has_text=decision.code)
    expect(carried).to_have_attribute("data-kind", "policy")
    page.screenshot(path=str(artifact_path("joint-next-meeting")), full_page=True)

    page.goto(f"{base}/joint/decisions/")
    expect(page.get_by_test_id("decision-row")).to_contain_text(child_protection.name)
    page.screenshot(path=str(artifact_path("joint-register")), full_page=True)
