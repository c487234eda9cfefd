"""The template is documented, and the sample files in data/import/ do what the browser test expects."""

from pathlib import Path

from django.conf import settings

from jss.imports import services
from jss.imports.columns import COLUMNS, HEADERS, header_key
from jss.imports.reader import read_table
from jss.imports.tests.sheets import kst
from jss.incidents.models import Party

ROOT = Path(settings.BASE_DIR)
AFTER_THE_SAMPLES = kst(2026, 11, 28, 12)


def test_every_column_is_documented():
    text = (ROOT / "docs" / "import-template.md").read_text(encoding="utf-8")
    missing = [column.header for column in COLUMNS if f"| {column.header} | `{column.key}` |" not in text]
    assert not missing, f"document these columns in docs/import-template.md: {missing}"


def import_sample(name, institution, actor):
    table = read_table((ROOT / "data" / "import" / name).read_bytes())
    return services.import_rows(
        table, institution=institution, actor=actor, source_default="112", now=AFTER_THE_SAMPLES
    )


def test_the_sample_files_import_with_two_bad_rows_and_a_repeated_couple(dongbu_station, officer):
    result = import_sample("incidents-sample-cp949.csv", dongbu_station, officer)
    assert (result.created, result.unchanged) == (9, 0)
    assert [(p.row, p.column) for p in result.skipped] == [(10, "접수일시"), (11, "유형")]
    couple = ["112-2026-0814-0001", "112-2026-0930-0002", "112-2026-1021-0003"]
    victims = Party.objects.filter(role="victim", incident__source_reference__in=couple).select_related("person")
    assert {party.person.full_name for party in victims} == {"고은별"}
    assert len({party.person_id for party in victims}) == 1  # three reports, one victim
    suspect = Party.objects.filter(role="suspect", incident__source_reference="112-2026-0814-0001").get().person
    assert suspect.parties.count() == 4  # three reports about the couple and one about their child
    # The repeat rules ran as the rows were saved: the couple's third report raised explained flags.
    from jss.repeats.models import Flag

    flags = Flag.objects.filter(state="active")
    assert flags.filter(rule_id="household_grade_a").exists()
    assert "2026-10-21" in flags.get(rule_id="household_grade_a").explanation_ko
    again = import_sample("incidents-sample-utf8.csv", dongbu_station, officer)
    assert (again.created, again.unchanged, again.skipped_rows) == (0, 9, 2)


def test_no_header_spelling_names_two_columns():
    spellings = [
        key
        for column in COLUMNS
        for key in {header_key(spelling) for spelling in (column.header, column.key, *column.aliases)}
    ]
    assert len(spellings) == len(set(spellings)) == len(HEADERS)
