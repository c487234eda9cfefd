"""Small-cell suppression: 1–4 people hidden, zero shown, a single hidden cell under a shown total made
unrecoverable, curves cut where fewer than 5 cases remain."""

from __future__ import annotations

import dataclasses

from jss.reports.figures import Column, Curve, CurvePoint, Figure, Row, Table
from jss.reports.suppression import suppress


def test_counts_of_one_to_four_people_are_hidden_and_zero_is_not():
    assert [suppress(Figure.count(n)).display() for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
    hidden = suppress(Figure.count(3))
    assert (hidden.value, hidden.numerator, hidden.denominator, hidden.people) == (None, None, None, None)


def test_a_rate_is_hidden_when_its_numerator_or_denominator_counts_few_people():
    assert suppress(Figure.rate(2, 40)).suppressed  # 2 people repeated
    assert suppress(Figure.rate(0, 3)).suppressed  # none of 3: still identifies the 3
    assert not suppress(Figure.rate(0, 40)).suppressed
    assert not suppress(Figure.rate(12, 40)).suppressed
    # 6 reports behind a rate, but only 2 distinct people
    assert suppress(Figure.rate(6, 700_000, people=(2, 700_000))).suppressed


def test_figures_not_about_people_and_no_data_are_kept():
    assert suppress(Figure.number(3)).display() == "3"
    assert suppress(Figure(None)).display() == "–"


def table(counts: list[int], *, total: bool = True) -> Table:
    rows = tuple(Row(f"r{i}", f"row {i}", (Figure.count(n), Figure.rate(n, sum(counts)))) for i, n in enumerate(counts))
    return Table(
        "t", "t", (Column("n", "n", additive=True), Column("share", "share")), rows,
        Row("total", "total", (Figure.count(sum(counts)), Figure.rate(sum(counts), sum(counts)))) if total else None,
    )  # fmt: skip


def shown(t: Table) -> list[str]:
    return [row.cells[0].display() for row in t.rows]


def test_a_single_hidden_cell_under_a_shown_total_takes_the_next_smallest_with_it():
    # 3 would be 40 − 20 − 9 − 8: the smallest other non-zero cell (8) is hidden too, with its share
    result = suppress(table([20, 9, 3, 8, 0]))
    assert shown(result) == ["20", "9", "<5", "<5", "0"]
    assert result.rows[3].cells[1].suppressed
    assert result.total is not None
    assert result.total.cells[0].display() == "40"


def test_two_hidden_cells_or_no_total_need_nothing_more():
    assert shown(suppress(table([20, 9, 3, 2]))) == ["20", "9", "<5", "<5"]
    assert shown(suppress(table([20, 9, 3, 8], total=False))) == ["20", "9", "<5", "8"]


def test_curves_of_few_cases_vanish_and_others_end_before_fewer_than_five_remain():
    points = tuple(CurvePoint(days, 1 - days / 100, at_risk, 1) for days, at_risk in ((10, 9), (20, 6), (30, 4)))
    curve = suppress(Curve("all", "all", Figure.count(9), points))
    assert [point.days for point in curve.points] == [10, 20]
    assert curve.truncated
    small = suppress(Curve("all", "all", Figure.count(3), points[:1]))
    assert small.points == ()
    assert small.cases.suppressed


def test_suppress_walks_nested_dataclasses_and_tuples():
    @dataclasses.dataclass(frozen=True)
    class Part:
        figure: Figure
        tables: tuple[Table, ...]
        small_cells_hidden: bool = False

    result = suppress(Part(Figure.count(2), (table([20, 9, 3, 8]),)))
    assert result.figure.suppressed
    assert shown(result.tables[0]) == ["20", "9", "<5", "<5"]
    assert result.small_cells_hidden
