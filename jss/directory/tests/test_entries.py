import datetime

import pytest
from django.core import mail
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.directory.models import EntryChange, MembershipApplication, Phone, Service
from jss.directory.tests.conftest import service
from jss.institutions.models import Institution

SERVICE_POST = {
    "name_ko": "부모 교육",
    "description_ko": "학대 재발 방지를 위한 부모 교육",
    "status": "active",
    "targets": ["families"],
    "types": ["education"],
    "languages": ["ko"],
    "fee": "free",
    "service_area": "5011000000",
    "opens_0": "09:00",
    "closes_0": "18:00",
}


@pytest.mark.access_route("directory:entry")
def test_entry_page_is_public_for_members_only_entries(client, as_user, directory, applicant, social_worker):
    Phone.objects.create(institution=directory["child"], number="064-000-1309", kind=Phone.Kind.OTHER)
    response = client.get(f"/directory/institutions/{directory['child'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "아동학대 피해아동 상담" in page
    assert "평일 09:00–18:00 · 공휴일 휴무" in page, "the hours in the booklet's words"
    assert "064-000-1301" in page
    assert "064-000-1309" not in page, "an 'other' number may be a staff line: members only"
    member = as_user(social_worker).get(f"/directory/institutions/{directory['child'].pk}/").content.decode()
    assert "064-000-1309" in member
    assert client.get(f"/directory/institutions/{applicant.pk}/").status_code == 404
    assert client.get("/directory/institutions/999999/").status_code == 404


def test_a_confidential_shelter_address_is_never_shown(client, directory):
    page = client.get(f"/directory/institutions/{directory['shelter'].pk}/").content.decode()
    assert "제주시 시험로" not in page
    assert "비공개" in page


@pytest.mark.access_route("directory:entry_edit")
def test_only_the_institutions_contact_and_the_secretariat_edit_an_entry(
    client, as_user, directory, social_worker, counsellor, secretariat
):
    url = f"/directory/institutions/{directory['child'].pk}/edit/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).get(url).status_code == 404  # another institution
    assert as_user(secretariat).get(url).status_code == 200
    response = as_user(social_worker).post(
        url,
        {
            "description_ko": "제주시 아동학대 대응 전문기관",
            "address_ko": "제주시 시험로 1",
            "location_region": "5011054000",
            "main_phone": "(064) 000.1301",
            "hotline": "1577-1391",
            "email": "child@example.kr",
            "website": "child.example.kr",
        },
    )
    assert response.status_code == 302
    institution = Institution.objects.get(pk=directory["child"].pk)
    assert institution.website == "https://child.example.kr"
    assert sorted(institution.phones.values_list("kind", "number")) == [
        ("hotline", "1577-1391"),
        ("main", "064-000-1301"),
    ]
    change = EntryChange.objects.filter(institution=institution, kind="updated").latest("changed_at")
    assert change.changed_by == social_worker
    assert change.changes["website"] == ["", "https://child.example.kr"]


def test_a_practitioner_who_is_not_the_contact_cannot_edit(as_user, directory, child_protection):
    from tests.factories import make_member

    colleague = make_member("colleague", "동료", child_protection, "practitioner")
    assert as_user(colleague).get(f"/directory/institutions/{child_protection.pk}/edit/").status_code == 404


def test_bad_entry_input_gets_a_message_on_each_field_and_saves_nothing(as_user, directory, social_worker):
    institution = directory["child"]
    response = as_user(social_worker).post(
        f"/directory/institutions/{institution.pk}/edit/",
        {"location_region": "5011054000", "main_phone": "064-12", "email": "not-an-email", "website": "ht tp://x"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"main_phone", "email", "website"}
    assert "064-710-1234" in str(errors["main_phone"])
    assert response.context["form"]["email"].value() == "not-an-email"  # what was typed is kept
    assert institution.phones.get(kind="main").number == "064-000-1301"


@pytest.mark.access_route("directory:service_create")
def test_contact_adds_a_service_and_it_is_searchable(client, as_user, directory, social_worker, counsellor):
    institution = directory["child"]
    url = f"/directory/institutions/{institution.pk}/services/new/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).post(url, SERVICE_POST).status_code == 404
    response = as_user(social_worker).post(url, SERVICE_POST)
    assert response.status_code == 302
    service = Service.objects.get(name_ko="부모 교육")
    assert [(h.weekday, h.opens_at) for h in service.hours.all()] == [(0, datetime.time(9))]
    assert "부모교육" in service.search_text
    assert EntryChange.objects.filter(service=service, kind="created").exists()
    assert AccessEvent.objects.filter(verb="directory.entry_created", actor=social_worker).exists()
    assert "부모 교육" in client.get("/directory/", {"q": "부모교육"}).content.decode()


def test_closing_before_opening_and_unknown_terms_are_refused_on_their_fields(as_user, directory, social_worker):
    url = f"/directory/institutions/{directory['child'].pk}/services/new/"
    response = as_user(social_worker).post(
        url, {**SERVICE_POST, "opens_0": "18:00", "closes_0": "09:00", "types": ["astrology"], "opens_1": "09:00"}
    )
    errors = response.context["form"].errors
    assert "closes_0" in errors
    assert "types" in errors
    assert "closes_1" in errors  # an opening time without a closing time
    assert not Service.objects.filter(name_ko="부모 교육").exists()


@pytest.mark.access_route("directory:service_edit")
def test_editing_a_service_records_what_changed(client, as_user, directory, social_worker, counsellor):
    service = Service.objects.get(name_ko="아동학대 피해아동 상담")
    url = f"/directory/services/{service.pk}/edit/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).get(url).status_code == 404
    assert as_user(social_worker).get("/directory/services/999999/edit/").status_code == 404
    form = as_user(social_worker).get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data = {k: (v.strftime("%H:%M") if isinstance(v, datetime.time) else v) for k, v in data.items()}
    data["always_open"] = "on"
    data["name_ko"] = "피해아동 상담"
    response = as_user(social_worker).post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    change = EntryChange.objects.filter(service=service, kind="updated").get()
    assert change.changes["name_ko"] == ["아동학대 피해아동 상담", "피해아동 상담"]
    assert change.changes["always_open"] == [False, True]


@pytest.mark.access_route("directory:service_delete")
def test_removing_a_service(client, as_user, directory, social_worker, counsellor):
    service = Service.objects.get(name_ko="아동학대 피해아동 상담")
    url = f"/directory/services/{service.pk}/delete/"
    assert as_user(social_worker).get(url).status_code == 405
    assert as_user(counsellor).post(url).status_code == 404
    assert as_user(social_worker).post(url).status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    assert EntryChange.objects.filter(kind="deleted", subject="아동학대 피해아동 상담").exists()


@pytest.mark.access_route("directory:entry_verify")
def test_stale_entries_are_flagged_until_confirmed(client, as_user, directory, social_worker, secretariat, counsellor):
    institution = directory["child"]
    Institution.objects.filter(pk=institution.pk).update(last_verified_at=timezone.now() - datetime.timedelta(days=200))
    assert "stale" in client.get(f"/directory/institutions/{institution.pk}/").content.decode()
    assert institution.name_ko in as_user(secretariat).get("/directory/changes/").content.decode()
    url = f"/directory/institutions/{institution.pk}/verify/"
    assert as_user(counsellor).post(url).status_code == 404
    assert as_user(social_worker).post(url).status_code == 302
    assert 'data-testid="stale"' not in client.get(f"/directory/institutions/{institution.pk}/").content.decode()


@pytest.mark.access_route("directory:changes")
def test_the_secretariat_sees_what_changed(client, as_user, directory, secretariat, social_worker):
    assert client.get("/directory/changes/").status_code == 302
    assert as_user(social_worker).get("/directory/changes/").status_code == 403
    page = as_user(secretariat).get("/directory/changes/").content.decode()
    assert "아동학대 피해아동 상담" in page


APPLICATION = {
    "name_ko": "제주가족회복센터",
    "name_en": "Jeju Family Recovery Centre",
    "category": "family_centre",
    "region": None,
    "address": "제주시 시험로 5",
    "phone": "064 000 2001",
    "email": "office@recovery.example.kr",
    "website": "",
    "services_ko": "가족 상담, 재발 방지 교육",
    "targets": ["families"],
    "types": ["counselling", "education"],
    "contact_name": "한가람",
    "contact_email": "garam@recovery.example.kr",
    "contact_phone": "010 0000 2002",
}


def application_data() -> dict[str, object]:
    from jss.regions.models import Region

    return {**APPLICATION, "region": Region.objects.get(code="5011061000").pk}


@pytest.mark.access_route("directory:apply")
def test_anyone_may_apply_and_bad_input_is_named(client, directory):
    response = client.post("/directory/apply/", {**application_data(), "phone": "12", "email": "x"})
    assert set(response.context["form"].errors) == {"phone", "email"}
    assert response.context["form"]["name_ko"].value() == "제주가족회복센터"
    response = client.post("/directory/apply/", application_data())
    assert response.status_code == 200
    application = MembershipApplication.objects.get()
    assert application.phone == "064-000-2001"
    assert application.status == "pending"


@pytest.mark.access_route("directory:applications")
@pytest.mark.access_route("directory:application")
def test_approval_makes_a_member_that_appears_in_the_directory_and_invites_its_contact(
    client, as_user, directory, secretariat, social_worker, django_capture_on_commit_callbacks
):
    client.post("/directory/apply/", application_data())
    application = MembershipApplication.objects.get()
    assert as_user(social_worker).get("/directory/applications/").status_code == 403
    assert as_user(social_worker).get(f"/directory/applications/{application.pk}/").status_code == 404
    staff = as_user(secretariat)
    assert "제주가족회복센터" in staff.get("/directory/applications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/directory/applications/{application.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    institution = Institution.objects.get(name_ko="제주가족회복센터")
    assert institution.status == "active"
    assert institution.member_since == timezone.localdate()
    assert "제주가족회복센터" in client.get("/directory/", {"q": "가족회복"}).content.decode()
    assert "제주가족회복센터" in client.get("/directory/", {"target": "families"}).content.decode()
    # The contact is invited: an e-mail whose subject names nobody, with a one-time link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["garam@recovery.example.kr"]
    assert "한가람" not in message.subject
    link = next(word for word in message.body.split() if "/accounts/invitation/" in word)
    path = link.split("testserver", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"new_password1": "a-fresh-password-42", "new_password2": "a-fresh-password-42"})
    assert response.status_code == 302
    contact = institution.memberships.get()
    assert contact.is_contact
    assert not contact.casework  # a public application alone opens no personal data
    assert client.get("/incidents/new/").status_code == 403
    assert contact.user.check_password("a-fresh-password-42")
    assert client.get(path).status_code == 404  # the link works once
    # Deciding twice is refused with a message.
    response = staff.post(f"/directory/applications/{application.pk}/", {"decision": "approve"}, follow=True)
    assert "이미 결정" in response.content.decode()


def test_growth_is_visible_after_approval(as_user, directory, secretariat, client):
    before = as_user(secretariat).get("/").context["growth"][-1].members
    client.post("/directory/apply/", application_data())
    application = MembershipApplication.objects.get()
    as_user(secretariat).post(f"/directory/applications/{application.pk}/", {"decision": "approve"})
    assert as_user(secretariat).get("/").context["growth"][-1].members == before + 1


def test_rejection_needs_a_reason(client, as_user, directory, secretariat):
    client.post("/directory/apply/", application_data())
    application = MembershipApplication.objects.get()
    staff = as_user(secretariat)
    response = staff.post(f"/directory/applications/{application.pk}/", {"decision": "reject", "reason": ""})
    assert response.context["reject_form"].errors["reason"]
    response = staff.post(
        f"/directory/applications/{application.pk}/", {"decision": "reject", "reason": "제주 지역 기관이 아님"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.decision_reason == "제주 지역 기관이 아님"
    assert not Institution.objects.filter(name_ko="제주가족회복센터").exists()


@pytest.mark.access_route("accounts:invitation")
def test_a_forged_invitation_link_is_not_found(client, jeju):
    assert client.get("/accounts/invitation/MQ/not-a-token/").status_code == 404
    assert client.get("/accounts/invitation/!!/x/").status_code == 404


def test_stale_entries_are_notified_to_their_contacts_and_the_secretariat_once_a_month(
    directory, social_worker, secretariat, django_capture_on_commit_callbacks
):
    from jss.directory.services import notify_stale_entries

    Institution.objects.update(last_verified_at=timezone.now())
    Institution.objects.filter(pk=directory["child"].pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=200)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify_stale_entries(now=timezone.now(), site_url="https://jss.example.kr")
    assert notice.institutions == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["secretariat@example.kr", "social-worker@example.kr"]
    assert all("양수진" not in message.subject for message in mail.outbox)
    assert f"https://jss.example.kr/directory/institutions/{directory['child'].pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = notify_stale_entries(now=timezone.now(), site_url="https://jss.example.kr")
    assert again.institutions == 0
    assert len(mail.outbox) == 2


def test_a_shelter_that_hides_its_address_shows_only_its_city(client, directory, secretariat, as_user):
    from jss.regions.models import Region

    shelter = directory["shelter"]
    Institution.objects.filter(pk=shelter.pk).update(region=Region.objects.get(code="5011061000"))  # 삼양동
    response = as_user(secretariat).post(
        f"/directory/institutions/{shelter.pk}/edit/",
        {"location_region": "5011061000", "is_confidential": "on", "main_phone": "064-000-1801"},
    )
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.region.code == "5011000000"
    assert shelter.locations.get().region.code == "5011000000"
    assert "삼양동" not in client.get(f"/directory/institutions/{shelter.pk}/").content.decode()


def test_an_entry_shows_a_services_ages_even_without_eligibility_text(client, directory):
    service(directory["elder"], "노인 일자리 상담", minimum_age=65)
    service(directory["elder"], "청소년 상담", minimum_age=9, maximum_age=24, eligibility_ko="제주 거주 청소년")
    page = client.get(f"/directory/institutions/{directory['elder'].pk}/").content.decode()
    assert "(65세 이상)" in page
    assert "제주 거주 청소년 (9–24세)" in page
