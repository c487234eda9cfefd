from django.contrib import admin

from jss.audit.admin_audit import AuditedAdmin
from jss.institutions.models import Institution


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin, admin.ModelAdmin[Institution]):
    list_display = ["name_ko", "category", "region", "status", "member_since"]
    list_filter = ["status", "category"]
    search_fields = ["name_ko", "name_en", "key"]
    autocomplete_fields = ["region"]
