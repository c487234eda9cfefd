"""The demo's ground truth and how well the linkage recovers it.

`generate_demo` writes var/demo-truth.json: for every Person record it created, the real person (entity)
behind it, `{person_code: entity_id}`. Several records of one entity exist because each institution keeps
its own records (and sometimes a second one). The linkage links them by merging records into one
(`Person.merged_into`, followed to the surviving record, the "root"); `linkage_quality` compares those
roots with the truth, pairwise, as bench/linkage.py does for the benchmark:

- a pair of records is *linked* when both have the same root, and *truly the same* when both belong to
  the same entity;
- precision = correctly linked pairs / linked pairs (1.0 when nothing is linked),
  recall = correctly linked pairs / true pairs (1.0 when there is nothing to link).

Only records listed in the truth count; records missing from the database (deleted) are left out.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from jss.people.models import Person

CHUNK = 5000


class PairCounts(NamedTuple):
    true: int  # pairs of records of the same entity
    linked: int  # pairs of records with the same root
    correct: int  # both
    records: int  # records of the truth found in the database


class LinkageQuality(NamedTuple):
    precision: float
    recall: float
    pairs: PairCounts

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def read_truth(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a truth file: it must map person codes to entity ids")
    return {str(code): int(entity) for code, entity in data.items()}


def _pairs(counts: Counter[object]) -> int:
    return sum(count * (count - 1) // 2 for count in counts.values())


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def roots() -> dict[int, int]:
    """Merged person id → the id of the record it ends in (merge chains followed; cycles stop)."""
    merged = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))
    resolved: dict[int, int] = {}
    for person, target in merged.items():
        seen = {person}
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        resolved[person] = target
    return resolved


def linkage_quality(truth: Mapping[str, int]) -> LinkageQuality:
    """Pairwise precision and recall of the current merges against the truth (module docstring)."""
    merged = roots()
    entity_of: dict[int, int] = {}
    for chunk in _chunks(sorted(truth)):
        for code, pk in Person.objects.filter(code__in=chunk).values_list("code", "pk"):
            entity_of[pk] = truth[code]
    entities: Counter[object] = Counter()
    linked: Counter[object] = Counter()
    both: Counter[object] = Counter()
    for pk, entity in entity_of.items():
        root = merged.get(pk, pk)
        entities[entity] += 1
        linked[root] += 1
        both[(entity, root)] += 1
    counts = PairCounts(true=_pairs(entities), linked=_pairs(linked), correct=_pairs(both), records=len(entity_of))
    precision = counts.correct / counts.linked if counts.linked else 1.0
    recall = counts.correct / counts.true if counts.true else 1.0
    return LinkageQuality(precision, recall, counts)
