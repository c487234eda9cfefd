"""The report's choice of period and area. The period's rules are jss.reports.periods'."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jss.regions.models import PoliceStation
from jss.reports.periods import Period, PeriodError

DATE = {"type": "date", "class": "krds-input"}
SELECT = {"class": "krds-form-select"}


def half_year_choices(today: datetime.date, count: int = 6) -> list[tuple[str, str]]:
    """The last `count` half years that have begun, newest first, as ("2026-1", "2026 H1 (1 Jan – 30 Jun)")."""
    year, half = today.year, 1 if today.month <= 6 else 2
    choices = []
    for _step in range(count):
        period = Period.half_year(year, half)
        label = _("%(year)s, first half") if half == 1 else _("%(year)s, second half")
        choices.append((f"{year}-{half}", f"{label % {'year': year}} ({period.start:%m.%d}–{period.end:%m.%d})"))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return choices


class ReportForm(forms.Form):
    half = forms.ChoiceField(label=_("Half year"), required=False, widget=forms.Select(attrs=SELECT))
    start = forms.DateField(label=_("Or from"), required=False, widget=forms.DateInput(attrs=DATE),
                            error_messages={"invalid": _("Give the first day as a date.")})  # fmt: skip
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs=DATE),
                          error_messages={"invalid": _("Give the last day as a date.")})  # fmt: skip
    station = forms.ChoiceField(label=_("Area"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, stations: list[PoliceStation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["half"].choices = [("", "—"), *half_year_choices(today)]  # type: ignore[attr-defined]
        self.fields["station"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole province")),
            *((str(station.pk), station.name) for station in stations),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, half = data.get("start"), data.get("end"), data.get("half")
        try:
            if start or end:
                if not (start and end):
                    self.add_error("end" if start else "start", _("Give both the first and the last day."))
                    return data
                data["period"] = Period.checked(start, end)
            elif half:
                year, number = (int(part) for part in half.split("-"))
                data["period"] = Period.half_year(year, number)
            else:
                data["period"] = Period.last_complete_half_year()
        except PeriodError as error:
            self.add_error("end", str(error))
        return data

    def station_id(self) -> int | None:
        value = self.cleaned_data.get("station")
        return int(value) if value else None


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, widget=forms.TextInput(attrs={"class": "krds-input"}),
                            error_messages={"required": _("Give the review a title.")})  # fmt: skip
    text = forms.CharField(
        label=_("The case, anonymised"), max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10, "class": "krds-input"}),
        error_messages={"required": _("Write the review.")},
        help_text=_("What happened, what the council did and what changed, without names, places, full dates or "
                    "numbers that could identify anyone. The joint council's members read it."),
    )  # fmt: skip


class ReviewDecisionForm(forms.Form):
    half = forms.ChoiceField(label=_("For the report of"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["half"].choices = half_year_choices(timezone.localdate())  # type: ignore[attr-defined]

    def period(self) -> Period | None:
        value = self.cleaned_data.get("half")
        if not value:
            return None
        year, number = (int(part) for part in value.split("-"))
        return Period.half_year(year, number)
