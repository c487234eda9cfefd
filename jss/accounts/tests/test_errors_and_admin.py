import pytest
from django.test import RequestFactory

from jss.accounts.views import server_error


def test_not_found_page_is_korean_and_does_not_echo_the_address(as_user, social_worker):
    response = as_user(social_worker).get("/no-such-page/secret-name-홍길동/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "페이지를 찾을 수 없습니다" in page
    assert "홍길동" not in page
    assert "secret-name" not in page


def test_server_error_page_is_static_and_korean():
    response = server_error(RequestFactory().get("/anything/?name=홍길동"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "문제가 발생했습니다" in page
    assert "홍길동" not in page


def test_forbidden_page_is_korean(as_user, social_worker):
    response = as_user(social_worker).get("/audit/")
    assert response.status_code == 403
    assert "접근 권한이 없습니다" in response.content.decode()


@pytest.mark.access_route("admin:index")
def test_only_the_technical_admin_reaches_the_django_admin(as_user, admin_user, secretariat, social_worker):
    assert as_user(admin_user).get("/admin/").status_code == 200
    for user in (secretariat, social_worker):
        response = as_user(user).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_admin_manages_accounts_but_cannot_make_anyone_superuser(as_user, admin_user, social_worker):
    client = as_user(admin_user)
    page = client.get(f"/admin/accounts/user/{social_worker.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert client.get("/admin/institutions/institution/").status_code == 200
    assert client.get("/admin/audit/accessevent/").status_code == 404  # not registered: no content there


def test_admin_cannot_change_roles_or_reach_itself_or_superusers(as_user, admin_user, social_worker, jeju):
    from jss.accounts.models import User

    boss = User.objects.create_superuser(username="root-it", password="x-long-password-1", full_name="관리자")
    client = as_user(admin_user)
    assert client.get(f"/admin/accounts/user/{admin_user.pk}/change/").status_code == 302  # own account: not found
    assert client.get(f"/admin/accounts/user/{boss.pk}/change/").status_code == 302
    assert client.get(f"/admin/accounts/user/{boss.pk}/password/").status_code == 404
    page = client.get(f"/admin/accounts/user/{social_worker.pk}/change/").content.decode()
    assert 'name="membership-0-role"' not in page
    assert 'name="membership-0-institution"' not in page


def test_admin_changes_are_audited(as_user, admin_user, social_worker):
    from jss.audit.models import AccessEvent

    client = as_user(admin_user)
    response = client.post(
        f"/admin/accounts/user/{social_worker.pk}/password/",
        {"password1": "another-long-password-9", "password2": "another-long-password-9", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AccessEvent.objects.filter(
        verb="admin.password_set", actor=admin_user, target_id=str(social_worker.pk)
    ).exists()


def test_the_admin_sign_in_form_sends_people_to_the_jss_sign_in(client, jeju):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
