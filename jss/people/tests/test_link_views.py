"""The review of possible duplicates through the URLs: who sees which pair, deciding, undoing."""

from __future__ import annotations

import pytest
from django.conf import settings

from jss.audit.models import AccessEvent
from jss.people.models import PersonLink

from .conftest import ago, pending


@pytest.fixture
def link(split_person) -> PersonLink:
    return pending(split_person["first"], split_person["second"])


@pytest.mark.access_route("people:links")
def test_the_queue_is_for_caseworkers_who_may_see_both_records(
    client, as_user, link, officer, social_worker, counsellor, head, auditor, secretariat, stranger
):
    assert client.get("/people/duplicates/").status_code == 302
    for user in (head, auditor, secretariat, stranger):
        assert as_user(user).get("/people/duplicates/").status_code == 403, user
    response = as_user(officer).get("/people/duplicates/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [link]
    page = response.content.decode()
    assert link.person.code in page
    assert link.other.code in page
    assert "고*비" in page
    assert "은비" not in page, "masked names only in the list"
    assert "아직 실행되지 않았습니다" in page  # no linkage run yet
    assert AccessEvent.objects.filter(verb="people.link_queue", actor=officer).exists()
    # The child protection agency reported none of these: not theirs to compare. Nor a Wee centre's.
    for outsider in (social_worker, counsellor):
        assert list(as_user(outsider).get("/people/duplicates/").context["page"].object_list) == []


@pytest.mark.access_route("people:link")
def test_a_pair_side_by_side_with_its_evidence(client, as_user, link, officer, social_worker):
    url = f"/people/duplicates/{link.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(social_worker).get(url).status_code == 404
    assert as_user(officer).get("/people/duplicates/999999/").status_code == 404
    response = as_user(officer).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("은비", "은 비", "1988-04-12", "1988-12-04", "일과 월이 바뀜", "+4.0", "-3.2", "같음"):
        assert text in page, text
    assert "자동으로 합치기에는 근거가 충분하지 않습니다" in page  # why it needs a person
    assert [len(side.incidents) for side in response.context["sides"]] == [2, 1]
    event = AccessEvent.objects.filter(verb="people.link_view", actor=officer).get()
    assert event.detail["persons"] == [link.person_id, link.other_id]


def test_the_page_is_in_english_too(as_user, link, officer):
    client = as_user(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/people/duplicates/{link.pk}/").content.decode()
    assert "Are these one person?" in page
    assert "day and month swapped" in page


@pytest.mark.access_route("people:decide")
def test_deciding_a_pair(as_user, client, link, split_person, officer, social_worker, reports):
    url = f"/people/duplicates/{link.pk}/decide/"
    assert client.post(url, {"decision": "merge"}).status_code == 302
    assert as_user(social_worker).post(url, {"decision": "merge"}).status_code == 404
    officer_client = as_user(officer)
    assert officer_client.get(url).status_code == 405
    assert officer_client.post(url, {"decision": "perhaps"}).status_code == 400

    response = officer_client.post(url, {"decision": "merge", "note": "생년월일 일/월 바뀜"}, follow=True)
    link.refresh_from_db()
    assert link.status == PersonLink.Status.MERGED
    assert link.decided_by == officer
    assert "합쳤습니다" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/people/duplicates/"  # nothing else waits

    # A pair of a victim and her suspect: refused with the reason, nothing changes.
    wrong = pending(split_person["first"], split_person["suspect"])
    response = officer_client.post(f"/people/duplicates/{wrong.pk}/decide/", {"decision": "merge"}, follow=True)
    assert "의 피해자와 행위자이므로 서로 다른 사람입니다" in response.content.decode()
    wrong.refresh_from_db()
    assert wrong.status == PersonLink.Status.PENDING
    officer_client.post(f"/people/duplicates/{wrong.pk}/decide/", {"decision": "apart", "note": "부부"})
    wrong.refresh_from_db()
    assert wrong.status == PersonLink.Status.DISTINCT
    assert wrong.note == "부부"


@pytest.mark.access_route("people:unmerge")
def test_undoing_a_merge(as_user, client, link, officer, social_worker):
    officer_client = as_user(officer)
    officer_client.post(f"/people/duplicates/{link.pk}/decide/", {"decision": "merge"})
    url = f"/people/duplicates/{link.pk}/unmerge/"
    assert client.post(url, {"note": "x"}).status_code == 302
    assert as_user(social_worker).post(url, {"note": "x"}).status_code == 404
    page = officer_client.get(f"/people/duplicates/{link.pk}/").content.decode()
    assert "합치기 취소" in page
    assert officer_client.post(url, {"note": ""}).status_code == 400  # a reason is required
    response = officer_client.post(url, {"note": "다른 사람이었음"}, follow=True)
    link.refresh_from_db()
    assert link.status == PersonLink.Status.UNMERGED
    assert link.other.parties.count() == 1
    assert "합치기를 취소했습니다" in response.content.decode()


def test_the_kept_persons_page_lists_the_records_merged_into_it(as_user, link, officer):
    client = as_user(officer)
    client.post(f"/people/duplicates/{link.pk}/decide/", {"decision": "merge"})
    page = client.get(f"/incidents/persons/{link.person_id}/").content.decode()
    assert "이 기록에 합쳐진 기록" in page
    assert f"/people/duplicates/{link.pk}/" in page
    assert client.get(f"/incidents/persons/{link.other_id}/").status_code == 404  # a merged record has no page


def test_a_merge_is_shown_only_to_those_who_see_a_report_the_merged_record_brought(
    as_user, split_person, officer, social_worker, reports
):
    first, second = split_person["first"], split_person["second"]
    reports.report(ago(1), victim=first, source="child_protection")  # the agency sees the kept record only
    link = pending(first, second)
    as_user(officer).post(f"/people/duplicates/{link.pk}/decide/", {"decision": "merge"})
    assert as_user(officer).get(f"/people/duplicates/{link.pk}/").status_code == 200
    assert as_user(social_worker).get(f"/people/duplicates/{link.pk}/").status_code == 404
    assert link not in as_user(social_worker).get("/people/duplicates/").context["decisions"]
