import pytest

from jss.regions.models import PoliceStation


@pytest.mark.access_route("regions:list")
def test_members_see_regions_and_stations(as_user, client, social_worker, stranger, django_assert_num_queries):
    assert client.get("/regions/").status_code == 302
    assert as_user(stranger).get("/regions/").status_code == 403
    member = as_user(social_worker)
    with django_assert_num_queries(8):
        response = member.get("/regions/")
    page = response.content.decode()
    assert "노형동" in page
    assert "5011066000" in page
    assert "제주서부경찰서" in page


@pytest.mark.access_route("regions:station_detail")
def test_station_page_and_outsiders(as_user, client, social_worker, stranger):
    station = PoliceStation.objects.get(code="seogwipo")
    url = f"/regions/stations/{station.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(stranger).get(url).status_code == 404
    assert as_user(social_worker).get("/regions/stations/999999/").status_code == 404
    response = as_user(social_worker).get(url)
    assert response.status_code == 200
    assert response.context["population"] == 192_612
    assert "대정읍" in response.content.decode()
