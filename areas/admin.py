from django.contrib import admin

from .models import LocalAuthority, PartnerAgency, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    readonly_fields = ["code", "name", "slug"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "dfe_code", "type", "region"]
    list_filter = ["region", "type"]
    search_fields = ["name", "gss_code", "gss_code_before_april_2013", "dfe_code"]
    list_select_related = ["region"]


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "agency_type", "local_authority"]
    list_filter = ["agency_type", "local_authority__region"]
    search_fields = ["name"]
    autocomplete_fields = ["local_authority"]
    list_select_related = ["local_authority"]
