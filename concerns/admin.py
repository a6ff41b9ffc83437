"""Concern reports in the admin: read-only. Assigning, notes and resolving go through
``concerns.services`` in the portal, so each has its audit event and its mail."""

from django.contrib import admin

from audits.admin import ReadOnlyAdmin

from .models import ConcernNote, ConcernReport


class ConcernNoteInline(admin.TabularInline):
    model = ConcernNote
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConcernReport)
class ConcernReportAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "status", "org_unit", "account", "assignee", "outcome", "created_at"]
    list_filter = ["status", "kind", "outcome", "org_unit__kind"]
    search_fields = ["reference", "link", "reporter_email", "account__handle", "org_unit__name"]
    date_hierarchy = "created_at"
    list_select_related = ["org_unit", "account__platform", "assignee"]
    show_full_result_count = False
    inlines = [ConcernNoteInline]


@admin.register(ConcernNote)
class ConcernNoteAdmin(ReadOnlyAdmin):
    list_display = ["report", "author", "created_at"]
    search_fields = ["report__reference", "author__email"]
    list_select_related = ["report", "author"]
