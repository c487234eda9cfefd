import pytest

from jss.audit.models import AccessEvent


@pytest.mark.access_route("institutions:list")
def test_members_list_institutions_and_applicants_only_for_secretariat(
    as_user, client, social_worker, secretariat, stranger, applicant, wee_centre
):
    assert client.get("/institutions/").status_code == 302
    assert as_user(stranger).get("/institutions/").status_code == 403
    names = [i.name_ko for i in as_user(social_worker).get("/institutions/").context["page"]]
    assert "새빛쉼터" not in names
    assert {"제주아동보호전문기관", "제주시 Wee센터"} <= set(names)
    names = [i.name_ko for i in as_user(secretariat).get("/institutions/").context["page"]]
    assert "새빛쉼터" in names


def test_institution_search_matches_part_of_a_korean_name_and_filters(as_user, social_worker, wee_centre):
    client = as_user(social_worker)
    names = [i.name_ko for i in client.get("/institutions/", {"q": "아동보호"}).context["page"]]
    assert names == ["제주아동보호전문기관"]
    names = [i.name_ko for i in client.get("/institutions/", {"category": "school"}).context["page"]]
    assert names == ["제주시 Wee센터"]
    names = [i.name_ko for i in client.get("/institutions/", {"q": "아라동"}).context["page"]]
    assert names == ["제주시 Wee센터"]


def test_htmx_search_returns_only_the_results(as_user, social_worker):
    response = as_user(social_worker).get("/institutions/", {"q": "아동"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "institutions/_results.html"
    assert "<html" not in response.content.decode()


def test_institution_list_query_count_does_not_grow_with_institutions(
    as_user, secretariat, social_worker, django_assert_num_queries
):
    from tests.factories import make_institution

    client = as_user(secretariat)
    with django_assert_num_queries(9):
        client.get("/institutions/")
    for number in range(5):
        make_institution(f"extra-{number}", f"추가기관{number}")
    with django_assert_num_queries(9):
        client.get("/institutions/")


@pytest.mark.access_route("institutions:detail")
def test_institution_page_and_outsiders(as_user, client, social_worker, counsellor, secretariat, stranger, applicant):
    own = social_worker.membership.institution
    url = f"/institutions/{own.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(stranger).get(url).status_code == 404
    # Applicants are not yet members: hidden from everyone but the secretariat.
    assert as_user(social_worker).get(f"/institutions/{applicant.pk}/").status_code == 404
    assert as_user(secretariat).get(f"/institutions/{applicant.pk}/").status_code == 200
    assert as_user(social_worker).get("/institutions/999999/").status_code == 404
    # Staff names are shown to the institution itself and the secretariat, not to other members.
    assert "양수진" in as_user(social_worker).get(url).content.decode()
    assert "양수진" in as_user(secretariat).get(url).content.decode()
    other = as_user(counsellor).get(url)
    assert other.status_code == 200
    assert "양수진" not in other.content.decode()


def test_creating_an_institution_is_audited(jeju, child_protection):
    assert AccessEvent.objects.filter(
        verb="institution.create", target_type="institutions.institution", target_id=str(child_protection.pk)
    ).exists()
