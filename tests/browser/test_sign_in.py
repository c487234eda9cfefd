"""Signing in, the language switch and signing out, as a person does it in Chromium.

Each role persona signs in with the sign-in form and lands on their home page, which names their
institution and role; a screenshot of every role's home page is kept in test-artifacts/home-<role>.png
for people to look at.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

SIGN_IN = "/accounts/sign-in/"
PROFILE = "/accounts/profile/"
BAD_CREDENTIALS_KO = "아이디 또는 비밀번호가 올바르지 않습니다"
ROLE_PERSONAS = ["secretariat", "officer", "social_worker", "head", "auditor", "admin_user"]


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + SIGN_IN)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def on_sign_in_page(base_url: str) -> re.Pattern[str]:
    """The sign-in page's URL, with or without a ?next=… query."""
    return re.compile(re.escape(base_url + SIGN_IN) + r"(\?.*)?$")


@pytest.mark.parametrize("persona", ROLE_PERSONAS)
def test_each_role_signs_in_and_sees_institution_and_role(live_server, page: Page, screenshot, request, persona):
    user = request.getfixturevalue(persona)
    membership = user.membership
    institution_ko = membership.institution.name_ko
    with translation.override("ko"):
        role_label = str(membership.get_role_display())

    try:
        sign_in(page, live_server.url, user.username, PASSWORD)
        expect(page).to_have_url(live_server.url + "/")
        expect(page.get_by_test_id("who")).to_contain_text(institution_ko)
        role = page.get_by_test_id("role")
        expect(role).to_have_text(re.compile(r"\S"))
        expect(role).to_have_text(role_label)
    finally:
        screenshot(page, f"home-{membership.role}")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("officer", "wrong-password-123", id="wrong-password"),
        pytest.param("nobody-here", PASSWORD, id="unknown-username"),
    ],
)
def test_bad_credentials_show_korean_error_and_stay_on_sign_in(live_server, page: Page, officer, username, password):
    sign_in(page, live_server.url, username, password)

    expect(page.get_by_role("alert")).to_contain_text(BAD_CREDENTIALS_KO)
    expect(page).to_have_url(live_server.url + SIGN_IN)
    expect(page.get_by_test_id("who")).to_have_count(0)


def test_wrong_password_and_unknown_username_get_the_same_message(live_server, page: Page, officer):
    """The form must not tell whether an account exists."""
    sign_in(page, live_server.url, "officer", "wrong-password-123")
    wrong_password = page.get_by_role("alert").inner_text()
    sign_in(page, live_server.url, "nobody-here", "wrong-password-123")
    unknown_username = page.get_by_role("alert").inner_text()

    assert wrong_password.strip()
    assert wrong_password == unknown_username


def test_language_switch_between_korean_and_english(live_server, page: Page, officer):
    sign_in(page, live_server.url, "officer", PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    html = page.locator("html")
    nav = page.locator("header nav")

    page.locator("header").get_by_role("button", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()

    page.locator("header").get_by_role("button", name="한국어", exact=True).click()
    expect(html).to_have_attribute("lang", "ko")
    expect(nav.get_by_role("link", name="홈", exact=True)).to_be_visible()


def test_sign_out_ends_the_session(live_server, page: Page, officer):
    sign_in(page, live_server.url, "officer", PASSWORD)
    expect(page.get_by_test_id("who")).to_be_visible()

    page.locator("header").get_by_role("button", name="로그아웃", exact=True).click()
    expect(page).to_have_url(live_server.url + SIGN_IN)
    expect(page.get_by_test_id("who")).to_have_count(0)

    page.goto(live_server.url + PROFILE)
    expect(page).to_have_url(on_sign_in_page(live_server.url))
    expect(page.locator("input[name=password]")).to_be_visible()
