"""A small instrument pack of our own for the assessment tests, in a local pack folder, so the tests do not
depend on the shipped packs' wording; and a victim reported by the 동부 station."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jss.incidents.models import Incident
from jss.people.models import Person
from jss.risk import packs
from tests.factories import Reports

TEST_PACK = """
id: test-dv
version: 1
domain: domestic_violence
title: {ko: "시험용 가정폭력 위험 요인", en: "Test domestic-violence risk factors"}
description: {ko: "시험용", en: "For tests"}
licence:
  source: "JSS tests"
  licence: "CC BY 4.0"
  validated: false
  note: {ko: "검증되지 않음 — 시험용", en: "Not validated — tests only"}
used_by: [coordinator, practitioner]
reassess_after_days: 30
items:
  - {id: choked, text: {ko: "목을 조른 적이 있다", en: "Has choked the victim"}, weight: 3, critical: true}
  - {id: threats, text: {ko: "죽이겠다고 위협했다", en: "Threatened to kill"}, weight: 2}
  - {id: more_often, text: {ko: "폭력이 잦아지고 있다", en: "Violence is getting more frequent"}, weight: 2}
  - {id: drinking, text: {ko: "술을 마시면 폭력적이 된다", en: "Violent when drinking"}, weight: 1}
  - {id: afraid, text: {ko: "피해자가 크게 두려워한다", en: "The victim is very afraid"}, weight: 1}
max_score: 9
bands:
  - {code: caution, label: {ko: "주의", en: "Caution"}, min: 0, max: 3}
  - {code: crisis, label: {ko: "위기", en: "Crisis"}, min: 4, max: 6}
  - {code: severe, label: {ko: "심각", en: "Severe"}, min: 7, max: 9}
"""


@pytest.fixture
def test_pack(tmp_path: Path, settings) -> Iterator[packs.Pack]:
    (tmp_path / "test-dv-v1.yaml").write_text(TEST_PACK, encoding="utf-8")
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    packs.clear_cache()
    yield packs.current_packs()["test-dv"]
    packs.clear_cache()


@pytest.fixture
def victim(reports: Reports) -> tuple[Person, Incident]:
    """고은비, victim of a DV report to the 동부 station five days ago, with her partner 양민철."""
    import datetime

    from django.utils import timezone

    person = reports.person("고", "은비", "1988-04-12")
    partner = reports.person("양", "민철", "1985-02-03")
    incident = reports.report(timezone.now() - datetime.timedelta(days=5), victim=person, suspect=partner)
    return person, incident
