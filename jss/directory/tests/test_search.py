import datetime
import zoneinfo

import pytest
from django.utils import translation

from jss.directory.models import Phone, Service
from jss.directory.queries import Criteria, InstitutionSummary, search_directory
from jss.directory.services import HoursData, terms
from jss.directory.tests.conftest import service
from jss.institutions.models import Institution

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
TUESDAY_NOON = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL)
TUESDAY_NIGHT = datetime.datetime(2026, 11, 24, 23, 0, tzinfo=SEOUL)
CHUSEOK_NOON = datetime.datetime(2026, 9, 25, 12, 0, tzinfo=SEOUL)  # a Friday and a public holiday


def names(criteria: Criteria, now: datetime.datetime = TUESDAY_NOON) -> set[str]:
    results, total = search_directory(criteria, now=now)
    assert total == len(results)
    return {result.institution.name for result in results}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("가정폭력 상담", {"여성긴급전화1366 제주센터"}),  # spacing variant of 가정폭력상담소
        ("가정폭력상담", {"여성긴급전화1366 제주센터"}),
        ("아동보호", {"제주아동보호전문기관"}),  # part of a word
        ("학대", {"제주아동보호전문기관", "서귀포노인보호전문기관"}),
        ("abused children", {"제주아동보호전문기관"}),  # English name
        ("베트남어", {"여성긴급전화1366 제주센터"}),  # a language's name
        ("서귀포", {"서귀포노인보호전문기관"}),  # the place
        ("없는말", set()),
    ],
)
def test_text_search_finds_partial_words_and_spacing_variants(directory, query, expected):
    assert names(Criteria(query=query)) == expected


def test_filters(directory):
    assert names(Criteria(target="elderly")) == {"서귀포노인보호전문기관"}
    assert names(Criteria(service_type="shelter")) == {"제주여성쉼터"}
    assert names(Criteria(language="vi")) == {"여성긴급전화1366 제주센터"}
    assert names(Criteria(always_open=True)) == {"여성긴급전화1366 제주센터"}
    assert names(Criteria(target="women", query="보호")) == {"제주여성쉼터"}


def test_area_filter_includes_province_wide_services_and_the_units_inside(directory):
    daejeong = names(Criteria(region="5013025000"))  # 대정읍, 서귀포시
    assert "서귀포노인보호전문기관" in daejeong  # serves all of 서귀포시
    assert "여성긴급전화1366 제주센터" in daejeong  # serves the province
    assert "서귀포노인보호전문기관" not in names(Criteria(region="5011025000"))  # 한림읍, 제주시
    assert "서귀포노인보호전문기관" in names(Criteria(region="5013000000"))


def test_open_now_uses_korea_time_and_public_holidays(directory):
    assert names(Criteria(open_now=True), TUESDAY_NOON) == set(names(Criteria()))
    assert names(Criteria(open_now=True), TUESDAY_NIGHT) == {"여성긴급전화1366 제주센터"}
    assert names(Criteria(open_now=True), CHUSEOK_NOON) == {"여성긴급전화1366 제주센터"}


def test_inactive_institutions_and_services_are_not_listed(directory):
    directory["elder"].status = "left"
    directory["elder"].save()
    assert "서귀포노인보호전문기관" not in names(Criteria())


@pytest.mark.access_route("directory:search")
def test_public_search_page_shows_no_staff_contacts(
    client, as_user, directory, social_worker, django_assert_num_queries
):
    page = client.get("/directory/", {"q": "아동"}).content.decode()
    assert "제주아동보호전문기관" in page
    assert "양수진" not in page  # the JSS contact is for signed-in members only
    assert "064-000-7001" not in page
    member = as_user(social_worker)
    assert "양수진" in member.get("/directory/", {"q": "아동"}).content.decode()
    with django_assert_num_queries(8):  # filter choices come from the cache after the first request
        client.get("/directory/")


