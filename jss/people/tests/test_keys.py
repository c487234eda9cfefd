import datetime

from cryptography.fernet import Fernet
from django.db import connection

from jss.incidents.services import IncidentData, PartyData, record_incident
from jss.people.matching import Identity
from jss.people.models import Person
from jss.people.services import rotate_field_keys


def add_victim(institution, actor):
    moment = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)
    record_incident(
        IncidentData(
            domain="domestic_violence", occurred_at=moment, reported_at=moment, source="112",
            reporting_institution=institution, region=None, narrative="기록",
            parties=[PartyData(role="victim", identity=Identity(family_name="고", given_name="은비", phone="010-0000-1111"))],
        ),
        actor=actor,
    )  # fmt: skip


def raw_tokens():
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM people_person")
        return [row[0] for row in cursor.fetchall()]


def test_rotating_keys_re_encrypts_everything_and_old_keys_can_then_go(officer, settings):
    add_victim(officer.membership.institution, officer)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = raw_tokens()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    rotation = rotate_field_keys()
    assert rotation.values >= 3  # names, phone and the narrative
    assert raw_tokens() != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything still reads
    assert Person.objects.get().given_name == "은비"


def test_reindexing_after_a_new_blind_index_key_keeps_people_findable(officer, settings):
    from jss.people.matching import find_candidates

    add_victim(officer.membership.institution, officer)
    settings.BLIND_INDEX_KEY = "another-blind-index-key-" + "z" * 20
    assert find_candidates(Identity(family_name="고", given_name="은비", phone="010-0000-1111")) == []
    rotate_field_keys(reindex=True)
    assert find_candidates(Identity(family_name="고", given_name="은비", phone="010-0000-1111"))
