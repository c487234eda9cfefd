"""Adding a support action in Chromium: the station's coordinator opens the form on the case page, and the
responsible person and the directory service offered follow the institution chosen (static/jss/choices.js)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from jss.actions.models import Action
from jss.actions.tests.conftest import case, counselling, in_days  # noqa: F401 (fixtures)
from jss.cases.tests.conftest import family  # noqa: F401 (a fixture of `case`)
from tests.browser.conftest import artifact_path, sign_in


def test_the_people_and_services_offered_follow_the_institution_chosen(
    page: Page,
    live_server,
    case,  # noqa: F811 (the fixture)
    counselling,  # noqa: F811 (the fixture)
    officer,
    social_worker,
    child_protection,
    dongbu_station,
) -> None:
    base = live_server.url
    sign_in(page, base, "officer")
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_test_id("add-action-panel").locator("summary").click()
    form = page.get_by_test_id("add-action-form")
    institution = form.locator("select[name=action-institution]")
    responsible = form.locator("select[name=action-responsible]")
    service = form.locator("select[name=action-service]")
    worker = responsible.locator(f"option[value='{social_worker.pk}']")
    lesson = service.locator(f"option[value='{counselling.pk}']")
    # Before an institution is chosen every caseworker and service is offered, grouped by institution.
    expect(worker).not_to_have_attribute("hidden", "")
    expect(lesson).to_be_enabled()

    institution.select_option(str(child_protection.pk))
    responsible.select_option(str(social_worker.pk))
    service.select_option(str(counselling.pk))
    page.screenshot(path=str(artifact_path("action-form-agency-chosen")), full_page=True)

    # Another institution: the agency's social worker and service are neither offered nor still chosen.
    institution.select_option(str(dongbu_station.pk))
    expect(worker).to_be_disabled()
    expect(worker).to_have_attribute("hidden", "")
    expect(lesson).to_be_disabled()
    expect(responsible).to_have_value("")
    expect(service).to_have_value("")
    expect(service.locator(f"optgroup[label='{child_protection.name}']")).to_have_attribute("hidden", "")

    # A form sent back by the server with another institution's person keeps that choice in view, beside the
    # message, until the institution is changed (here the choice is made behind the script's back).
    responsible.evaluate(f"select => {{ select.querySelector('option[value=\"{social_worker.pk}\"]').hidden = false; "
                         f"select.querySelector('option[value=\"{social_worker.pk}\"]').disabled = false; "
                         f"select.value = '{social_worker.pk}'; }}")  # fmt: skip
    form.locator("input[name=action-due_on]").fill(in_days(10).isoformat())
    form.locator("textarea[name=action-description]").fill("자녀 심리상담 연계")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    form = page.get_by_test_id("add-action-form")
    institution = form.locator("select[name=action-institution]")
    responsible = form.locator("select[name=action-responsible]")
    service = form.locator("select[name=action-service]")
    worker = responsible.locator(f"option[value='{social_worker.pk}']")
    expect(form).to_contain_text("담당자는 담당 기관 소속이어야 합니다")
    expect(responsible).to_have_value(str(social_worker.pk))
    expect(worker).to_be_enabled()
    page.screenshot(path=str(artifact_path("action-form-refused-person")), full_page=True)

    institution.select_option(str(child_protection.pk))
    expect(worker).to_be_enabled()
    responsible.select_option(str(social_worker.pk))
    service.select_option(str(counselling.pk))
    form.locator("input[name=action-due_on]").fill(in_days(10).isoformat())
    form.locator("textarea[name=action-description]").fill("자녀 심리상담 연계")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    action = Action.objects.get()
    assert (action.institution, action.responsible, action.service) == (child_protection, social_worker, counselling)
