"""Roster imports in the admin: read-only history. Uploading, applying, confirming and
declining go through ``roster.services`` in the portal. The uploaded file itself (``data``:
the HR export, every employee's line) is never shown here."""

from django.contrib import admin

from audits.admin import ReadOnlyAdmin

from .models import RosterImport


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "filename", "uploaded_by", "status", "confirmed_by", "applied_at"]
    list_filter = ["status"]
    search_fields = ["filename", "uploaded_by__full_name", "uploaded_by__email"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["uploaded_by", "confirmed_by"]
    fields = ["filename", "uploaded_by", "uploaded_at", "status", "preview", "authority", "confirmed_by",
              "confirmed_at", "applied_at", "summary", "error"]
    show_full_result_count = False
