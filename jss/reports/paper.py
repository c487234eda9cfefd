"""The semiannual report as a paper for the joint council: per section its headline figures (each with its
comparison), a short definition, charts and tables — the same for the web page, the PDF and the spreadsheet.

Takes a report that has been through `jss.reports.suppression.suppress` (anything that leaves the system is
suppressed, and the page shows what the paper shows). Formatting is decided here, per table and column:
a percentage, a rate per 100,000 or a count; `docs/metrics.md` has the full definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from jss.reports.charts import BarChart, SurvivalChart, bar_chart, survival_chart
from jss.reports.figures import Figure, Label, Table
from jss.reports.metrics import Report
from jss.reports.sections import Section

PERCENT_COLUMNS = {
    "share", "previous_share", "change", "on_time_rate", "month_3", "month_6", "month_12", "repeat_rate",
}  # fmt: skip
RATE_COLUMNS = {"rate", "previous_rate", "rate_112", "national_112"}  # per 100,000: one decimal
DECIMAL_COLUMNS = {"median", "lower_quartile", "upper_quartile"}


@dataclass(frozen=True)
class Headline:
    label: Label
    value: str
    comparison: str = ""  # e.g. "previous period 12.3%"


@dataclass(frozen=True)
class Cell:
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class PaperTable:
    key: str
    title: Label
    columns: tuple[Label, ...]
    rows: tuple[tuple[Label, tuple[Cell, ...]], ...]
    total: tuple[Label, tuple[Cell, ...]] | None = None


@dataclass
class PaperSection:
    key: str
    title: Label
    definition: Label
    headlines: list[Headline] = field(default_factory=list)
    charts: list[BarChart | SurvivalChart] = field(default_factory=list)
    tables: list[PaperTable] = field(default_factory=list)
    notes: list[Label] = field(default_factory=list)
    reviews: list[tuple[str, str]] = field(default_factory=list)

    @property
    def no_data(self) -> bool:
        return not self.headlines and not self.tables and not self.reviews


def _format(figure: Figure, column: str, *, percent_rates: bool = False) -> str:
    if column in PERCENT_COLUMNS or (percent_rates and column == "rate"):
        return figure.display(digits=1, percent=True)
    if column in RATE_COLUMNS or column in DECIMAL_COLUMNS or column == "attended_per_meeting":
        return figure.display(digits=1)
    return figure.display()


def paper_table(table: Table, *, percent_rates: bool = False) -> PaperTable:
    """A table of figures as text cells, formatted by column."""

    def cells(row_cells: tuple[Figure, ...]) -> tuple[Cell, ...]:
        return tuple(
            Cell(_format(figure, column.key, percent_rates=percent_rates), figure.suppressed)
            for figure, column in zip(row_cells, table.columns, strict=True)
        )

    return PaperTable(
        key=table.key,
        title=table.title,
        columns=tuple(column.label for column in table.columns),
        rows=tuple((row.label, cells(row.cells)) for row in table.rows),
        total=(table.total.label, cells(table.total.cells)) if table.total is not None else None,
    )


def _percent(figure: Figure) -> str:
    return figure.display(digits=1, percent=True)


def _compared(label: Label, now: Figure, before: Figure, *, percent: bool = True, digits: int = 1) -> Headline:
    show = _percent if percent else (lambda figure: figure.display(digits=digits))
    return Headline(label, show(now), _("previous period %(value)s") % {"value": show(before)})


def _rates(report: Report) -> PaperSection:
    part = report.rates
    section = PaperSection(
        Section.RATES, Section.RATES.label,
        _("Reports received in the period by the network (112 and every member institution), per 100,000 "
          "residents of the area and per year, so a half year compares with the national annual rates "
          "(112 reports only)."),
    )  # fmt: skip
    if part.reports.value in (None, 0) and not part.reports.suppressed:
        return section
    section.headlines = [
        Headline(_("Reports"), part.reports.display()),
        _compared(_("Per 100,000 a year"), part.rate, part.previous_rate, percent=False),
        Headline(_("Population"), part.population.display()),
    ]
    section.charts = [
        bar_chart(part.by_domain, "rate", compare="previous_rate", digits=1),
        bar_chart(part.by_city, "rate", compare="previous_rate", digits=1),
    ]
    section.tables = [paper_table(part.by_domain), paper_table(part.by_city), paper_table(part.by_unit)]
    return section


def _repeat(report: Report) -> PaperSection:
    part = report.repeat
    section = PaperSection(
        Section.REPEAT, Section.REPEAT.label,
        _("Share of the cases referred to a working council whose victim was in a new report within 12 months "
          "of the referral, among the cases whose 12 months ended in the period (%(start)s – %(end)s referrals). "
          "Compared with the UK MARAC benchmark of %(benchmark)s.")
        % {"start": part.cohort.start.isoformat(), "end": part.cohort.end.isoformat(), "benchmark": "31%"},
    )  # fmt: skip
    if part.rate.no_data:
        return section
    section.headlines = [
        _compared(_("Repeat rate"), part.rate, part.previous_rate),
        Headline(_("UK MARAC benchmark"), _percent(part.benchmark)),
        Headline(_("Cases referred in the period"), part.referred.display()),
        Headline(_("Cases still within their 12 months"), part.follow_up_pending.display()),
    ]
    section.charts = [
        bar_chart(part.by_domain, "rate", percent=True, digits=1, reference=part.benchmark,
                  reference_label=_("UK MARAC %(benchmark)s") % {"benchmark": "31%"}),
    ]  # fmt: skip
    section.tables = [paper_table(part.by_domain, percent_rates=True)]
    return section


def _recurrence(report: Report) -> PaperSection:
    part = report.recurrence
    section = PaperSection(
        Section.RECURRENCE, Section.RECURRENCE.label,
        _("Kaplan–Meier estimate of the time from the council referral to the first new report about the "
          "victim, for the cases referred %(start)s – %(end)s; a case is followed until its first repeat or until "
          "nothing more is known (its closure or today). Recurrence by 3, 6 and 12 months is one minus the share "
          "without a repeat.")
        % {"start": part.cohort.start.isoformat(), "end": part.cohort.end.isoformat()},
    )  # fmt: skip
    if not part.curves:
        return section
    section.charts = [survival_chart(part.curves, key="recurrence", title=_("Share of cases without a repeat"))]
    section.tables = [paper_table(part.table)]
    if any(curve.truncated for curve in part.curves):
        section.notes.append(_("Curves stop where fewer than 5 cases are still followed."))
    return section


def _cases(report: Report) -> PaperSection:
    part = report.cases
    section = PaperSection(
        Section.CASES, Section.CASES.label,
        _("Cases handled by the working councils, nominations by the kind of institution that made them (the "
          "UK MARAC benchmark: %(benchmark)s of referrals from outside the police), and the days from the first "
          "report to the nomination and to the first meeting.") % {"benchmark": "36.1%"},
    )  # fmt: skip
    section.headlines = [
        _compared(_("Nominations from outside the police"), part.non_police_share, part.previous_non_police_share),
        Headline(_("UK MARAC benchmark"), _percent(part.benchmark_non_police_share)),
    ]
    section.charts = [bar_chart(part.nominations, "nominations", compare="previous_nominations")]
    section.tables = [paper_table(part.flow), paper_table(part.nominations), paper_table(part.timings)]
    return section


def _actions(report: Report) -> PaperSection:
    part = report.actions
    section = PaperSection(
        Section.ACTIONS, Section.ACTIONS.label,
        _("Support actions agreed at working-council meetings of the period, by service type and responsible "
          "institution; done on time is the share of the actions due in the period (not cancelled) that were "
          "done by their due date; overdue counts the actions still open on the period's last day."),
    )  # fmt: skip
    section.headlines = [
        _compared(_("Actions agreed"), part.agreed, part.previous_agreed, percent=False, digits=0),
        _compared(_("Done on time"), part.on_time, part.previous_on_time),
        Headline(_("Overdue at the end of the period"), part.overdue.display()),
    ]
    section.charts = [bar_chart(part.by_service_type, "actions", limit=12)]
    section.tables = [paper_table(part.by_service_type), paper_table(part.by_institution)]
    return section


def _causes(report: Report) -> PaperSection:
    part = report.causes
    section = PaperSection(
        Section.CAUSES, Section.CAUSES.label,
        _("Causes coded by the working councils (a case may have several), their share of the cases with a coded "
          "cause, the change since the previous period, and the repeat rate of the cases with each cause."),
    )  # fmt: skip
    if part.cases.value in (None, 0) and not part.cases.suppressed:
        return section
    section.headlines = [_compared(_("Cases with a coded cause"), part.cases, part.previous_cases, percent=False,
                                   digits=0)]  # fmt: skip
    section.charts = [bar_chart(part.by_factor, "share", compare="previous_share", percent=True, digits=1)]
    section.tables = [paper_table(part.by_factor)]
    return section


def _assessments(report: Report) -> PaperSection:
    part = report.assessments
    section = PaperSection(
        Section.ASSESSMENTS, Section.ASSESSMENTS.label,
        _("Completion: the share of reports of a kind with an instrument whose victim was assessed within 14 days. "
          "Override: the share of completed assessments whose band a professional set differently, with a reason."),
    )  # fmt: skip
    section.headlines = [
        _compared(_("Assessment completion"), part.completion, part.previous_completion),
        _compared(_("Professional override"), part.override, part.previous_override),
    ]
    return section


def _membership(report: Report) -> PaperSection:
    part = report.membership
    section = PaperSection(
        Section.MEMBERSHIP, Section.MEMBERSHIP.label,
        _("Member institutions of the council over time, and participation in the working-council meetings of "
          "the period (institutions present / institutions invited)."),
    )  # fmt: skip
    section.headlines = [
        Headline(_("Members at the end of the period"), part.members_at_end.display(),
                 _("at the start %(value)s") % {"value": part.members_at_start.display()}),
        Headline(_("Joined / left"), f"{part.joined.display()} / {part.left.display()}"),
        Headline(_("Meetings held"), part.meetings.display()),
        _compared(_("Participation"), part.participation, part.previous_participation),
        Headline(_("Institutions present per meeting"), part.attended_per_meeting.display(digits=1)),
    ]  # fmt: skip
    section.charts = [bar_chart(part.growth, "members")]
    section.tables = [paper_table(part.per_meeting)]
    return section


def _reviews(report: Report) -> PaperSection:
    section = PaperSection(
        Section.REVIEWS,
        Section.REVIEWS.label,
        _("Case reviews chosen by the secretariat, written without names or identifying detail."),
    )
    section.reviews = [(review.title, review.text) for review in report.reviews.reviews]
    return section


def paper(report: Report) -> list[PaperSection]:
    """The report's sections in order, ready for the page, the PDF and the spreadsheet."""
    return [
        _rates(report), _repeat(report), _recurrence(report), _cases(report), _actions(report), _causes(report),
        _assessments(report), _membership(report), _reviews(report),
    ]  # fmt: skip
