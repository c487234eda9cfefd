"""Synthetic Korean person records from several institutions, with the truth kept, for measuring linkage.

    from bench.synthetic_people import generate
    table = generate(records=100_000, seed=2024)   # a pyarrow Table, one row a record

The people and the way institutions write them down live in `jss/demo/people.py` (its docstring says
what varies and how often); the demo uses the same code. This module turns them into the benchmark's
table: most people appear once, a few many times (a heavy tail up to 25, `Generator.appearances`), each
appearance one record from a random kind of institution, at the rates of `RATES`.

Deterministic: the same `records` and `seed` give the same table on any machine.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jss.demo.people import RATES, Generator  # noqa: E402

SCHEMA = pa.schema(
    [
        ("record_id", pa.int64()),
        ("entity_id", pa.int64()),
        ("household_id", pa.int64()),
        ("twin_of", pa.int64()),
        ("source", pa.string()),
        ("family_name", pa.string()),
        ("given_name", pa.string()),
        ("birth_date", pa.date32()),
        ("birth_year", pa.int16()),
        ("sex", pa.string()),
        ("phone", pa.string()),
        ("region_code", pa.string()),
        ("address_detail", pa.string()),
    ]
)
COLUMNS = SCHEMA.names


def generate_rows(records: int, seed: int) -> Iterator[dict[str, Any]]:
    """The records one by one (record_id from 1), grouped by household; `generate` shuffles them."""
    generator = Generator(seed)
    rng = generator.rng
    emitted = 0
    while emitted < records:
        for person in generator.household():
            count = generator.appearances()
            moved_to = generator.address(person.address.region_code if rng.random() < 0.5 else None)
            for _ in range(count):
                moved = moved_to if count > 1 and rng.random() < RATES["moved"] else None
                row = generator.record(person, moved_to=moved)
                emitted += 1
                row["record_id"] = emitted
                yield row
                if emitted >= records:
                    return


def generate(records: int, seed: int = 2024, *, chunk: int = 100_000) -> pa.Table:
    """`records` records as a pyarrow Table (columns: COLUMNS), in a seeded random order."""
    batches: list[pa.RecordBatch] = []
    buffer: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    for row in generate_rows(records, seed):
        for column in COLUMNS:
            buffer[column].append(row[column])
        if len(buffer["record_id"]) >= chunk:
            batches.append(pa.RecordBatch.from_pydict(buffer, schema=SCHEMA))
            buffer = {column: [] for column in COLUMNS}
    if buffer["record_id"]:
        batches.append(pa.RecordBatch.from_pydict(buffer, schema=SCHEMA))
    table = pa.Table.from_batches(batches, schema=SCHEMA)
    # Shuffle so that neither record order nor record_id says which records belong together.
    order = list(range(table.num_rows))
    random.Random(seed + 1).shuffle(order)  # noqa: S311
    table = table.take(pa.array(order))
    return table.set_column(0, "record_id", pa.array(range(1, table.num_rows + 1), pa.int64()))


if __name__ == "__main__":  # a look at the data: python bench/synthetic_people.py [records]
    import sys

    for row in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 20).slice(0, 20).to_pylist():
        print(row)
