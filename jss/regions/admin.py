from django.contrib import admin

from jss.audit.admin_audit import AuditedAdmin
from jss.regions.models import PoliceStation, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin, admin.ModelAdmin[Region]):
    list_display = ["code", "name_ko", "level", "population", "population_basis"]
    list_filter = ["level"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(PoliceStation)
class PoliceStationAdmin(AuditedAdmin, admin.ModelAdmin[PoliceStation]):
    list_display = ["code", "name_ko"]
    filter_horizontal = ["jurisdiction"]
