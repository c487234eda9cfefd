import pytest

from jss.accounts.models import Membership


@pytest.mark.access_route("home")
def test_anonymous_visitors_see_the_public_landing_page(client, jeju):
    page = client.get("/").content.decode()
    assert "/accounts/sign-in/" in page
    assert "112" in page


def test_a_user_without_an_institution_is_told_so(as_user, stranger):
    page = as_user(stranger).get("/").content.decode()
    assert "회원기관에 소속되어 있지 않습니다" in page


@pytest.mark.parametrize(
    ("persona", "template"),
    [
        ("secretariat", "accounts/home_secretariat.html"),
        ("officer", "accounts/home_coordinator.html"),
        ("social_worker", "accounts/home_practitioner.html"),
        ("head", "accounts/home_head.html"),
        ("auditor", "accounts/home_auditor.html"),
        ("admin_user", "accounts/home_admin.html"),
    ],
)
def test_each_role_has_its_home_page(request, as_user, persona, template):
    user = request.getfixturevalue(persona)
    response = as_user(user).get("/")
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    assert user.membership.institution.name_ko in response.content.decode()


def test_coordinator_home_lists_the_stations_jurisdiction(as_user, officer):
    response = as_user(officer).get("/")
    units = [unit.name_ko for unit in response.context["units"]]
    assert len(units) == 18
    assert "일도1동" in units
    assert "노형동" not in units  # 제주서부경찰서
    assert response.context["unit_population"] == sum(unit.population for unit in response.context["units"])


def test_secretariat_home_counts_members_and_growth(as_user, secretariat, child_protection, applicant):
    response = as_user(secretariat).get("/")
    assert response.context["active_count"] == 2  # police agency and child protection
    assert response.context["applicant_count"] == 1
    assert response.context["growth"][0].members == 2


def test_home_page_query_count_is_fixed(as_user, secretariat, django_assert_num_queries):
    client = as_user(secretariat)
    with django_assert_num_queries(10):  # 8, and the joint council's overdue decisions and next meeting
        client.get("/")


def test_roles_cover_everything_the_design_names():
    assert set(Membership.Role.values) == {
        "secretariat",
        "coordinator",
        "practitioner",
        "head",
        "auditor",
        "admin",
    }


def test_pages_are_korean_even_when_the_browser_asks_for_english(client, jeju):
    response = client.get("/accounts/sign-in/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="ko"' in response.content.decode()
    assert "로그인" in response.content.decode()


@pytest.mark.access_route("set_language")
def test_anyone_may_switch_to_english_and_back(client, jeju):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/sign-in/"})
    assert response.status_code == 302
    assert "Sign in" in client.get("/accounts/sign-in/").content.decode()
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert 'lang="ko"' in client.get("/accounts/sign-in/").content.decode()
