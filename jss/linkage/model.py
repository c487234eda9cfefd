"""Batch record linkage of persons: a Splink (Fellegi–Sunter) model on DuckDB, tuned for Korean records.

One call does the nightly run:

    result = link_records(records)          # a pyarrow Table or a list of dicts
    result.pairs(decision="review")         # pairs for a person to decide, each with its evidence
    result.clusters()                       # record_id -> cluster_id (records linked automatically)

The input columns are those of `Person`, in clear (the caller decrypts them in memory): `record_id`,
`family_name`, `given_name`, `birth_date`, `birth_year`, `sex`, `phone`, `region_code`,
`address_detail`, `identifier` (missing columns count as empty). `prepare` turns them into the
compared features, `COMPARISONS` says how each is compared, `BLOCKING_RULES` which pairs are compared
at all, and docs/linkage.md explains the choices and the measured quality.

Pure: no Django and no database but an in-memory DuckDB.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jss.lib.hangul import canonical_surname, decompose, normalize_name, split_korean_name

logger = logging.getLogger(__name__)
Decision = Literal["link", "review"]

# --- features -------------------------------------------------------------------------------------

FEATURES = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("surname", pa.string()),  # canonical: 이 for 이/리/Lee/RHEE
        ("surname_jamo", pa.string()),
        ("given_name", pa.string()),  # normalised: no spaces or punctuation
        ("given_jamo", pa.string()),
        ("birth_date", pa.date32()),
        ("birth_text", pa.string()),  # YYYYMMDD, for "one digit apart"
        ("birth_year", pa.int16()),
        ("birth_month", pa.int8()),
        ("birth_day", pa.int8()),
        ("sex", pa.string()),  # M, F or null
        ("phone", pa.string()),  # digits, starting with 0
        ("region_code", pa.string()),  # eup/myeon/dong
        ("building", pa.string()),  # road name and building number: "연동로12길|5"
        ("unit", pa.string()),  # "101-1203" (동-호), "302" (호 only), null for a house or when not written
        ("identifier", pa.string()),  # registration or passport number, letters and digits only
    ]
)

# Road form: "연동로 12", "연동로12길 5-3", "제주시 애월읍 애월해안로 272": the road name ends in 로 or 길
# (길 may follow a number), then the building number.
_ROAD_AND_BUILDING = re.compile(
    r"(?P<road>[가-힣A-Za-z0-9]+?(?:로|길)(?:\d+번?[가-힣]?길)?)\s*(?P<building>\d+(?:-\d+)?)"
)
# Lot-number form (지번): "연동 273-5", "애월읍 하귀리 1234": a dong, ri or ga, then the lot number.
_PLACE_AND_LOT = re.compile(r"(?P<place>[가-힣][가-힣0-9]*(?:동|리|가))\s*(?P<lot>(?:산\s*)?\d+(?:-\d+)?)(?![\d동호])")
_BLOCK_AND_UNIT = re.compile(r"(?P<block>\d+)\s*동\s*(?P<unit>\d+)\s*호|(?P<block2>\d+)\s*-\s*(?P<unit2>\d+)")
_UNIT_ONLY = re.compile(r"(?P<unit>\d+)\s*호")
_BRACKETS = re.compile(r"\([^)]*\)")


def parse_address(text: str) -> tuple[str | None, str | None]:
    """(building, unit) of a Korean address, each None when not written.

    "노형로11길 243 (대림아파트) 101동 505호" → ("노형로11길|243", "101-505"); "아라로 13, 305호" →
    ("아라로|13", "305"); "101-505" after the building number is 동-호. The lot-number form gives a key of
    its own ("연동 273-5" → "연동|273-5"): that it is the building of some road address only the national
    address database knows, and JSS does not have it. Complex names are ignored: institutions write them
    in too many ways, and the building number already says which building it is. Anything else (a
    foreign address) is compared whole, without spaces and punctuation.
    """
    road = _ROAD_AND_BUILDING.search(text)
    if road:
        building, end = f"{road['road']}|{road['building']}", road.end()
    else:
        lot = _PLACE_AND_LOT.search(text)
        if not lot:
            whole = normalize_name(text)
            return (whole or None), None
        building, end = f"{lot['place']}|{lot['lot'].replace(' ', '')}", lot.end()
    rest = _BRACKETS.sub(" ", text[end:])
    block_and_unit = _BLOCK_AND_UNIT.search(rest)
    if block_and_unit:
        block = block_and_unit["block"] or block_and_unit["block2"]
        unit = block_and_unit["unit"] or block_and_unit["unit2"]
        return building, f"{int(block)}-{int(unit)}"
    unit_only = _UNIT_ONLY.search(rest)
    return building, (str(int(unit_only["unit"])) if unit_only else None)


def phone_digits(text: str) -> str | None:
    """The digits of a phone number, "+82 10-…" as "010…"; None when too short to tell anyone apart."""
    digits = "".join(character for character in text if character.isdigit())
    if text.strip().startswith("+82"):
        digits = "0" + digits[2:].lstrip("0")
    return digits if len(digits) >= 9 else None


def _identifier(text: str) -> str | None:
    value = "".join(character for character in text.upper() if character.isalnum())
    return value or None


def _names(family_name: str, given_name: str) -> tuple[str | None, str | None]:
    family, given = normalize_name(family_name), normalize_name(given_name)
    if not family and len(given) >= 3 and all("가" <= character <= "힣" for character in given):
        family, given = split_korean_name(given)  # the whole name written in one field
    return (canonical_surname(family) or None), (given or None)


def _map_distinct(column: pa.ChunkedArray, function: Callable[[Any], Any], result_type: pa.DataType) -> pa.ChunkedArray:
    """`function` applied once to each distinct value (names and addresses repeat), then spread back."""
    encoded = column.combine_chunks().dictionary_encode()
    mapped = pa.array([function(value) for value in encoded.dictionary.to_pylist()], result_type)
    return pa.chunked_array([mapped.take(encoded.indices)])


def _column(table: pa.Table, name: str, kind: pa.DataType) -> pa.ChunkedArray:
    if name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, kind)])
    column = table.column(name)
    return column if column.type == kind else column.cast(kind)


def prepare(records: pa.Table | Iterable[Mapping[str, Any]]) -> pa.Table:
    """The compared features of each record (schema FEATURES); `unique_id` is the record's `record_id`.

    Text functions run once per distinct value, so a million records take seconds.
    """
    if not isinstance(records, pa.Table):
        rows = list(records)
        keys = dict.fromkeys(key for row in rows for key in row)  # every row's keys, not only the first's
        records = pa.Table.from_pydict({key: [row.get(key) for row in rows] for key in keys})
    table = records
    text = pa.string()
    none = pa.scalar(None, text)

    def filled(name: str) -> pa.ChunkedArray:
        return pc.fill_null(_column(table, name, text), "")

    names = _map_distinct(
        pc.binary_join_element_wise(filled("family_name"), filled("given_name"), "\x1f"),
        lambda key: dict(zip(("surname", "given"), _names(*key.split("\x1f")), strict=True)),
        pa.struct([("surname", text), ("given", text)]),
    )
    surname, given_name = pc.struct_field(names, "surname"), pc.struct_field(names, "given")
    jamo = partial(_map_distinct, function=lambda value: decompose(value) if value else None, result_type=text)
    address = _map_distinct(
        filled("address_detail"),
        lambda value: dict(zip(("building", "unit"), parse_address(value), strict=True)),
        pa.struct([("building", text), ("unit", text)]),
    )
    birth_date = _column(table, "birth_date", pa.date32())
    sex = _column(table, "sex", text)
    region = _column(table, "region_code", text)
    features = {
        "unique_id": _column(table, "record_id", pa.int64()),
        "surname": surname,
        "surname_jamo": jamo(surname),
        "given_name": given_name,
        "given_jamo": jamo(given_name),
        "birth_date": birth_date,
        "birth_text": pc.strftime(birth_date, "%Y%m%d"),
        "birth_year": pc.coalesce(pc.year(birth_date), _column(table, "birth_year", pa.int64())).cast(pa.int16()),
        "birth_month": pc.month(birth_date).cast(pa.int8()),
        "birth_day": pc.day(birth_date).cast(pa.int8()),
        "sex": pc.if_else(pc.is_in(sex, pa.array(["M", "F"])), sex, none),
        "phone": _map_distinct(filled("phone"), phone_digits, text),
        "region_code": pc.if_else(pc.equal(region, ""), none, region),
        "building": pc.struct_field(address, "building"),
        "unit": pc.struct_field(address, "unit"),
        "identifier": _map_distinct(filled("identifier"), _identifier, text),
    }
    return pa.table(features, schema=FEATURES)


# --- comparisons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    code: str  # stable key for the review screen, which translates it: "exact", "one_jamo_apart", …
    sql: str  # a Splink condition on column_l / column_r; the first level that holds is the pair's
    is_null: bool = False  # "not known on one side": no evidence either way
    term_frequency: str | None = None  # weigh agreement on a rare value more than on a common one


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    uses: tuple[str, ...]  # feature columns; the comparison is left out when all of them are empty
    levels: tuple[Level, ...]

    def _ranked(self) -> list[Level]:
        return [level for level in self.levels if not level.is_null]

    def level_for(self, gamma: int) -> Level:
        """The level of a Splink comparison vector value: -1 the null level, then counting down from the top."""
        if gamma == -1:
            return next(level for level in self.levels if level.is_null)
        ranked = self._ranked()
        return ranked[len(ranked) - 1 - gamma]

    def gamma_of(self, code: str) -> int:
        codes = [level.code for level in self._ranked()]
        return len(codes) - 1 - codes.index(code)

    @property
    def weight_sql(self) -> str:
        """The weight this comparison added to a scored pair, term-frequency adjustment included."""
        if any(level.term_frequency for level in self.levels):
            return f"mw_{self.name} + coalesce(mw_tf_adj_{self.name}, 0)"
        return f"mw_{self.name}"

    def as_splink(self) -> dict[str, Any]:
        levels = []
        for level in self.levels:
            spec: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.code}
            if level.is_null:
                spec["is_null_level"] = True
            if level.term_frequency:
                spec["tf_adjustment_column"] = level.term_frequency
                spec["tf_adjustment_weight"] = 1.0
            levels.append(spec)
        return {
            "output_column_name": self.name,
            "comparison_description": self.description,
            "comparison_levels": levels,
        }


def _either_null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "given_name",
        "Given name, letter by letter (jamo)",
        ("given_name",),
        (
            Level("missing", _either_null("given_name"), is_null=True),
            Level("exact", "given_name_l = given_name_r", term_frequency="given_name"),
            Level("one_jamo_apart", "damerau_levenshtein(given_jamo_l, given_jamo_r) <= 1"),
            Level("similar", "jaro_winkler_similarity(given_jamo_l, given_jamo_r) >= 0.9"),
            Level("different", "ELSE"),
        ),
    ),
    Comparison(
        "surname",
        "Surname with spelling variants folded (이/리/Lee), then letter by letter (jamo)",
        ("surname",),
        (
            Level("missing", _either_null("surname"), is_null=True),
            Level("exact", "surname_l = surname_r", term_frequency="surname"),
            Level("one_jamo_apart", "damerau_levenshtein(surname_jamo_l, surname_jamo_r) <= 1"),
            Level("different", "ELSE"),
        ),
    ),
    Comparison(
        "birth",
        "Birth date: equal, day and month swapped, one digit apart, or only the year known",
        ("birth_year",),
        (
            Level("missing", _either_null("birth_year"), is_null=True),
            Level("exact", "birth_date_l = birth_date_r"),
            Level(
                "day_month_swapped",
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
            ),
            Level("one_digit_apart", "levenshtein(birth_text_l, birth_text_r) = 1"),
            Level(
                "same_year_date_unknown",
                "(birth_date_l IS NULL OR birth_date_r IS NULL) AND birth_year_l = birth_year_r",
            ),
            Level("different", "ELSE"),
        ),
    ),
    Comparison(
        # One comparison, not two: people of one household share both phone and address, and counting
        # them as independent evidence would add them up twice for a parent and a child.
        "contact",
        "Phone and address: phone, building (road and number), unit (동/호), eup/myeon/dong",
        ("phone", "building", "region_code"),
        (
            Level(
                "missing",
                "(phone_l IS NULL AND building_l IS NULL AND region_code_l IS NULL)"
                " OR (phone_r IS NULL AND building_r IS NULL AND region_code_r IS NULL)",
                is_null=True,
            ),
            Level(
                "same_phone_same_address",
                "phone_l = phone_r AND building_l = building_r AND coalesce(unit_l = unit_r, true)",
            ),
            Level("same_phone", "phone_l = phone_r"),
            Level("same_unit", "building_l = building_r AND unit_l = unit_r"),
            Level("unit_one_digit_apart", "building_l = building_r AND levenshtein(unit_l, unit_r) = 1"),
            Level("same_building_unit_unknown", "building_l = building_r AND (unit_l IS NULL OR unit_r IS NULL)"),
            Level("same_building_other_unit", "building_l = building_r"),
            Level("same_region", "region_code_l = region_code_r"),
            Level("different", "ELSE"),
        ),
    ),
    Comparison(
        "sex",
        "Sex",
        ("sex",),
        (
            Level("missing", _either_null("sex"), is_null=True),
            Level("exact", "sex_l = sex_r"),
            Level("different", "ELSE"),
        ),
    ),
    Comparison(
        "identifier",
        "Identification number",
        ("identifier",),
        (
            Level("missing", _either_null("identifier"), is_null=True),
            Level("exact", "identifier_l = identifier_r"),
            Level("different", "ELSE"),
        ),
    ),
)
COMPARISONS_BY_NAME = {comparison.name: comparison for comparison in COMPARISONS}

# Pairs compared at all (a pair found by several rules is compared once). Each rule is an equality
# join, which DuckDB runs as a hash join; together they keep 1,000,000 records to about 17 million
# comparisons. A pair that no rule finds can still end up in one cluster through a third record.
BLOCKING_RULES: tuple[str, ...] = (
    "l.surname = r.surname AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.birth_date = r.birth_date",  # surname written differently
    "l.phone = r.phone",
    "l.building = r.building AND l.unit = r.unit",
    "l.surname = r.surname AND l.given_name = r.given_name AND l.birth_year = r.birth_year",  # date wrong
    "l.surname = r.surname AND l.given_name = r.given_name AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day",  # year mistyped
    "l.given_name = r.given_name AND l.building = r.building",  # birth date missing, same building
    "l.identifier = r.identifier",
)
# EM training, each on a sample of `em_max_pairs` pairs at most; each rule leaves the comparisons it does
# not use to be estimated. None joins on phone or address alone: those pairs are mostly people of one
# household, and EM would learn that a different given name and birth date are common among matches.
TRAINING_RULES: tuple[str, ...] = (
    "l.surname = r.surname AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.building = r.building",
)
# Rules that find almost only true matches, and the share of all matches they are assumed to find: for
# estimating how many pairs are matches at all (the prior).
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.surname = r.surname AND l.given_name = r.given_name AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.phone = r.phone",
    "l.surname = r.surname AND l.identifier = r.identifier",
)
DETERMINISTIC_RECALL = 0.8

# A pair is linked automatically only when its given names and surnames agree at one of these levels (or
# its identification numbers are equal), however high its probability. The model adds evidence up as if
# it were independent, but people of one household share surname, address and phone, and twins a birth
# date too: only the given name tells them apart. Pairs whose names differ or are missing go to a person
# (a changed name, 개명, ends up there too).
AUTO_LINK_REQUIRES: dict[str, frozenset[str]] = {
    "given_name": frozenset({"exact", "one_jamo_apart", "similar"}),
    "surname": frozenset({"exact", "one_jamo_apart"}),
}
# Twins are often named one letter apart (서연 and 서현). When two records whose birth dates may be the same
# (equal, or not written on one side) have given names one jamo apart and both spellings are names in
# common use, that is as likely two names as a typo, so the pair goes to a person; a typo mostly makes a
# spelling that few others have. "In common use": written in at least this share of all records.
COMMON_NAME_SHARE = 1e-4


def splink_settings(comparisons: Iterable[Comparison] = COMPARISONS) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [comparison.as_splink() for comparison in comparisons],
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
    }


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities. At or above `auto_link` a pair is linked without a person (if its names allow,
    see AUTO_LINK_REQUIRES); from `review` up to there it waits for a person; below `review` it is dropped."""

    auto_link: float = 0.99
    review: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.auto_link < 1:
            raise ValueError("thresholds must satisfy 0 < review <= auto_link < 1")


