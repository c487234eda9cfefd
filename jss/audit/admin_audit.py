"""Audit for writes made through the Django admin: each add, change and delete is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import Form
from django.http import HttpRequest

from jss.audit.services import record


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Put first in the bases of every ModelAdmin: records admin writes in the audit trail."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Form, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = sorted(form.changed_data) if change else []
            record(request.user, f"admin.{'change' if change else 'add'}", obj, {"fields": fields})

    def save_formset(self, request: HttpRequest, form: Form, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form.instance.pk is not None:
                    record(
                        request.user, "admin.change", inline_form.instance, {"fields": sorted(inline_form.changed_data)}
                    )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record(request.user, "admin.delete", obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(request.user, "admin.delete", obj)
            super().delete_queryset(request, queryset)
