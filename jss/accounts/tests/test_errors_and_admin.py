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
