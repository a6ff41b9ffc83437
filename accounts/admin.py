"""The catalogue in the admin (platforms and protected names, every edit audited), and the
registry read-only."""

from django.contrib import admin

from audits.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import AnnualReview, Designation, FormerHandle, OfficialAccount, Platform, ProtectedName


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


# The registry is history kept by ``accounts.services`` (establishing, designating,
# suspending, retiring, reviewing): each change has its rules, its audit event and its
# mail, so the admin shows it and changes none of it. "View on site" opens the account's
# page in the portal, where its changes are made.


class DesignationInline(admin.TabularInline):
    model = Designation
    fields = ["role", "person", "started_at", "ended_at", "designated_by", "reason", "end_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "designated_by")


@admin.register(OfficialAccount)
class OfficialAccountAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "platform", "handle", "org_unit", "status", "next_review_due", "rotation_due"]
    list_filter = ["status", "origin", "rotation_due", "platform"]
    search_fields = ["display_name", "handle", "handle_key", "org_unit__name"]
    list_select_related = ["platform", "org_unit"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["display_name", "platform", "handle", "url", "platform_account_id", "org_unit"]}),
        ("Status", {"fields": ["status", "status_changed_at", "status_reason", "origin", "established_by",
                               "established_at", "official_since"]}),
        ("Upkeep", {"fields": ["audience_min_age", "next_review_due", "rotation_due", "rotation_due_reason"]}),
    ]
    inlines = [DesignationInline]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["account", "role", "person", "started_at", "ended_at", "designated_by"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["account__display_name", "account__handle", "person__full_name", "person__email"]
    list_select_related = ["account__platform", "person", "designated_by"]
    show_full_result_count = False


@admin.register(FormerHandle)
class FormerHandleAdmin(ReadOnlyAdmin):
    """Handles accounts had before an edit (R-III-A), which verify still answers for:
    history, changed only by editing the account in the registry."""

    list_display = ["handle", "platform", "account", "until"]
    list_filter = ["platform"]
    search_fields = ["handle", "handle_key", "account__display_name", "account__handle"]
    list_select_related = ["platform", "account__platform"]
    show_full_result_count = False


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyAdmin):
    list_display = ["account", "reviewer", "reviewed_at", "next_due", "still_needed", "details_correct",
                    "recovery_district_owned", "two_factor_enabled"]
    list_filter = ["still_needed", "details_correct", "recovery_district_owned", "two_factor_enabled"]
    search_fields = ["account__display_name", "account__handle", "reviewer__full_name"]
    date_hierarchy = "reviewed_at"
    list_select_related = ["account__platform", "reviewer"]
    show_full_result_count = False
