"""The compliance audit in the admin: read-only history. Runs are started from the
compliance dashboard or by the nightly schedule (``compliance.services``), and findings
open and close by themselves as runs see them (R-V-D)."""

from django.contrib import admin

from audits.admin import ReadOnlyAdmin

from .models import AuditRun, CheckResult, Finding


class CheckResultInline(admin.TabularInline):
    model = CheckResult
    fields = ["check_slug", "accounts", "failing"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "status", "started_by", "finished_at", "checks_done", "checks_total",
                    "accounts_checked", "findings_opened", "findings_closed"]
    list_filter = ["status"]
    date_hierarchy = "started_at"
    list_select_related = ["started_by"]
    show_full_result_count = False
    inlines = [CheckResultInline]


@admin.register(CheckResult)
class CheckResultAdmin(ReadOnlyAdmin):
    list_display = ["run", "check_slug", "accounts", "failing"]
    list_filter = ["check_slug"]
    search_fields = ["check_slug"]
    list_select_related = ["run"]
    show_full_result_count = False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["check_slug", "account", "detail", "opened_at", "closed_at"]
    list_filter = ["check_slug", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["account__display_name", "account__handle", "detail"]
    date_hierarchy = "opened_at"
    list_select_related = ["account__platform"]
    show_full_result_count = False
