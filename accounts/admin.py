from django.contrib import admin

from audits.admin import AuditedModelAdmin

from .models import Platform, ProtectedName


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "district_protected", "minimum_age", "is_active"]
    list_filter = ["kind", "district_protected", "is_active"]
    search_fields = ["name", "slug", "hosts"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "district_protected", "is_active"]}),
        ("Rules", {"fields": ["minimum_age", "rules_url"]}),
        ("Addresses", {"fields": ["hosts", "profile_url_template"]}),
    ]


@admin.register(ProtectedName)
class ProtectedNameAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "owner"]
    list_filter = ["kind"]
    search_fields = ["name", "owner__name"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]
