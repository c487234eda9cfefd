from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from jss.audit.models import AccessEvent, AppendOnlyError, ChainHead
from jss.audit.services import record, record_view, verify_chain


def test_events_are_chained_and_verify(db, social_worker):
    first = record(social_worker, "thing.view", social_worker, {"reason": "check"}, purpose="case review")
    second = record(None, "thing.other", None)
    assert second.previous_hash == first.hash
    assert first.actor_institution_id == social_worker.membership.institution_id
    assert first.target_type == "accounts.user"
    assert verify_chain()[0] is True


def test_events_cannot_be_changed_through_the_orm(db, social_worker):
    event = record(social_worker, "thing.view", None)
    event.verb = "thing.hidden"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


def test_the_database_refuses_to_change_an_event(db, social_worker):
    event = record(social_worker, "thing.view", None)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accessevent SET verb = 'x' WHERE id = %s", [event.pk])


def test_verification_finds_a_removed_event(db, social_worker):
    record(social_worker, "one", None)
    middle = record(social_worker, "two", None)
    record(social_worker, "three", None)
    if connection.vendor == "postgresql":
        # PostgreSQL refuses the deletion outright.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [middle.pk])
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [middle.pk])
    intact, explanation = verify_chain()
    assert intact is False
    assert "removed" in explanation


def test_verification_finds_events_cut_off_the_end(db, social_worker):
    record(social_worker, "one", None)
    last = record(social_worker, "two", None)
    if connection.vendor == "postgresql":
        return  # refused, see above
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [last.pk])
    intact, explanation = verify_chain()
    assert intact is False
    assert "cut off" in explanation


@pytest.mark.access_route("audit:list")
def test_only_the_auditor_reads_the_trail(as_user, client, auditor, secretariat, admin_user, social_worker):
    record(social_worker, "thing.view", social_worker)
    response = as_user(auditor).get("/audit/?verb=thing.view")
    assert response.status_code == 200
    assert [event.verb for event in response.context["page"]] == ["thing.view"]
    for user in (secretariat, admin_user, social_worker):
        assert as_user(user).get("/audit/").status_code == 403
    assert client.get("/audit/").status_code == 302


def test_audit_filter_rejects_a_bad_date_with_a_message(as_user, auditor):
    response = as_user(auditor).get("/audit/?on=2026-13-45")
    assert response.status_code == 200
    assert response.context["form"].errors["on"]


@pytest.mark.access_route("audit:verify")
def test_auditor_checks_the_chain(as_user, auditor, social_worker):
    record(social_worker, "thing.view", None)
    assert as_user(social_worker).post("/audit/verify/").status_code == 403
    response = as_user(auditor).post("/audit/verify/")
    assert response.context["result"]["intact"] is True
    assert AccessEvent.objects.filter(verb="audit.verify", actor=auditor).exists()


def test_detail_refuses_floats_and_huge_numbers(db, social_worker):
    with pytest.raises(ValueError, match="float"):
        record(social_worker, "thing.view", None, {"score": 1e16})
    with pytest.raises(ValueError, match="too large"):
        record(social_worker, "thing.view", None, {"n": 2**60})


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(social_worker):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record(social_worker, "thing.view", None)


@pytest.mark.django_db(transaction=True)
def test_a_view_is_recorded_in_a_transaction_of_its_own_without_a_savepoint(social_worker):
    """A page that shows personal data records the view outside any transaction: the event is chained like
    any other, and written without a savepoint (inside someone's transaction it still gets one)."""
    with CaptureQueriesContext(connection) as alone:
        record_view(social_worker, "thing.view", social_worker, purpose="case page", detail={"scope": "full"})
    assert not [query for query in alone.captured_queries if "SAVEPOINT" in query["sql"].upper()]
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        record_view(social_worker, "thing.view", None, purpose="case page")
    assert [query for query in inside.captured_queries if "SAVEPOINT" in query["sql"].upper()]
    first, second = AccessEvent.objects.filter(verb="thing.view").order_by("id")
    assert (first.verb, first.purpose, first.detail, first.target_type) == (
        "thing.view",
        "case page",
        {"scope": "full"},
        "accounts.user",
    )
    assert second.previous_hash == first.hash
    assert verify_chain()[0] is True


def test_events_written_after_the_check_started_do_not_look_like_tampering(db, social_worker, monkeypatch):
    record(social_worker, "one", None)
    real_filter = ChainHead.objects.filter

    def head_then_write(*args, **kwargs):
        head = real_filter(*args, **kwargs).first()
        record(social_worker, "written-during-check", None)  # lands after the head was read
        return SimpleNamespace(first=lambda: head)

    monkeypatch.setattr(ChainHead.objects, "filter", head_then_write)
    intact, explanation = verify_chain()
    assert intact, explanation
    monkeypatch.undo()
    assert verify_chain()[0] is True
    assert AccessEvent.objects.filter(verb="written-during-check").exists()
