"""Anonymised case reviews: proposed by who works on the case, refused when they identify someone, chosen by
the secretariat for a report period, and shown in that report (title and text only)."""

from __future__ import annotations

import datetime

import pytest

from jss.cases.models import Case
from jss.cases.tests.conftest import family  # noqa: F401 (a fixture)
from jss.council.tests.conftest import accepted  # noqa: F401 (a fixture)
from jss.reports import services
from jss.reports.models import CaseReview
from jss.reports.periods import Period

LAST = Period.last_complete_half_year()
HALF = f"{LAST.start.year}-{1 if LAST.start.month == 1 else 2}"
BEFORE = LAST.start - datetime.timedelta(days=1)
BEFORE_HALF = f"{BEFORE.year}-{1 if BEFORE.month <= 6 else 2}"
TEXT = "30대 여성이 배우자의 반복된 폭력으로 세 차례 신고했다. 실무협의회가 상담과 주거 지원을 연계한 뒤 6개월간 재신고가 없었다."


@pytest.fixture
def discussed(accepted):  # noqa: F811
    Case.objects.filter(pk=accepted.pk).update(status=Case.Status.PLAN_ACTIVE)
    accepted.refresh_from_db()
    return accepted


def test_a_review_that_identifies_someone_is_refused(discussed, officer, family):  # noqa: F811
    for text, field in (
        (f"{family['victim'].full_name} 씨는 세 차례 신고했다.", "text"),
        ("피해자 은비 씨가 신고했다.", "text"),  # the given name alone
        ("연락처 010-1234-5678로 확인했다.", "text"),
        ("2026년 3월 4일 신고했다.", "text"),
        (f"{discussed.code} 사례", "text"),
    ):
        with pytest.raises(services.ReviewError) as refused:
            services.propose_review(discussed, title="반복 가정폭력", text=text, actor=officer)
        assert refused.value.field == field
    with pytest.raises(services.ReviewError) as titled:
        services.propose_review(discussed, title=f"{family['victim'].full_name} 사례", text=TEXT, actor=officer)
    assert titled.value.field == "title"
    review = services.propose_review(discussed, title="반복 가정폭력, 상담과 주거 지원", text=TEXT, actor=officer)
    assert review.status == CaseReview.Status.PROPOSED


def test_only_who_works_on_the_case_proposes_and_only_after_a_meeting(accepted, officer, counsellor):  # noqa: F811
    with pytest.raises(services.ReviewError):
        services.propose_review(accepted, title="제목", text=TEXT, actor=officer)  # not discussed yet
    Case.objects.filter(pk=accepted.pk).update(status=Case.Status.MONITORING)
    accepted.refresh_from_db()
    with pytest.raises(services.ReviewError):
        services.propose_review(accepted, title="제목", text=TEXT, actor=counsellor)


@pytest.mark.access_route("reports:review_propose")
@pytest.mark.access_route("reports:reviews")
@pytest.mark.access_route("reports:review_decide")
def test_proposed_chosen_and_shown_in_the_report(client, as_user, discussed, officer, secretariat, counsellor, head):
    url = f"/reports/reviews/case/{discussed.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).get(url).status_code == 404  # the case is not theirs to see
    assert f'href="{url}"' in as_user(officer).get(f"/cases/{discussed.pk}/").content.decode()
    refused = as_user(officer).post(url, {"title": "반복 가정폭력", "text": "연락처 010-1234-5678"})
    assert refused.status_code == 400
    assert "010-1234-5678" in refused.content.decode()  # kept for correcting
    assert as_user(officer).post(url, {"title": "반복 가정폭력", "text": TEXT}).status_code == 302
    review = CaseReview.objects.get()

    assert as_user(head).get("/reports/reviews/").status_code == 403
    listing = as_user(secretariat).get("/reports/reviews/").content.decode()
    assert "반복 가정폭력" in listing
    assert discussed.code not in listing  # the secretariat reads the review, not the case
    decide = f"/reports/reviews/{review.pk}/decide/"
    assert as_user(counsellor).post(decide, {"decision": "choose"}).status_code == 404
    assert as_user(officer).post(decide, {"decision": "choose", f"review-{review.pk}-half": HALF}).status_code == 403
    as_user(secretariat).post(decide, {"decision": "choose", f"review-{review.pk}-half": HALF})
    review.refresh_from_db()
    assert review.status == CaseReview.Status.CHOSEN
    assert (review.start, review.end) == (LAST.start, LAST.end)

    report = as_user(secretariat).get("/reports/semiannual/", {"half": HALF}).content.decode()
    assert "반복 가정폭력" in report
    assert "주거 지원을 연계한" in report
    assert (
        "반복 가정폭력" not in as_user(secretariat).get("/reports/semiannual/", {"half": BEFORE_HALF}).content.decode()
    )
