import datetime
import re

import pytest

from jss.audit.models import AccessEvent
from jss.incidents.models import Incident, Party
from jss.incidents.services import IncidentData, IncidentError, PartyData, record_incident
from jss.lib.fieldcrypto import DecryptionError
from jss.people.matching import Identity, find_candidates
from jss.people.models import Person


def intake_post(**overrides):
    data = {
        "domain": "domestic_violence",
        "occurred_at": "2026-11-20T23:10",
        "reported_at": "2026-11-20T23:20",
        "source": "112",
        "source_reference": "112-20261120-0001",
        "region": "5011054000",
        "alcohol": "on",
        "police_measures": ["emergency_measures"],
        "narrative": "남편이 술을 마시고 폭언",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "2",
        "party-MAX_NUM_FORMS": "8",
        "party-0-role": "victim",
        "party-0-family_name": "고",
        "party-0-given_name": "은비",
        "party-0-birth": "1988.4.12",
        "party-0-sex": "F",
        "party-0-phone": "010 0000 1111",
        "party-0-disability": "none",
        "party-1-role": "suspect",
        "party-1-family_name": "양",
        "party-1-given_name": "민철",
        "party-1-birth": "1985",
        "party-1-sex": "M",
        "party-1-disability": "none",
    }
    data.update(overrides)
    return data


@pytest.mark.access_route("incidents:create")
def test_an_officer_records_a_report_in_one_form(client, as_user, officer, head, counsellor):
    assert client.get("/incidents/new/").status_code == 302
    assert as_user(head).get("/incidents/new/").status_code == 403
    response = as_user(officer).post("/incidents/new/", intake_post())
    assert response.status_code == 302, response.context and response.context["form"].errors
    incident = Incident.objects.get()
    assert incident.reporting_institution == officer.membership.institution
    assert incident.alcohol
    assert incident.police_measures == ["emergency_measures"]
    victim = incident.parties.get(role="victim").person
    assert (victim.family_name, victim.given_name, victim.phone) == ("고", "은비", "010-0000-1111")
    assert victim.birth_date == datetime.date(1988, 4, 12)
    assert AccessEvent.objects.filter(verb="incident.create", actor=officer).exists()


def test_personal_fields_are_encrypted_at_rest_and_found_by_blind_index(officer, as_user):
    as_user(officer).post("/incidents/new/", intake_post())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name, given_name, phone, name_index FROM people_person")
        rows = cursor.fetchall()
    assert all("은비" not in str(row) and "010" not in str(row) for row in rows)
    assert all(row[3] for row in rows)
    narrative = Incident.objects.values_list("narrative", flat=True).get()  # decrypted by the field
    assert narrative == "남편이 술을 마시고 폭언"
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM incidents_incident")
        assert "남편" not in cursor.fetchone()[0]


def test_a_wrong_key_fails_loudly(officer, as_user, settings):
    as_user(officer).post("/incidents/new/", intake_post())
    settings.FIELD_ENCRYPTION_KEYS = ["b3RoZXIta2V5LW5vdC10aGUtcmlnaHQtb25lLTAwMDA="]
    with pytest.raises(DecryptionError, match=r"cannot decrypt Person\.family_name"):
        list(Person.objects.all())


def test_bad_input_is_named_and_nothing_is_lost(officer, as_user):
    response = as_user(officer).post(
        "/incidents/new/",
        intake_post(**{"reported_at": "2026-11-20T22:00", "party-0-birth": "1988.13.40", "party-1-role": ""}),
    )
    assert response.status_code == 200
    assert "reported_at" in response.context["form"].errors
    parties = response.context["parties"]
    assert "birth" in parties.forms[0].errors
    assert "role" in parties.forms[1].errors
    assert parties.forms[0]["given_name"].value() == "은비"
    assert not Incident.objects.exists()


def test_a_report_needs_a_victim(officer):
    with pytest.raises(IncidentError):
        record_incident(
            IncidentData(
                domain="domestic_violence",
                occurred_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                reported_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                source="112",
                reporting_institution=officer.membership.institution,
                region=None,
                parties=[PartyData(role="suspect", identity=Identity(family_name="양", given_name="민철"))],
            ),
            actor=officer,
        )


@pytest.mark.access_route("incidents:suggest")
def test_typing_a_known_name_offers_the_person_with_why(officer, as_user, social_worker, head):
    as_user(officer).post("/incidents/new/", intake_post())
    # The child protection agency later types the same woman with a typo in the phone and the same birth date.
    params = {
        "prefix": "party-0",
        "party-0-family_name": "고",
        "party-0-given_name": "은비",
        "party-0-birth": "1988-04-12",
    }
    assert as_user(social_worker).get("/incidents/suggest/", params).status_code == 405  # never in a URL
    response = as_user(social_worker).post("/incidents/suggest/", params)
    page = response.content.decode()
    assert "고*비" in page  # masked
    assert "은비" not in page
    assert "같은 생년월일" in page
    victim = Person.objects.get(parties__role="victim")
    assert victim.code not in page  # the code is not offered: a signed, expiring token is
    assert as_user(head).post("/incidents/suggest/", params).status_code == 403
    event = AccessEvent.objects.get(verb="person.search", actor=social_worker)
    assert event.detail == {"offered": [victim.pk]}