@dataclass(frozen=True)
class Evidence:
    comparison: str  # "given_name", "birth", …
    level: str  # "exact", "day_month_swapped", …
    # What this level added to the pair's match weight (log2 of a Bayes factor), adjusted for how common
    # the agreeing value is; with the prior's weight, the evidence adds up to the pair's match_weight.
    match_weight: float


@dataclass(frozen=True)
class Pair:
    record_id_left: int
    record_id_right: int
    match_probability: float
    match_weight: float
    decision: Decision
    # Why a pair waits for a person: below_auto_link_threshold, names_differ, two_common_names,
    # two_established_names; None for a pair linked automatically.
    review_reason: str | None
    evidence: tuple[Evidence, ...]


class UntrainedModelError(ValueError):
    """The records could not train the model and no earlier model was given."""


@dataclass
class LinkageResult:
    """Scored pairs and clusters, in DuckDB tables on `connection`:

    - `linkage_pairs`: every compared pair at or above the review threshold, with `decision`,
      `review_reason`, the compared values (`given_name_l`, …), levels (`gamma_*`) and weights (`mw_*`);
    - `linkage_clusters`: (record_id, cluster_id) of every record; a cluster is one person.
    """

    trained: bool  # False when the m probabilities came from the fallback model
    connection: duckdb.DuckDBPyConnection
    thresholds: Thresholds
    comparisons: tuple[Comparison, ...]
    model: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    spill_directory: str = ""

    def close(self) -> None:
        """Close the database and remove what it spilled to disk."""
        self.connection.close()
        if self.spill_directory:
            shutil.rmtree(self.spill_directory, ignore_errors=True)

    def pairs(self, *, decision: Decision | None = None, limit: int | None = None) -> list[Pair]:
        """Pairs, strongest first, each with the level and weight of every comparison."""
        levels = ", ".join(f"gamma_{c.name}, {c.weight_sql}" for c in self.comparisons)
        sql = f"""SELECT unique_id_l, unique_id_r, match_probability, match_weight, decision, review_reason, {levels}
                  FROM linkage_pairs WHERE decision = coalesce(?, decision)
                  ORDER BY match_weight DESC, unique_id_l, unique_id_r LIMIT ?"""  # noqa: S608 (column names from COMPARISONS)
        rows = self.connection.execute(sql, [decision, limit if limit is not None else 2**62]).fetchall()
        return [
            Pair(
                record_id_left=row[0],
                record_id_right=row[1],
                match_probability=row[2],
                match_weight=row[3],
                decision=row[4],
                review_reason=row[5],
                evidence=tuple(
                    Evidence(c.name, c.level_for(row[6 + 2 * i]).code, round(float(row[7 + 2 * i]), 2))
                    for i, c in enumerate(self.comparisons)
                ),
            )
            for row in rows
        ]

    def clusters(self) -> dict[int, int]:
        """record_id -> cluster_id; records in one cluster are one person."""
        return dict(self.connection.execute("SELECT record_id, cluster_id FROM linkage_clusters").fetchall())


