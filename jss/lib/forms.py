"""Putting a service's refusal on the form the user typed into."""

from __future__ import annotations

from typing import Any

from django import forms


def show_refusal(form: forms.Form, error: Exception) -> None:
    """Each problem of `error` next to its field (`error.problems` by field name, or `error.field`), else on
    the form itself; a problem about a hidden field (a version number, say) is shown on the form too."""
    problems: dict[str, Any] = getattr(error, "problems", None) or {getattr(error, "field", None) or "": str(error)}
    for name, message in problems.items():
        field = form.fields.get(name)
        form.add_error(name if field is not None and not field.widget.is_hidden else None, message)
