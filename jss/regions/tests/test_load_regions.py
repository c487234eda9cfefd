from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from jss.lib.yamlfile import DataFileError
from jss.regions.models import PoliceStation, Region
from jss.regions.services import load_region_file
from tests.factories import JEJU_REGIONS


def test_jeju_has_two_cities_43_units_and_three_stations(jeju):
    levels = dict(Region.objects.values_list("level").annotate(n=Count("id")))
    assert levels == {"province": 1, "city": 2, "eup": 7, "myeon": 5, "dong": 31}
    assert PoliceStation.objects.count() == 3
    units = Region.objects.filter(level__in=["eup", "myeon", "dong"])
    assert all(unit.police_stations.count() == 1 for unit in units)
    province = Region.objects.get(level="province")
    assert province.code == "5000000000"
    assert province.population == 700_708
    for city in Region.objects.filter(level="city"):
        assert city.children.aggregate(total=Sum("population"))["total"] == city.population
    seogwipo = PoliceStation.objects.get(code="seogwipo")
    assert set(seogwipo.jurisdiction.values_list("parent__name_ko", flat=True)) == {"서귀포시"}


def test_reloading_the_same_file_changes_nothing(jeju):
    result = load_region_file(JEJU_REGIONS)
    assert (
        result.regions_created,
        result.regions_updated,
        result.stations_created,
        result.stations_updated,
    ) == (
        0,
        0,
        0,
        0,
    )
    assert Region.objects.count() == 46


GOOD_HEAD = """name: 시험도
population_as_of: 2024-12-31
regions:
  - code: "9900000000"
    parent: null
    level: province
    name_ko: 시험도
    population: 1000
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (
            '  - code: "9911000000"\n    parent: "9800000000"\n    level: city\n    name_ko: 가시\n    population: 5\n',
            9,
            "parent '9800000000' is unknown",
        ),
        (
            '  - code: "9900000000"\n    parent: null\n    level: province\n    name_ko: 또\n    population: 5\n',
            9,
            "code 9900000000 appears twice",
        ),
        (
            '  - code: "9911000000"\n    parent: "9900000000"\n    level: city\n    name_ko: 가시\n',
            9,
            "population",
        ),
        (
            '  - code: "99110"\n    parent: "9900000000"\n    level: city\n    name_ko: 가시\n    population: 5\n',
            9,
            "10-digit",
        ),
        (
            '  - code: "9911000000"\n    parent: "9900000000"\n    level: town\n    name_ko: 가시\n    population: 5\n',
            9,
            "level 'town'",
        ),
    ],
    ids=["unknown-parent", "duplicate-code", "missing-population", "bad-code", "bad-level"],
)
def test_a_bad_region_file_stops_with_line_and_reason_and_changes_nothing(jeju, tmp_path, body, line, reason):
    before = Region.objects.count()
    with pytest.raises(DataFileError) as error:
        load_region_file(write(tmp_path, GOOD_HEAD + body))
    assert any(found_line == line and reason in message for found_line, message in error.value.problems), (
        error.value.problems
    )
    assert Region.objects.count() == before


def test_a_station_over_an_unknown_unit_is_refused(db, tmp_path):
    text = GOOD_HEAD + (
        '  - code: "9911000000"\n    parent: "9900000000"\n    level: city\n    name_ko: 가시\n    population: 5\n'
        'stations:\n  - code: test-station\n    name_ko: 시험경찰서\n    jurisdiction: ["9911000000"]\n'
    )
    with pytest.raises(DataFileError) as error:
        load_region_file(write(tmp_path, text))
    assert error.value.problems == [(15, "station test-station: '9911000000' is not an eup/myeon/dong of this file")]
    assert not Region.objects.exists()


def test_malformed_yaml_names_the_line(db, tmp_path):
    with pytest.raises(DataFileError) as error:
        load_region_file(write(tmp_path, GOOD_HEAD + "  - code: [unclosed\n"))
    assert error.value.problems[0][0] >= 9


def test_the_command_reports_problems_as_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"line 9: .*parent"):
        call_command(
            "load_regions",
            str(
                write(
                    tmp_path,
                    GOOD_HEAD
                    + '  - code: "9911000000"\n    parent: "9800000000"\n    level: city\n    name_ko: 가\n    population: 1\n',
                )
            ),
        )


def test_another_province_loads_beside_jeju(jeju, tmp_path):
    text = GOOD_HEAD + (
        '  - code: "9911000000"\n    parent: "9900000000"\n    level: city\n    name_ko: 가시\n    population: 1000\n'
        '  - code: "9911051000"\n    parent: "9911000000"\n    level: dong\n    name_ko: 가동\n    population: 1000\n'
        'stations:\n  - code: ga-station\n    name_ko: 가경찰서\n    jurisdiction: ["9911051000"]\n'
    )
    result = load_region_file(write(tmp_path, text))
    assert result.regions_created == 3
    assert Region.objects.count() == 49
    assert PoliceStation.objects.get(code="ga-station").jurisdiction.get().name_ko == "가동"
