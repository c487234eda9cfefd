"""A joint council meeting and a policy decision, for the joint council's tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from jss.institutions.models import Institution
from jss.joint import services
from jss.joint.models import JointMeeting, PolicyDecision

IN_A_WEEK = datetime.timedelta(days=7)


def meeting_data(*invited: Institution, **overrides: Any) -> services.MeetingData:
    values: dict[str, Any] = {
        "kind": JointMeeting.Kind.REGULAR, "starts_at": timezone.now() + IN_A_WEEK, "place": "제주경찰청 대회의실",
        "video_link": "", "invited": list(invited),
    }  # fmt: skip
    values.update(overrides)
    return services.MeetingData(**values)


def decision_data(*owners: Institution, **overrides: Any) -> services.DecisionData:
    values: dict[str, Any] = {
        "title": "학교 밖 청소년 연계 절차 마련", "text": "교육청과 아동보호전문기관이 연계 절차를 만든다.",
        "owners": list(owners), "due_on": timezone.localdate() + datetime.timedelta(days=90),
        "section": "cases",
    }  # fmt: skip
    values.update(overrides)
    return services.DecisionData(**values)


@pytest.fixture
def joint_meeting(secretariat, police_agency, child_protection, dongbu_station) -> JointMeeting:
    """A regular meeting in a week; the Wee centre (the counsellor's institution) is not invited."""
    return services.schedule_meeting(meeting_data(police_agency, child_protection, dongbu_station), actor=secretariat)


@pytest.fixture
def decision(joint_meeting, secretariat, child_protection) -> PolicyDecision:
    """A decision of `joint_meeting`, owned by the child protection agency (the head's institution)."""
    return services.record_decision(joint_meeting, decision_data(child_protection), actor=secretariat)
