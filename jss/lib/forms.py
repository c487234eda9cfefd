"""Putting a service's refusal on the form the user typed into, and keeping what they typed when a save was
refused as stale."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict


def show_refusal(form: forms.Form, error: Exception) -> None:
    """Each problem of `error` next to its field (`error.problems` by field name, or `error.field`), else on
    the form itself; a problem about a hidden field (a version number, say) is shown on the form too."""
    problems: dict[str, Any] = getattr(error, "problems", None) or {getattr(error, "field", None) or "": str(error)}
    for name, message in problems.items():
        field = form.fields.get(name)
        form.add_error(name if field is not None and not field.widget.is_hidden else None, message)


def against_version(form: forms.Form, version: int) -> None:
    """Validate again what the user typed, against the record's current `version` (after a save refused as
    stale: their text stays on the form, and saving again is based on what is there now)."""
    data = QueryDict(mutable=True)
    for key in form.data:  # a QueryDict (request.POST) or a plain dict
        values = form.data.getlist(key) if isinstance(form.data, QueryDict) else [form.data[key]]
        data.setlist(key, values)
    data[form.add_prefix("version")] = str(version)
    form.data = data
    form.full_clean()
