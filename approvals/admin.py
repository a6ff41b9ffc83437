"""Applications in the admin: read-only, with their timeline. Sending, endorsing and
deciding go through ``approvals.services`` in the portal, so each transition has its
rules, its audit event and its mail; the admin offers none of them."""

from django.contrib import admin
from django.template.loader import render_to_string

from audits.admin import ReadOnlyAdmin

from . import selectors
from .models import Application, Comment


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):  # its comments are on its timeline
    list_display = ["pk", "display_name", "platform", "org_unit", "applicant", "status", "updated_at"]
    list_filter = ["status", "purpose", "platform"]
    search_fields = ["display_name", "handle", "applicant__email", "org_unit__name"]
    date_hierarchy = "created_at"
    list_select_related = ["platform", "org_unit", "applicant"]
    show_full_result_count = False
    readonly_fields = ["timeline"]
    fieldsets = [
        (None, {"fields": ["status", "applicant", "org_unit", "purpose", "purpose_other"]}),
        ("The account", {"fields": ["platform", "handle", "display_name", "description", "existing_url", "account"]}),
        ("Audience and plans", {"fields": ["audience", "grade_band", "youngest_age", "content_plan",
                                           "moderation_plan", "public_justification"]}),
        ("People", {"fields": ["site_manager", "endorser", "decided_by"]}),
        ("Decision", {"fields": ["decision_reason", "conditions", "public_use_authorized", "name_override_reason",
                                 "changes_requested"]}),
        ("Timeline", {"fields": ["timeline"]}),
    ]

    @admin.display(description="Timeline")
    def timeline(self, application):
        return render_to_string("approvals/_admin_timeline.html", {"timeline": selectors.timeline(application)})


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Comments between the applicant and the reviewers, as the application's timeline shows them."""

    list_display = ["application", "author", "created_at"]
    search_fields = ["application__display_name", "application__handle", "author__full_name", "body"]
    date_hierarchy = "created_at"
    list_select_related = ["application", "author"]
    fields = ["application", "author", "created_at", "body"]
    show_full_result_count = False
