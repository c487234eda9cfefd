"""The dashboards through their URLs, as the personas: who opens which, what each shows (counts and codes,
never a name), report figures read from the kept snapshot, and a fixed number of queries whatever the data."""

from __future__ import annotations

import pytest

from jss.accounts.models import Membership
from jss.dashboards.queries import current_half_year
from jss.regions.models import PoliceStation
from jss.reports.models import Snapshot
from jss.reports.periods import Period
from tests.factories import make_member


@pytest.mark.access_route("dashboards:mine")
def test_each_role_is_sent_to_its_own_dashboard(
    client, as_user, world, secretariat, officer, social_worker, head, auditor, admin_user, stranger
):
    assert client.get("/dashboards/").status_code == 302  # to sign in
    assert as_user(secretariat).get("/dashboards/")["Location"] == "/dashboards/province/"
    assert as_user(officer).get("/dashboards/")["Location"] == "/dashboards/station/"
    assert as_user(social_worker).get("/dashboards/")["Location"] == "/dashboards/institution/"
    assert as_user(head).get("/dashboards/")["Location"] == "/dashboards/head/"
    for without in (auditor, admin_user, stranger):
        assert as_user(without).get("/dashboards/").status_code == 403


@pytest.mark.access_route("dashboards:province")
def test_the_province_dashboard_is_the_secretariats(client, as_user, world, secretariat, officer, social_worker, head):
    assert client.get("/dashboards/province/").status_code == 302
    for refused in (officer, social_worker, head):
        assert as_user(refused).get("/dashboards/province/").status_code == 403
    response = as_user(secretariat).get("/dashboards/province/")
    live = response.context["dashboard"].live
    assert (live.open_cases, live.nominations_waiting, live.actions_open, live.actions_overdue) == (2, 1, 1, 1)
    assert len(live.meetings) == 1
    page = response.content.decode()
    for chart in ("chart-monthly-reports", "chart-rates-by_domain-rate", "chart-recurrence", "chart-open_cases-cases"):
        assert f'data-testid="{chart}"' in page
    assert page.count('class="jss-table jss-chart-data"') >= 8  # every chart with its data table
    assert response.context["dashboard"].kept.suppressed


@pytest.mark.access_route("dashboards:station")
def test_a_coordinator_sees_their_own_station_and_the_secretariat_any(
    client, as_user, world, secretariat, officer, social_worker, head
):
    seogwipo = PoliceStation.objects.get(code="seogwipo")
    dongbu = world.police_station
    assert client.get("/dashboards/station/").status_code == 302
    for refused in (social_worker, head):
        assert as_user(refused).get("/dashboards/station/").status_code == 403
    own = as_user(officer).get("/dashboards/station/")
    assert own.context["station"] == dongbu
    assert not own.context["dashboard"].kept.suppressed  # the coordinator sees these cases in full
    assert 'data-testid="station-picker"' not in own.content.decode()
    assert as_user(officer).get(f"/dashboards/station/?station={dongbu.pk}").status_code == 200
    assert as_user(officer).get(f"/dashboards/station/?station={seogwipo.pk}").status_code == 404
    assert as_user(secretariat).get("/dashboards/station/?station=999999").status_code == 404
    assert as_user(secretariat).get("/dashboards/station/?station=x").status_code == 404
    other = as_user(secretariat).get(f"/dashboards/station/?station={seogwipo.pk}")
    assert other.context["station"] == seogwipo
    assert other.context["dashboard"].live.open_cases == 0
    assert other.context["dashboard"].kept.suppressed
    assert 'data-testid="station-picker"' in other.content.decode()


@pytest.mark.access_route("dashboards:institution")
def test_an_institution_sees_only_what_it_takes_part_in(
    client, as_user, world, officer, social_worker, counsellor, head
):
    assert client.get("/dashboards/institution/").status_code == 302
    assert as_user(head).get("/dashboards/institution/").status_code == 403
    mine = as_user(social_worker).get("/dashboards/institution/").context["dashboard"].live
    # The shared case with its two actions (one overdue); the waiting nomination is the station's.
    assert (mine.open_cases, mine.nominations_waiting, mine.actions_open, mine.actions_overdue) == (1, 0, 1, 1)
    outsider = as_user(counsellor).get("/dashboards/institution/").context["dashboard"].live
    assert (outsider.open_cases, outsider.actions_open, outsider.meetings) == (0, 0, ())
    assert as_user(officer).get("/dashboards/institution/").status_code == 200  # a coordinator's institution


@pytest.mark.access_route("dashboards:head")
def test_a_head_sees_their_institutions_contribution_without_names(
    client, as_user, world, head, social_worker, secretariat
):
    assert client.get("/dashboards/head/").status_code == 302
    for refused in (social_worker, secretariat):
        assert as_user(refused).get("/dashboards/head/").status_code == 403
    response = as_user(head).get("/dashboards/head/")
    contribution = response.context["dashboard"].contribution
    assert (contribution.shared_cases, contribution.actions_open, contribution.actions_overdue) == (1, 1, 1)
    assert contribution.nominations.cell("accepted", "nominations").value == 1
    page = response.content.decode()
    assert 'data-testid="chart-against_network-institution"' in page
    assert "상담 연계" not in page  # what an action asks may name people: never on a dashboard
    assert response.context["dashboard"].kept.suppressed
    assert response.context["dashboard"].network.suppressed


def test_the_dashboard_reads_the_kept_report_and_keeps_one_when_there_is_none(as_user, world, officer):
    assert not Snapshot.objects.exists()
    as_user(officer).get("/dashboards/station/")  # nothing kept yet: computed once and kept
    kept = Snapshot.objects.get()
    assert (kept.start, kept.end) == (current_half_year(kept.end).start, kept.end)
    world.grow()
    as_user(officer).get("/dashboards/station/")
    assert Snapshot.objects.get().computed_at == kept.computed_at  # read back, not computed again
    as_user(officer).get("/dashboards/station/?half=last")
    assert Snapshot.objects.filter(start=Period.last_complete_half_year(kept.end).start).exists()


# Before the nightly refresh has counted them, the province's and a station's include 24 counts, one per month
# of the trend line (jss.dashboards.queries.monthly_reports; after the refresh, one query: test_refresh.py),
# and 3 for the session; every other figure is one query.
@pytest.mark.parametrize(
    ("url", "persona", "queries"),
    [
        ("/dashboards/province/", "secretariat", 34),
        ("/dashboards/station/", "officer", 35),
        ("/dashboards/station/", "secretariat", 36),
        ("/dashboards/institution/", "social_worker", 9),
        ("/dashboards/head/", "head", 10),
    ],
)
def test_queries_do_not_grow_with_the_data(request, as_user, world, django_assert_num_queries, url, persona, queries):
    client = as_user(request.getfixturevalue(persona))
    client.get(url)  # computes and keeps the reports
    client.get(url)  # reads them back once (this process then keeps them read)
    with django_assert_num_queries(queries):
        client.get(url)
    for _more in range(3):
        world.grow()
    with django_assert_num_queries(queries):
        client.get(url)


def test_a_practitioner_without_casework_sees_no_case_counts(as_user, world, child_protection):
    reader = make_member("reader", "박열람", child_protection, "practitioner")
    Membership.objects.filter(user=reader).update(casework=False)
    live = as_user(reader).get("/dashboards/institution/").context["dashboard"].live
    assert (live.open_cases, live.actions_open) == (0, 0)
