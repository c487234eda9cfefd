"""Demo risk assessments: made for the demo caseworkers' recent reports, at the rates set, idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.demo.assessments import generate_assessments
from jss.risk.models import Assessment
from jss.risk.packs import get_pack, score
from tests.factories import Reports, make_member


def test_the_demo_caseworkers_assess_their_recent_victims(dongbu_station):
    officer = make_member("coordinator", "고태훈", dongbu_station, "coordinator", "jeju-dongbu")  # a demo user name
    reports = Reports({"112": dongbu_station})
    now = timezone.now()
    for days in range(1, 41):
        victim = reports.person("고", f"은비{days}", "1988-04-12")
        suspect = reports.person("양", f"민철{days}", "1985-02-03")
        reports.report(now - datetime.timedelta(days=days * 4), victim=victim, suspect=suspect, weapon=days % 5 == 0)
    old = reports.person("문", "옛날", "1970-01-01")
    reports.report(now - datetime.timedelta(days=400), victim=old)

    result = generate_assessments(seed=1, now=now)

    made = list(Assessment.objects.all())
    assert result.created == len(made)
    assert 18 <= len(made) <= 36, "about 65% of the 40 recent 112 reports"
    assert all(a.assessor == officer for a in made)  # the 동부 station's demo coordinator
    assert not Assessment.objects.filter(person=old).exists()
    for assessment in made:
        pack = get_pack(assessment.pack_id, assessment.pack_version)
        assert pack is not None
        assert pack.domain == "domestic_violence"
        assert score(pack, assessment.answers).score == assessment.score
        assert assessment.completed_at is not None
        assert assessment.completed_at <= now
    assert any(a.unknown_count for a in made)
    assert AccessEvent.objects.filter(verb="demo.generate_assessments").count() == 1
    assert generate_assessments(seed=1, now=now).created == 0  # again: nothing added
