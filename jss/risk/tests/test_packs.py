"""Instrument packs: each refusal names the file, the item and the reason; the shipped packs load; scoring
never treats unknown as no; all installed packs come from the repository and the council's folders."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management.base import CommandError
from django.utils import translation
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from jss.risk import packs
from jss.risk.management.commands.check_risk_packs import Command
from jss.risk.packs import (
    REPOSITORY_PACK_DIR,
    SCHEMA_FILE,
    PackError,
    Text,
    all_packs,
    current_packs,
    get_pack,
    load_pack,
    pack_dirs,
    packs_for,
    score,
)

SHIPPED = {
    "jss-dv-indicators": "domestic_violence",
    "jss-child-indicators": "child_abuse",
    "jss-elder-indicators": "elder_abuse",
    "jss-disability-indicators": "disability_abuse",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    packs.clear_cache()
    yield
    packs.clear_cache()


def text(ko, en):
    return {"ko": ko, "en": en}


# A small valid pack: weights 3 (critical) + 2 + 1 + 1 + 1 = 8; bands 0–2, 3–5, 6–8.
GOOD = {
    "id": "test-pack",
    "version": 1,
    "domain": "domestic_violence",
    "title": text("시험 점검표", "Test checklist"),
    "description": text("시험용", "For tests"),
    "licence": {
        "source": "Example Council",
        "licence": "Licensed to the council",
        "validated": True,
        "note": text("허가받은 도구", "Licensed instrument"),
        "url": "https://example.org/instrument",
    },
    "used_by": ["practitioner", "coordinator"],
    "reassess_after_days": 30,
    "items": [
        {"id": "alpha", "text": text("가", "Alpha"), "weight": 3, "critical": True},
        {"id": "beta", "text": text("나", "Beta"), "help": text("도움말", "Help"), "weight": 2},
        {"id": "gamma", "text": text("다", "Gamma"), "weight": 1, "critical": False},
        {"id": "delta", "text": text("라", "Delta"), "weight": 1},
        {"id": "epsilon", "text": text("마", "Epsilon"), "weight": 1},
    ],
    "max_score": 8,
    "bands": [
        {"code": "low", "label": text("낮음", "Low"), "min": 0, "max": 2},
        {"code": "middle", "label": text("중간", "Middle"), "min": 3, "max": 5},
        {"code": "high", "label": text("높음", "High"), "min": 6, "max": 8},
    ],
}


def write(folder: Path, change=None, *, name: str | None = None, data=None) -> Path:
    data = copy.deepcopy(GOOD if data is None else data)
    if change is not None:
        change(data)
    path = folder / (name or f"{data.get('id')}-v{data.get('version')}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(data, item_id):
    return next(entry for entry in data["items"] if entry["id"] == item_id)


def band(data, code):
    return next(entry for entry in data["bands"] if entry["code"] == code)


# --- the format --------------------------------------------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_a_good_pack_loads_with_every_field(tmp_path):
    pack = load_pack(write(tmp_path))
    assert (pack.id, pack.version, pack.domain) == ("test-pack", 1, "domestic_violence")
    assert pack.title == Text(ko="시험 점검표", en="Test checklist")
    assert [entry.id for entry in pack.items] == ["alpha", "beta", "gamma", "delta", "epsilon"]
    assert pack.item("alpha").critical is True
    assert pack.item("delta").critical is False  # the default
    assert pack.item("beta").help == Text(ko="도움말", en="Help")
    assert pack.item("gamma").help is None
    assert pack.max_score == 8
    assert [(entry.code, entry.minimum, entry.maximum) for entry in pack.bands] == [
        ("low", 0, 2),
        ("middle", 3, 5),
        ("high", 6, 8),
    ]
    assert pack.used_by == frozenset({"practitioner", "coordinator"})
    assert pack.reassess_after_days == 30
    assert pack.licence.validated is True
    assert pack.licence.url == "https://example.org/instrument"
    assert pack.path == tmp_path / "test-pack-v1.yaml"


def test_lookups_and_bands(tmp_path):
    pack = load_pack(write(tmp_path, lambda d: d["licence"].pop("url")))
    assert pack.licence.url == ""
    assert pack.band("middle").label.en == "Middle"
    assert pack.top_band.code == "high"
    assert [pack.band_for(value).code for value in (0, 2, 3, 5, 6, 8)] == [
        "low",
        "low",
        "middle",
        "middle",
        "high",
        "high",
    ]
    with pytest.raises(KeyError):
        pack.item("omega")
    with pytest.raises(KeyError):
        pack.band("extreme")
    with pytest.raises(ValueError, match="outside 0–8"):
        pack.band_for(9)


def test_texts_follow_the_active_language():
    label = Text(ko="위기", en="Crisis")
    with translation.override("ko"):
        assert str(label) == "위기"
    with translation.override("en"):
        assert str(label) == "Crisis"
    with translation.override("en-gb"):
        assert str(label) == "Crisis"
    with translation.override(None):
        assert str(label) == "위기"  # JSS is Korean unless the user chose English


# --- refusals: the file, the item and the reason -----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "item_id", "reason"),
    [
        # the JSON schema: which field and why
        (lambda d: item(d, "beta").pop("weight"), "beta", "weight is missing"),
        (lambda d: item(d, "beta").update(weight="two"), "beta", "weight must be a whole number, not 'two'"),
        (lambda d: item(d, "gamma").update(weight=0), "gamma", "weight must be 1 or more, not 0"),
        (lambda d: item(d, "gamma").update(critical="yes please"), "gamma", "critical must be true or false"),
        (lambda d: item(d, "delta").update(weigth=1), "delta", "unknown field weigth"),
        (lambda d: item(d, "delta").update(id="Delta Item"), "Delta Item", "id must be lowercase letters"),
        (lambda d: item(d, "beta")["text"].pop("en"), "beta", "text.en is missing"),
        (lambda d: d.update(version=0), None, "version must be 1 or more, not 0"),
        (lambda d: d.pop("max_score"), None, "max_score is missing"),
        (
            lambda d: d["licence"].update(validated="maybe"),
            None,
            "licence.validated must be true or false, not 'maybe'",
        ),
        (lambda d: d.update(id="Test Pack"), None, "id must be lowercase letters a–z, digits and single hyphens"),
        (lambda d: d.update(is_migrant=True), None, "unknown field is_migrant"),
        # an empty text in either language
        (lambda d: item(d, "gamma")["text"].update(ko=""), "gamma", "text.ko is empty"),
        (lambda d: item(d, "gamma")["text"].update(en="   "), "gamma", "text.en is empty"),
        (lambda d: d["licence"]["note"].update(en=""), None, "licence.note.en is empty"),
        (lambda d: band(d, "middle")["label"].update(ko=""), None, "band middle: label.ko is empty"),
        # rules beyond the schema
        (lambda d: d["items"].append(dict(item(d, "beta"))), "beta", "the item id is used twice"),
        (lambda d: item(d, "beta").update(weight=3), None, "the item weights add up to 9, but max_score is 8"),
        (
            lambda d: band(d, "middle").update(min=2),
            None,
            "bands low (0–2) and middle (2–5) overlap: score 2 has two bands",
        ),
        (
            lambda d: band(d, "high").update(min=7),
            None,
            "there is a gap between bands middle (3–5) and high (7–8): score 6 has no band",
        ),
        (lambda d: band(d, "low").update(min=1), None, "the first band low (1–2) must start at 0, not at 1"),
        (lambda d: band(d, "high").update(max=9), None, "the last band high (6–9) must end at max_score 8, not at 9"),
        (lambda d: band(d, "high").update(code="middle"), None, "band code middle is used twice"),
        (
            lambda d: band(d, "middle").update(min=0),
            None,
            "bands low (0–2) and middle (0–5) overlap: scores 0–2 have two bands",
        ),
        (
            lambda d: band(d, "high").update(min=9, max=9),
            None,
            "gap between bands middle (3–5) and high (9–9): scores 6–8 have no band",
        ),
        (lambda d: band(d, "middle").update(min=5, max=4), None, "band middle: min 5 is above max 4"),
        (lambda d: d["bands"].reverse(), None, "bands must be in ascending order: middle (3–5) comes after high (6–8)"),
        (
            lambda d: d.update(bands=[{"code": "all", "label": text("전부", "All"), "min": 0, "max": 8}]),
            None,
            "bands must have at least 2 entries; it has 1",
        ),
        (lambda d: d.update(domain="fraud"), None, "unknown domain 'fraud' (known: domestic_violence,"),
        (lambda d: d.update(used_by=["practitioner", "volunteer"]), None, "used_by names unknown roles: volunteer"),
    ],
)
def test_a_bad_pack_is_refused_with_the_file_the_item_and_the_reason(tmp_path, change, item_id, reason):
    path = write(tmp_path, change, name="test-pack-v1.yaml")
    with pytest.raises(PackError) as refused:
        load_pack(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert refused.value.path == path
    assert refused.value.item == item_id
    if item_id is not None:
        assert f": item {item_id}: " in message


def test_bands_out_of_order_are_named(tmp_path):
    def shuffle(data):
        data["bands"] = [
            {"code": "low", "label": text("낮음", "Low"), "min": 0, "max": 4},
            {"code": "high", "label": text("높음", "High"), "min": 6, "max": 8},
            {"code": "middle", "label": text("중간", "Middle"), "min": 5, "max": 5},
        ]

    with pytest.raises(PackError, match=r"bands must be in ascending order: middle \(5–5\) comes after high \(6–8\)"):
        load_pack(write(tmp_path, shuffle))


def test_refusals_give_the_line_of_the_item(tmp_path):
    path = write(tmp_path, lambda d: item(d, "gamma").update(weight=0))
    line = next(number for number, content in enumerate(path.read_text().splitlines(), 1) if "id: gamma" in content)
    with pytest.raises(PackError) as refused:
        load_pack(path)
    assert refused.value.line == line
    assert str(refused.value).endswith(f"(line {line})")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "test-pack-v2.yaml",
            "the file name must be test-pack-v1.yaml (from its id and version), not test-pack-v2.yaml",
        ),
        (
            "other-pack-v1.yaml",
            "the file name must be test-pack-v1.yaml (from its id and version), not other-pack-v1.yaml",
        ),
        ("test-pack-v1.yml", "a pack file must be named <id>-v<version>.yaml, not test-pack-v1.yml"),
    ],
)
def test_a_file_name_that_does_not_match_the_id_and_version_is_refused(tmp_path, name, reason):
    path = write(tmp_path, name=name)
    with pytest.raises(PackError) as refused:
        load_pack(path)
    assert str(refused.value) == f"{path}: {reason}"


def test_a_file_that_is_not_yaml_or_not_a_mapping_is_refused(tmp_path):
    broken = tmp_path / "test-pack-v1.yaml"
    broken.write_text("id: test-pack\nitems: [\n  - id: alpha\n", encoding="utf-8")
    with pytest.raises(PackError, match="is not valid YAML") as refused:
        load_pack(broken)
    assert refused.value.line is not None
    broken.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PackError, match="the file must be a mapping"):
        load_pack(broken)


# --- the shipped packs -------------------------------------------------------------------------------------


def shipped_files():
    return sorted(REPOSITORY_PACK_DIR.glob("*.yaml"))


def test_the_shipped_packs_load_and_are_labelled_not_validated():
    assert {path.name for path in shipped_files()} == {f"{pack_id}-v1.yaml" for pack_id in SHIPPED}
    for path in shipped_files():
        pack = load_pack(path)
        assert pack.domain == SHIPPED[pack.id]
        assert 12 <= len(pack.items) <= 20, pack.id
        assert all(1 <= entry.weight <= 3 for entry in pack.items), pack.id
        assert pack.critical_items, pack.id
        assert [(b.code, b.label.ko, b.label.en) for b in pack.bands] == [
            ("caution", "주의", "Caution"),
            ("crisis", "위기", "Crisis"),
            ("severe", "심각", "Severe"),
        ]
        assert pack.licence.validated is False
        assert (pack.licence.source, pack.licence.licence) == ("JSS contributors", "CC BY 4.0")
        assert pack.licence.note.ko.startswith("검증되지 않음 — 시연용")
        assert pack.licence.note.en.startswith("Not validated — demonstration only")
        assert pack.used_by == frozenset({"practitioner", "coordinator"})


def all_texts(pack):
    texts = [pack.title, pack.description, pack.licence.note]
    texts += [entry.text for entry in pack.items] + [entry.help for entry in pack.items if entry.help]
    texts += [entry.label for entry in pack.bands]
    return [value for text_ in texts for value in (text_.ko, text_.en)]


# Titles and names of protected instruments (facts.md, "Licences of risk instruments"): none of them may
# appear in a shipped pack. Only names, never their items: the test must not carry their wording either.
PROTECTED_NAMES = (
    "DASH",
    "Domestic Abuse, Stalking",
    "Honour Based Violence",
    "SafeLives",
    "Laura Richards",
    "ODARA",
    "Ontario Domestic Assault",
    "Danger Assessment",
    "Campbell",
    "위험성 조사표",
    "위험성 판단 체크리스트",
)


def test_no_shipped_pack_names_or_borrows_a_protected_instrument():
    for path in shipped_files():
        raw = path.read_text(encoding="utf-8").lower()
        for name in PROTECTED_NAMES:
            assert name.lower() not in raw, f"{path.name} mentions {name!r}"
        for value in all_texts(load_pack(path)):
            assert "?" not in value, f"{path.name}: items are statements in our own words, not an interview: {value}"


# Guardrail (facts.md): disability, mental-health or migrant status of the victim never raises a score.
STATUS_WORDS = (
    "has a disability",
    "is disabled",
    "mental health",
    "mental illness",
    "migrant",
    "foreign",
    "nationality",
    "visa",
    "장애가 있",
    "장애 정도",
    "정신질환",
    "정신건강",
    "이주",
    "외국인",
    "국적",
    "체류",
)


def test_no_shipped_item_is_about_the_victims_disability_mental_health_or_migrant_status():
    for path in shipped_files():
        pack = load_pack(path)
        for entry in pack.items:
            for value in (entry.text.ko, entry.text.en.lower()):
                assert not any(word in value for word in STATUS_WORDS), f"{pack.id} item {entry.id}: {value}"


# --- scoring -----------------------------------------------------------------------------------------------


@pytest.fixture
def pack(tmp_path):
    return load_pack(write(tmp_path))


def test_yes_adds_the_weight_no_adds_nothing(pack):
    scoring = score(pack, {"alpha": "no", "beta": "yes", "gamma": "yes", "delta": "no", "epsilon": "no"})
    assert scoring.score == 3
    assert scoring.band.code == "middle"
    assert scoring.possible_band.code == "middle"
    assert (scoring.unknown_count, scoring.unknown_weight, scoring.missing) == (0, 0, ())
    assert scoring.complete


def test_unknown_is_counted_and_never_treated_as_no(pack):
    scoring = score(pack, {"alpha": "no", "beta": "unknown", "gamma": "yes", "delta": "unknown", "epsilon": "no"})
    assert scoring.score == 1
    assert scoring.band.code == "low"
    assert (scoring.unknown_count, scoring.unknown_weight) == (2, 3)
    assert scoring.unknown_items == ("beta", "delta")
    assert scoring.possible_band.code == "middle"  # 1 + 3 if every unknown were yes
    assert scoring.complete  # unknown is an answer


def test_a_critical_item_answered_unknown_makes_the_top_band_possible(pack):
    scoring = score(pack, {"alpha": "unknown", "beta": "no", "gamma": "no", "delta": "no", "epsilon": "no"})
    assert scoring.band.code == "low"
    assert scoring.critical_unknown == ("alpha",)
    assert scoring.possible_band == pack.top_band


def test_a_critical_yes_forces_the_top_band(pack):
    scoring = score(pack, {"alpha": "yes", "beta": "no", "gamma": "no", "delta": "no", "epsilon": "no"})
    assert scoring.score == 3
    assert pack.band_for(3).code == "middle"
    assert scoring.band == pack.top_band
    assert scoring.possible_band == pack.top_band
    assert scoring.critical_yes == ("alpha",)


def test_missing_answers_are_reported_in_the_packs_order(pack):
    scoring = score(pack, {"epsilon": "yes", "beta": "maybe", "gamma": "", "omega": "yes"})
    assert scoring.missing == ("alpha", "beta", "gamma", "delta")
    assert not scoring.complete
    assert scoring.score == 1  # "omega" is not an item of the pack: ignored
    assert scoring.critical_yes == ()


def test_every_yes_reaches_max_score_and_the_top_band():
    for pack_ in all_packs().values():
        scoring = score(pack_, dict.fromkeys((entry.id for entry in pack_.items), "yes"))
        assert scoring.score == pack_.max_score
        assert scoring.band == pack_.top_band


# --- installed packs: the repository and the council's folders ---------------------------------------------


def test_without_local_folders_the_shipped_packs_are_installed(settings):
    settings.JSS_RISK_PACK_DIRS = []
    assert pack_dirs() == [REPOSITORY_PACK_DIR]
    assert set(all_packs()) == {(pack_id, 1) for pack_id in SHIPPED}
    assert set(current_packs()) == set(SHIPPED)
    assert get_pack("jss-dv-indicators", 1) is not None
    assert get_pack("jss-dv-indicators", 2) is None


def test_a_council_loads_licensed_packs_from_its_own_folder(settings, tmp_path):
    write(tmp_path)
    write(
        tmp_path, lambda d: (d.update(version=2), d["title"].update(ko="가 시험 점검표 2판", en="A test checklist v2"))
    )
    settings.JSS_RISK_PACK_DIRS = [str(tmp_path)]
    assert pack_dirs() == [REPOSITORY_PACK_DIR, tmp_path]
    assert {("test-pack", 1), ("test-pack", 2)} <= set(all_packs())
    assert current_packs()["test-pack"].version == 2
    old = get_pack("test-pack", 1)  # old versions stay for the assessments made with them
    assert old is not None
    assert old.version == 1
    with translation.override("ko"):
        titles = [str(p.title) for p in packs_for("domestic_violence", "practitioner")]
    assert titles == ["가 시험 점검표 2판", "가정폭력 위험 요인 점검 (JSS 시연용)"]
    assert [p.id for p in packs_for("elder_abuse", "coordinator")] == ["jss-elder-indicators"]
    assert packs_for(None, "auditor") == []
    assert len(packs_for(None, "practitioner")) == 5


def test_a_duplicate_id_and_version_is_refused_naming_both_files(settings, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    write(first)
    duplicate = write(second, lambda d: d["title"].update(en="Same id, same version"))
    settings.JSS_RISK_PACK_DIRS = [first, second]
    with pytest.raises(PackError) as refused:
        all_packs()
    assert str(refused.value) == (
        f"{duplicate}: pack test-pack version 1 is already installed from {first / 'test-pack-v1.yaml'}"
    )


def test_a_local_pack_cannot_reuse_a_shipped_id_and_version(settings, tmp_path):
    (tmp_path / "jss-dv-indicators-v1.yaml").write_text(
        (REPOSITORY_PACK_DIR / "jss-dv-indicators-v1.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    with pytest.raises(PackError, match="pack jss-dv-indicators version 1 is already installed from"):
        all_packs()


def test_a_bad_file_in_a_local_folder_is_refused_not_skipped(settings, tmp_path):
    write(tmp_path)
    bad = write(tmp_path, lambda d: (d.update(id="other-pack"), item(d, "beta").update(weight=5)))
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    with pytest.raises(PackError) as refused:
        all_packs()
    assert str(refused.value) == f"{bad}: the item weights add up to 11, but max_score is 8; they must be equal"
    with pytest.raises(PackError):
        current_packs()
    with pytest.raises(PackError):
        packs_for(None, "practitioner")


def test_a_missing_local_folder_is_refused(settings, tmp_path):
    settings.JSS_RISK_PACK_DIRS = [tmp_path / "not-there"]
    with pytest.raises(PackError, match="the pack folder does not exist"):
        all_packs()


def test_the_cache_is_read_once_and_cleared_on_demand(settings, tmp_path):
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    assert ("test-pack", 1) not in all_packs()
    write(tmp_path)
    assert ("test-pack", 1) not in all_packs()  # read once per process
    packs.clear_cache()
    assert ("test-pack", 1) in all_packs()


# --- the command -------------------------------------------------------------------------------------------


def run_command(capsys, *arguments):
    """Run check_risk_packs as manage.py does; return (exit status, stdout, stderr)."""
    status: str | int | None = 0
    try:
        Command().run_from_argv(["manage.py", "check_risk_packs", *map(str, arguments)])
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_command_lists_every_installed_pack(settings, capsys):
    settings.JSS_RISK_PACK_DIRS = []
    status, out, err = run_command(capsys)
    assert status == 0
    assert err == ""
    lines = [line for line in out.splitlines() if line.startswith("ok")]
    assert len(lines) == 4
    assert re.search(
        r"^ok +jss-dv-indicators v1 +domestic_violence +19 items \(8 critical\) +3 bands +NOT validated +CC BY 4\.0",
        out,
        re.MULTILINE,
    )


def test_the_command_checks_the_files_given_and_fails_on_any_error(capsys, tmp_path):
    good = write(tmp_path)
    bad = write(tmp_path, lambda d: d.update(domain="fraud"), name="wrong-name.yaml")
    status, out, err = run_command(capsys, good, bad)
    assert status == 1
    assert re.search(r"^ok +test-pack v1 +domestic_violence +5 items \(1 critical\) +3 bands +validated", out, re.M)
    assert f"error  {bad}: unknown domain 'fraud'" in out
    assert "1 pack problem" in err


def test_the_command_reports_a_bad_file_in_a_local_folder(settings, capsys, tmp_path):
    bad = write(tmp_path, lambda d: item(d, "gamma")["text"].update(ko=""))
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    status, out, _err = run_command(capsys)
    assert status == 1
    assert f"error  {bad}: item gamma: text.ko is empty" in out
    assert len([line for line in out.splitlines() if line.startswith("ok")]) == 4  # the others still checked


def test_the_command_raises_command_error_for_call_command(tmp_path):
    from django.core.management import call_command

    bad = write(tmp_path, lambda d: item(d, "beta").update(weight=0))
    with pytest.raises(CommandError, match="1 pack problem"):
        call_command(Command(), str(bad))
