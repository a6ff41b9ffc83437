from django.contrib import admin

from audits.admin import ReadOnlyAdmin

from .models import InboxEntry, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "template", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        fields = ["key", "to", "recipient", "template", "subject", "status", "attempts", "last_error",
                  "created_at", "next_attempt_at", "sent_at"]
        # A message that carries a one-time link never shows its body here.
        return fields if obj is not None and obj.sensitive else [*fields, "body_text"]


@admin.register(InboxEntry)
class InboxEntryAdmin(ReadOnlyAdmin):
    """Each person's copy of what they were told; a one-time link never reaches it."""

    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["recipient"]
    fields = ["recipient", "kind", "subject", "body_text", "link", "created_at", "read_at", "message"]