def test_a_name_alone_or_a_reporter_is_never_offered(officer, as_user, social_worker):
    as_user(officer).post("/incidents/new/", intake_post(**{"party-1-role": "reporter"}))
    client = as_user(social_worker)
    name_only = {"prefix": "party-0", "party-0-family_name": "고", "party-0-given_name": "은비"}
    assert 'data-testid="candidate"' not in client.post("/incidents/suggest/", name_only).content.decode()
    reporter = {"prefix": "party-0", "party-0-family_name": "양", "party-0-given_name": "민철", "party-0-birth": "1985"}
    assert 'data-testid="candidate"' not in client.post("/incidents/suggest/", reporter).content.decode()


def test_matching_handles_spelling_and_date_variants(officer, as_user):
    as_user(officer).post("/incidents/new/", intake_post())
    swapped = find_candidates(Identity(family_name="Koh", given_name="은비", birth_date=datetime.date(1988, 12, 4)))
    assert swapped
    assert swapped[0].person.given_name == "은비"
    typo = find_candidates(Identity(family_name="고", given_name="은빈", birth_date=datetime.date(1988, 4, 12)))
    assert typo
    assert typo[0].score >= 0.7
    stranger = find_candidates(Identity(family_name="박", given_name="지훈", birth_date=datetime.date(1970, 1, 1)))
    assert stranger == []


def offered_token(client) -> str:
    page = client.post(
        "/incidents/suggest/",
        {"prefix": "party-0", "party-0-family_name": "고", "party-0-given_name": "은비", "party-0-birth": "1988.4.12"},
    ).content.decode()
    found = re.search(r'name="party-0-existing" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def second_report(**overrides):
    base = {"party-1-family_name": "", "party-1-given_name": "", "party-1-role": "", "party-1-birth": ""}
    return intake_post(domain="child_abuse", source="child_protection", source_reference="CPA-1", **base, **overrides)


def test_picking_a_suggestion_links_the_new_report_to_the_same_person(officer, as_user, social_worker):
    as_user(officer).post("/incidents/new/", intake_post())
    victim = Person.objects.get(parties__role="victim")
    client = as_user(social_worker)
    response = client.post("/incidents/new/", second_report(**{"party-0-existing": offered_token(client)}))
    assert response.status_code == 302
    assert Party.objects.filter(person=victim).count() == 2
    assert Person.objects.count() == 2
    assert AccessEvent.objects.get(verb="incident.create", actor=social_worker).detail["linked"] == [victim.pk]


def test_a_forged_or_borrowed_suggestion_links_nobody(officer, as_user, social_worker):
    as_user(officer).post("/incidents/new/", intake_post())
    victim = Person.objects.get(parties__role="victim")
    for token in (victim.code, offered_token(as_user(officer))):  # a bare code; another user's offer
        response = as_user(social_worker).post("/incidents/new/", second_report(**{"party-0-existing": token}))
        assert response.status_code == 200
        assert response.context["parties"].forms[0].non_field_errors()
    # A real offer cannot be reused to link somebody else.
    token = offered_token(as_user(social_worker))
    other = second_report(**{"party-0-existing": token, "party-0-given_name": "다른", "party-0-birth": "2001.1.1"})
    assert as_user(social_worker).post("/incidents/new/", other).status_code == 200
    assert Party.objects.filter(person=victim).count() == 1


def test_the_same_source_reference_twice_gets_a_message(officer, as_user):
    as_user(officer).post("/incidents/new/", intake_post())
    response = as_user(officer).post("/incidents/new/", intake_post(), follow=True)
    assert Incident.objects.count() == 1
    assert "112-20261120-0001" in response.content.decode()


@pytest.mark.access_route("incidents:list")
@pytest.mark.access_route("incidents:detail")
def test_need_to_know_for_reports(client, as_user, officer, social_worker, counsellor, head, auditor):
    as_user(officer).post("/incidents/new/", intake_post())
    incident = Incident.objects.get()
    url = f"/incidents/{incident.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(officer).get(url).status_code == 200
    assert "고은비" in as_user(officer).get(url).content.decode()
    for outsider in (social_worker, counsellor, head, auditor):
        assert as_user(outsider).get(url).status_code == 404
    assert as_user(social_worker).get("/incidents/").context["page"].paginator.count == 0
    assert as_user(head).get("/incidents/").status_code == 403
    assert AccessEvent.objects.filter(verb="incident.view", actor=officer, purpose="incident page").exists()


def test_a_coordinator_sees_reports_from_other_institutions_in_the_jurisdiction(as_user, officer, social_worker):
    as_user(social_worker).post("/incidents/new/", intake_post(source="child_protection", source_reference="C-9"))
    assert as_user(officer).get("/incidents/").context["page"].paginator.count == 1
    other_area = intake_post(source="child_protection", source_reference="C-10", region="5011066000")  # 노형동: 서부
    as_user(social_worker).post("/incidents/new/", other_area)
    assert as_user(officer).get("/incidents/").context["page"].paginator.count == 1


@pytest.mark.access_route("incidents:person")
def test_person_page_is_need_to_know_and_audited(client, as_user, officer, counsellor):
    as_user(officer).post("/incidents/new/", intake_post())
    person = Person.objects.get(parties__role="victim")
    url = f"/incidents/persons/{person.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).get(url).status_code == 404
    assert as_user(officer).get("/incidents/persons/999999/").status_code == 404
    page = as_user(officer).get(url).content.decode()
    assert "고은비" in page
    assert AccessEvent.objects.filter(verb="person.view", actor=officer, target_id=str(person.pk)).exists()