# --- running --------------------------------------------------------------------------------------


def link_records(
    records: pa.Table | Iterable[Mapping[str, Any]],
    *,
    thresholds: Thresholds = Thresholds(),
    seed: int = 1,
    u_max_pairs: float = 1e7,
    em_max_pairs: float = 2e6,
    memory_limit: str = "2GB",
    threads: int | None = None,
    log_level: int = logging.WARNING,
    fallback_model: Mapping[str, Any] | None = None,
) -> LinkageResult:
    """Deduplicate the records: train the model on them, score the blocked pairs, decide, cluster.

    Deterministic for the same records and seed. `memory_limit` caps DuckDB (it spills to disk beyond);
    `log_level` is for Splink's own logger ("splink"), which warns e.g. of levels no pair reached.

    Training needs duplicates in the data: once earlier runs have merged them, a training rule may find no
    agreeing pairs. Then the match probabilities (m) of `fallback_model` (the `model` of an earlier, fully
    trained result with the same comparisons) are used, with the u probabilities estimated afresh; without
    one, `UntrainedModelError` is raised.
    """
    from splink import DuckDBAPI, Linker  # heavy import, only for the nightly run
    from splink.internals.exceptions import EMTrainingException

    timings: dict[str, float] = {}
    started = step = time.perf_counter()
    features = prepare(records)
    record_count = features.num_rows
    if record_count < 2:
        raise ValueError("linking needs two records at least")
    # What DuckDB spills beyond memory_limit holds decrypted names: a private directory (mode 700), removed by
    # LinkageResult.close().
    spill = tempfile.mkdtemp(prefix="jss-linkage-")
    connection = duckdb.connect(
        config={"memory_limit": memory_limit, "preserve_insertion_order": False, "temp_directory": spill}
    )
    _check_character_distances(connection)
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    connection.register("features_arrow", features)
    connection.execute("CREATE TABLE features AS SELECT * FROM features_arrow")
    connection.unregister("features_arrow")
    del features
    present = connection.execute(
        "SELECT " + ", ".join(f"count({column}) > 0" for column in FEATURES.names) + " FROM features"  # noqa: S608 (FEATURES)
    ).fetchall()[0]
    filled = {column for column, has_values in zip(FEATURES.names, present, strict=True) if has_values}
    comparisons = tuple(c for c in COMPARISONS if filled.intersection(c.uses))
    timings["prepare"] = time.perf_counter() - step

    step = time.perf_counter()
    db_api = DuckDBAPI(connection)
    linker = Linker(
        db_api.register("features", table_name="features_input"), splink_settings(comparisons), log_level=log_level
    )
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    trained_fully = True
    for rule in TRAINING_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
            )
        except EMTrainingException:
            logger.info("linkage: training rule %s found no pairs", rule)
            trained_fully = False
            break
    if not trained_fully:
        names = [c["output_column_name"] for c in (fallback_model or {}).get("comparisons", [])]
        if names != [c.name for c in comparisons]:
            connection.close()
            shutil.rmtree(spill, ignore_errors=True)
            raise UntrainedModelError(
                "too few duplicate pairs left to train the model, and no earlier model with the same comparisons"
            )
        db_api = DuckDBAPI(connection)
        linker = Linker(db_api.register("features", table_name="features_fallback"), dict(fallback_model or {}),
                        log_level=log_level)  # fmt: skip
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    timings["train"] = time.perf_counter() - step

    step = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=thresholds.review, warning_mode="never")
    _decide(connection, predictions.physical_name, thresholds, comparisons, record_count)
    predictions.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.perf_counter() - step

    step = time.perf_counter()
    _cluster(linker, db_api, "first")
    _separate_established_names(connection)
    connection.execute("DROP TABLE linkage_clusters")
    _cluster(linker, db_api, "final")
    timings["cluster"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return LinkageResult(
        spill_directory=spill,
        trained=trained_fully,
        connection=connection,
        thresholds=thresholds,
        comparisons=comparisons,
        model=linker.misc.save_model_to_json(),
        timings=timings,
    )


def _check_character_distances(connection: duckdb.DuckDBPyConnection) -> None:
    """DuckDB before 2.0 measures string distances in bytes: a jamo is three bytes of UTF-8 that mostly share
    the first two, so 민준 and 민서 would look "similar". Refuse to run rather than link twins."""
    distance, similarity = connection.execute(
        "SELECT levenshtein('ㅁㅣㄴㅈㅜㄴ', 'ㅁㅣㄴㅅㅓ'), jaro_winkler_similarity('ㅁㅣㄴㅈㅜㄴ', 'ㅁㅣㄴㅅㅓ')"
    ).fetchall()[0]
    if distance != 3 or similarity >= 0.8:
        raise RuntimeError(f"DuckDB {duckdb.__version__} compares bytes, not letters: JSS needs DuckDB 2.0 or newer")


def _decide(
    connection: duckdb.DuckDBPyConnection,
    predictions: str,
    thresholds: Thresholds,
    comparisons: tuple[Comparison, ...],
    record_count: int,
) -> None:
    """Table linkage_pairs: the scored pairs with decision and review_reason."""
    used = {c.name for c in comparisons}
    names_agree = (
        " AND ".join(
            f"gamma_{name} IN ({', '.join(str(COMPARISONS_BY_NAME[name].gamma_of(code)) for code in sorted(codes))})"
            for name, codes in AUTO_LINK_REQUIRES.items()
            if name in used
        )
        or "true"
    )
    if "identifier" in used:  # the same identification number tells twins apart as names cannot
        same_identifier = f"gamma_identifier = {COMPARISONS_BY_NAME['identifier'].gamma_of('exact')}"
        names_agree = f"({names_agree}) OR {same_identifier}"
    given, birth = COMPARISONS_BY_NAME["given_name"], COMPARISONS_BY_NAME["birth"]
    common = max(2, math.ceil(COMMON_NAME_SHARE * record_count))
    two_common_names, counts = "false", ""
    if {"given_name", "birth"} <= used:
        counts = """LEFT JOIN given_name_counts AS left_count ON left_count.given_name = p.given_name_l
                    LEFT JOIN given_name_counts AS right_count ON right_count.given_name = p.given_name_r"""
        two_common_names = f"""gamma_given_name IN ({given.gamma_of("one_jamo_apart")}, {given.gamma_of("similar")})
            AND gamma_birth IN ({birth.gamma_of("exact")}, {birth.gamma_of("same_year_date_unknown")}, -1)
            AND coalesce(left_count.records >= {common} AND right_count.records >= {common}, false)"""
        if "identifier" in used:
            two_common_names += f" AND NOT coalesce({same_identifier}, false)"
    connection.execute(
        """CREATE TABLE given_name_counts AS
           SELECT given_name, count(*) AS records FROM features WHERE given_name IS NOT NULL GROUP BY given_name"""
    )
    reason = f"""CASE WHEN match_probability < {thresholds.auto_link} THEN 'below_auto_link_threshold'
                      WHEN NOT ({names_agree}) THEN 'names_differ'
                      WHEN {two_common_names} THEN 'two_common_names' END"""
    connection.execute(
        f"""CREATE TABLE linkage_pairs AS
            SELECT * EXCLUDE (reason), CASE WHEN reason IS NULL THEN 'link' ELSE 'review' END AS decision,
                   reason AS review_reason
            FROM (
                SELECT p.*, {reason} AS reason FROM {predictions} AS p {counts}
            )"""  # noqa: S608 (SQL from this module and Splink's table name)
    )


def _separate_established_names(connection: duckdb.DuckDBPyConnection) -> None:
    """Two given names each written in two or more records of one cluster, and each in a quarter of its
    records at least, belong to two people (twins 서연 and 서현), not to one with a typo: the links between
    them go to a person. (Someone with many records can have the same typo twice, hence the quarter.)"""
    if "given_name_l" not in {row[0] for row in connection.execute("DESCRIBE linkage_pairs").fetchall()}:
        return
    connection.execute(
        """CREATE TEMPORARY TABLE established_names AS
           SELECT cluster_id, given_name FROM (
               SELECT c.cluster_id, f.given_name, count(*) AS records,
                      sum(count(*)) OVER (PARTITION BY c.cluster_id) AS cluster_records
               FROM linkage_clusters AS c JOIN features AS f ON f.unique_id = c.record_id
               WHERE f.given_name IS NOT NULL GROUP BY c.cluster_id, f.given_name
           ) WHERE records >= 2 AND records * 4 >= cluster_records"""
    )
    connection.execute(
        """UPDATE linkage_pairs SET decision = 'review', review_reason = 'two_established_names'
           FROM linkage_clusters AS cluster, established_names AS left_name, established_names AS right_name
           WHERE linkage_pairs.decision = 'link' AND linkage_pairs.given_name_l <> linkage_pairs.given_name_r
             AND cluster.record_id = linkage_pairs.unique_id_l
             AND left_name.cluster_id = cluster.cluster_id AND left_name.given_name = linkage_pairs.given_name_l
             AND right_name.cluster_id = cluster.cluster_id AND right_name.given_name = linkage_pairs.given_name_r"""
    )
    connection.execute("DROP TABLE established_names")


def _cluster(linker: Any, db_api: Any, name: str) -> None:
    """Connected components of the pairs decided 'link': table linkage_clusters (record_id, cluster_id)."""
    connection = db_api.duckdb_con
    connection.execute(
        f"CREATE TABLE links_{name} AS SELECT unique_id_l, unique_id_r FROM linkage_pairs WHERE decision = 'link'"  # noqa: S608
    )
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        db_api.register(f"links_{name}", table_name=f"links_{name}_input")
    )
    connection.execute(
        f"CREATE TABLE linkage_clusters AS SELECT unique_id AS record_id, cluster_id FROM {clustered.physical_name}"  # noqa: S608
    )
    clustered.drop_table_from_database_and_remove_from_cache()
    connection.execute(f"DROP TABLE links_{name}")


def trained_levels(model: Mapping[str, Any]) -> list[tuple[str, str, float, float]]:
    """(comparison, level, m probability, u probability) of a trained model, for printing and the docs."""
    rows = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                rows.append(
                    (
                        comparison["output_column_name"],
                        level["label_for_charts"],
                        level.get("m_probability", math.nan),
                        level.get("u_probability", math.nan),
                    )
                )
    return rows
