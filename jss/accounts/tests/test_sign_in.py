import datetime
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from jss.audit.models import AccessEvent
from tests.factories import PASSWORD

WRONG = "아이디 또는 비밀번호가 올바르지 않습니다"


@pytest.mark.access_route("accounts:sign_in")
def test_sign_in_takes_a_member_home_and_is_audited(client, social_worker):
    response = client.post("/accounts/sign-in/", {"username": "social-worker", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "제주아동보호전문기관" in home.content.decode()
    assert AccessEvent.objects.filter(verb="user.sign_in", actor=social_worker).count() == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [("social-worker", "wrong-password"), ("nobody-by-this-name", PASSWORD)],
    ids=["wrong-password", "unknown-account"],
)
def test_failed_sign_in_says_the_same_thing_whether_or_not_the_account_exists(
    client, social_worker, username, password
):
    response = client.post("/accounts/sign-in/", {"username": username, "password": password})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    event = AccessEvent.objects.get(verb="user.sign_in_failed")
    assert event.detail["known_account"] is (username == "social-worker")
    assert event.detail["blocked"] is False
    assert "wrong-password" not in str(event.detail)


def test_deactivated_account_cannot_sign_in_and_gets_the_same_message(client, social_worker):
    social_worker.is_active = False
    social_worker.save()
    response = client.post("/accounts/sign-in/", {"username": "social-worker", "password": PASSWORD})
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_does_not_redirect_to_another_site(client, social_worker):
    response = client.post(
        "/accounts/sign-in/?next=https://evil.example.com/",
        {"username": "social-worker", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_sign_in_follows_a_local_next(client, social_worker):
    response = client.post("/accounts/sign-in/?next=/regions/", {"username": "social-worker", "password": PASSWORD})
    assert response["Location"] == "/regions/"


@pytest.mark.access_route("accounts:sign_out")
def test_sign_out_needs_post_and_is_audited(as_user, social_worker):
    client = as_user(social_worker)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302
    assert AccessEvent.objects.filter(verb="user.sign_out", actor=social_worker).exists()


def test_a_session_is_renewed_at_most_once_a_minute(client, social_worker, monkeypatch):
    """The idle time-out moves with the user's requests, without writing the session on every page."""
    from jss.accounts import middleware

    clock = [1_800_000_000]
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: clock[0]))
    client.post("/accounts/sign-in/", {"username": "social-worker", "password": PASSWORD})
    [session] = Session.objects.all()
    signed_in = session.expire_date

    def written() -> bool:
        Session.objects.update(expire_date=signed_in)  # a mark: the next write moves it
        client.get("/accounts/profile/")
        return Session.objects.get().expire_date != signed_in

    clock[0] += 30
    assert not written(), "half a minute later: not written again"
    clock[0] += 30
    assert written(), "a minute after the last renewal: the expiry moves"
    assert Session.objects.get().expire_date > timezone.now() + datetime.timedelta(minutes=25)
    clock[0] += 59
    assert not written()
    client.post("/accounts/sign-out/")
    assert not Session.objects.exists()
    assert client.get("/directory/").status_code == 200
    assert not Session.objects.exists(), "a visitor without a session gets none"


def test_idle_session_expires(client, social_worker, settings):
    client.post("/accounts/sign-in/", {"username": "social-worker", "password": PASSWORD})
    assert client.get("/accounts/profile/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    # Nobody touched the session for longer than the idle limit.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.access_route("accounts:password_change")
def test_password_change(as_user, client, social_worker):
    assert client.get("/accounts/password/").status_code == 302  # anonymous: sign in first
    member = as_user(social_worker)
    response = member.post(
        "/accounts/password/",
        {
            "old_password": "not-it",
            "new_password1": "a-new-long-password-7",
            "new_password2": "a-new-long-password-7",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    response = member.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-password-7",
            "new_password2": "a-new-long-password-7",
        },
    )
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("a-new-long-password-7")
    assert member.get("/accounts/profile/").status_code == 200  # still signed in
    assert AccessEvent.objects.filter(verb="user.password_change", actor=social_worker).count() == 1


def test_password_change_refuses_a_short_password(as_user, social_worker):
    response = as_user(social_worker).post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.context["form"].errors["new_password2"]
    social_worker.refresh_from_db()
    assert social_worker.check_password(PASSWORD)


@pytest.mark.access_route("accounts:profile")
def test_profile_shows_institution_and_role(as_user, client, officer):
    assert client.get("/accounts/profile/").status_code == 302
    page = as_user(officer).get("/accounts/profile/").content.decode()
    assert "제주동부경찰서" in page
    assert "경찰서 담당관" in page


def test_many_failures_block_the_username_whether_or_not_it_exists(client, social_worker, settings):
    for username in ("social-worker", "no-such-person"):
        for _attempt in range(settings.SIGN_IN_MAX_FAILURES):
            client.post("/accounts/sign-in/", {"username": username, "password": "wrong-password"})
        # Even the right password is refused now, with the same message for both usernames.
        response = client.post("/accounts/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 200
        assert "로그인 시도가 너무 많습니다" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(verb="user.sign_in_failed", detail__blocked=True).count() == 2
    # Another username is not affected.
    from tests.factories import make_member

    make_member("other", "다른사람", social_worker.membership.institution, "practitioner")
    assert client.post("/accounts/sign-in/", {"username": "other", "password": PASSWORD}).status_code == 302
