"""An accepted case of the 동부 station's working council, for the meeting tests."""

from __future__ import annotations

import pytest

from jss.cases import services as cases
from jss.cases.models import Case, Share
from jss.cases.tests.conftest import family  # noqa: F401 (a fixture)


@pytest.fixture
def accepted(family, officer, child_protection) -> Case:  # noqa: F811
    nomination = cases.nominate(
        cases.NominationData(
            persons=[(family["victim"], "victim"), (family["suspect"], "suspect")], incidents=family["incidents"],
            reasons=["repeat"],
        ),
        actor=officer,
    )  # fmt: skip
    lead = cases.ShareData(institution=child_protection, basis=Share.Basis.STATUTE, statute="child-welfare-act")
    return cases.accept(nomination, actor=officer, lead_institution=child_protection, lead_share=lead)