def test_htmx_search_returns_the_results_fragment(client, directory):
    response = client.get("/directory/", {"q": "쉼터"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "제주여성쉼터" in response.content.decode()


def test_bad_filter_values_are_ignored_with_the_form_errors(client, directory):
    response = client.get("/directory/", {"target": "martians"})
    assert response.status_code == 200
    assert response.context["form"].errors["target"]


def test_a_result_shows_its_first_three_matching_services_in_full_and_counts_the_rest(client, directory):
    for name in ["다 상담", "가 상담", "마 상담", "나 상담"]:
        service(directory["child"], name)
    service(directory["child"], "라 교육", types=terms("service_type", ["education"]))

    results, _total = search_directory(Criteria(query="상담"), now=TUESDAY_NOON)
    child = next(result for result in results if result.institution.pk == directory["child"].pk)
    assert [s.name for s in child.services] == ["가 상담", "나 상담", "다 상담"]  # by name, the lesson left out
    assert (child.matching, child.more) == (5, 2)  # 4 new ones and 아동학대 피해아동 상담
    assert child.services[0].types == ("상담",)

    page = client.get("/directory/", {"q": "상담"}, headers={"HX-Request": "true"}).content.decode()
    assert "조건에 맞는 서비스 2개 더 보기" in page


def test_results_are_paged_by_institution_name_in_the_readers_language(directory):
    first, total = search_directory(Criteria(), now=TUESDAY_NOON, limit=2)
    second, _ = search_directory(Criteria(), now=TUESDAY_NOON, page=2, limit=2)
    assert total == 4
    assert [r.institution.name for r in first + second] == sorted(i.name_ko for i in directory.values())

    Institution.objects.filter(pk=directory["shelter"].pk).update(name_en="")  # listed by its Korean name
    Institution.objects.filter(pk=directory["hotline"].pk).update(name_en="hotline for women 1366")
    with translation.override("en"):
        results, _total = search_directory(Criteria(), now=TUESDAY_NOON)
    assert [r.institution.name for r in results] == [
        "Child Protection", "hotline for women 1366", "Seogwipo Elder", "제주여성쉼터"
    ]  # fmt: skip


def test_a_result_shows_a_service_in_the_readers_language_with_its_hours_and_contact(directory, social_worker):
    def child_service(now: datetime.datetime = TUESDAY_NOON, *, with_contacts: bool = True):
        results, _total = search_directory(Criteria(query="아동학대"), now=now, with_contacts=with_contacts)
        [result] = results
        [summary] = result.services
        return summary

    summary = child_service()
    assert (summary.name, summary.targets, summary.types) == (
        "아동학대 피해아동 상담",
        ("아동", "가족"),
        ("상담", "사례관리"),
    )
    assert summary.hours == "평일 09:00–18:00 · 공휴일 휴무"
    assert (summary.open_now, child_service(TUESDAY_NIGHT).open_now, child_service(CHUSEOK_NOON).open_now) == (
        True,
        False,
        False,
    )
    assert (summary.contact_name, summary.contact_phone) == (social_worker.full_name, "064-000-7001")
    for_visitor = child_service(with_contacts=False)
    assert (for_visitor.contact_name, for_visitor.contact_phone) == ("", ""), "not even read for a visitor"
    with translation.override("en"):
        english = child_service()
    assert (english.name, english.targets, english.hours) == (
        "Counselling for abused children",
        ("Children", "Families"),
        "Weekdays 09:00–18:00 · Closed on public holidays",
    )

    Service.objects.filter(name_ko="아동학대 피해아동 상담").update(status=Service.Status.TEMPORARILY_CLOSED)
    social_worker.is_active = False
    social_worker.save()
    closed = child_service()
    assert (closed.temporarily_closed, closed.open_now, closed.contact_name, closed.contact_phone) == (
        True,
        False,
        "",
        "",
    )


def test_a_result_shows_the_institutions_kind_place_and_public_numbers(directory):
    elder = directory["elder"]
    Phone.objects.create(institution=elder, number="064-000-1502", kind=Phone.Kind.FAX)
    Phone.objects.create(institution=elder, number="064-000-1505", kind=Phone.Kind.OTHER)  # may be a staff line
    Phone.objects.create(institution=elder, number="064-000-1503", kind=Phone.Kind.HOTLINE)
    Phone.objects.create(institution=elder, service=elder.services.get(), number="064-000-1504")
    results, _total = search_directory(Criteria(query="노인학대"), now=TUESDAY_NOON)
    assert [result.institution for result in results] == [
        InstitutionSummary(
            pk=elder.pk,
            name="서귀포노인보호전문기관",
            category="노인보호전문기관",
            place="서귀포시 동홍동",
            phones=(("24시간 긴급전화", "064-000-1503"), ("대표번호", "064-000-1501")),
        )
    ]


def test_open_now_counts_a_period_to_midnight_to_its_end(directory):
    night = [HoursData(weekday=1, opens_at=datetime.time(18), closes_at=datetime.time(23, 59))]  # Tuesday
    service(directory["elder"], "야간 상담", hours=night)
    late = datetime.datetime(2026, 11, 24, 23, 59, 30, tzinfo=SEOUL)
    assert names(Criteria(open_now=True), late) == {"여성긴급전화1366 제주센터", "서귀포노인보호전문기관"}
    [elder], _total = search_directory(Criteria(query="야간"), now=late)
    assert [summary.open_now for summary in elder.services] == [True]
