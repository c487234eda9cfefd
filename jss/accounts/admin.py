"""Technical administration only: accounts and reference data, never case content.

Every change made here is audited like any other write, and an administrator who is not a superuser
cannot change roles, institutions or stations of members, touch superusers, or edit their own account
(role changes are decisions of the secretariat, not of IT).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jss.accounts.models import Membership, User
from jss.audit.admin_audit import AuditedAdmin
from jss.audit.services import record


def _sign_in_through_jss(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin has no sign-in form of its own: JSS's sign-in is audited and throttled."""
    return HttpResponseRedirect(f"{reverse('accounts:sign_in')}?next={request.GET.get('next', '/admin/')}")


admin.site.login = _sign_in_through_jss  # type: ignore[method-assign]
admin.site.site_header = _("JSS technical administration")


class MembershipInline(admin.StackedInline[Membership, User]):
    model = Membership
    can_delete = False
    autocomplete_fields = ["institution"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if request.user.is_superuser:
            return []
        return ["institution", "role", "station", "is_contact", "casework"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        # Superusers and the administrator's own account are out of reach.
        return users.filter(is_superuser=False).exclude(pk=request.user.pk)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                record(request.user, "admin.password_set", self.get_object(request, id))
        return response

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        # A technical administrator manages accounts but cannot hand out more power than they hold.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]
