"""Training in the admin: administrators keep the courses, their quizzes and the policy
documents (every edit audited), record a completion by hand, and import completions
from a CSV ("Import from CSV" on the completions list, or ``manage.py
import_completions FILE``). Completions, reminders and acknowledgments are history:
read-only here, and a recorded completion goes through ``training.services``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from audits.admin import AuditedModelAdmin, ReadOnlyAdmin
from audits.services import record, snapshot
from mps_social.admin_widgets import SafeAutocompleteAdmin
from mps_social.forms import CsvFileField

from . import services
from .models import Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion, Question, Reminder


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "text"]
    extra = 0
    show_change_link = True  # its choices are edited on the question's own page


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin):
    list_display = ["title", "slug", "validity_months", "for_site_managers", "for_applicants", "for_account_staff",
                    "allows_self_attestation", "is_active"]
    list_filter = ["is_active", "for_site_managers", "for_applicants", "for_account_staff"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "is_active"]}),
        ("Material", {"fields": ["material", "material_url"]}),
        ("Who must take it, and for how long", {"fields": ["for_site_managers", "for_applicants",
                                                           "for_account_staff", "validity_months"]}),
        ("How it is completed", {"fields": ["pass_mark", "allows_self_attestation"],
                                 "description": "With questions (below), staff pass the quiz at the pass mark; "
                                                "without, by self-attestation or an administrator's record."}),
    ]


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if len(kept) < 2:
            raise ValidationError("Give at least two choices.")
        if sum(bool(form.cleaned_data.get("is_correct")) for form in kept) != 1:
            raise ValidationError("Mark exactly one choice as correct.")


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["order", "text", "is_correct"]
    extra = 3


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin):
    list_display = ["text", "course", "order"]
    list_filter = ["course"]
    search_fields = ["text", "course__title"]
    list_select_related = ["course"]
    inlines = [ChoiceInline]


# An import holds at most services.MAX_IMPORT_LINES (20,000) lines; the longest a valid
# line can be is under 400 bytes (an email of 254 characters, a slug of 80, a date).
MAX_IMPORT_BYTES = 8 * 1024 * 1024


class ImportForm(forms.Form):
    file = CsvFileField(max_bytes=MAX_IMPORT_BYTES, label="CSV file",
                        help_text="Columns: email,course,completed_on (the course's slug, the date as YYYY-MM-DD), "
                                  f"with that first line; at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")

    def clean_file(self) -> str:
        """The file's text (UTF-8, with or without a byte-order mark)."""
        try:
            return self.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Save the file as UTF-8 text (CSV).") from None


class CompletionForm(forms.ModelForm):
    class Meta:
        model = Completion
        fields = ["user", "course", "completed_on"]

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise ValidationError("A completion cannot be in the future.")
        return completed_on


@admin.register(Completion)
class CompletionAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    form = CompletionForm
    list_display = ["user", "course", "completed_on", "expires_on", "method", "score", "recorded_by"]
    list_filter = ["course", "method"]
    search_fields = ["user__full_name", "user__email", "course__title"]
    date_hierarchy = "completed_on"
    list_select_related = ["user", "course", "recorded_by"]
    autocomplete_fields = ["user"]
    show_full_result_count = False
    change_list_template = "admin/training/completion/change_list.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "course", "completed_on"]
        return ["user", "course", "completed_on", "expires_on", "method", "score", "recorded_by", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """An administrator's record goes through the service (expiry, audit event)."""
        completion = services.record_completion(actor=request.user, person=obj.user, course=obj.course,
                                                completed_on=obj.completed_on)
        obj.pk, obj.expires_on, obj.method = completion.pk, completion.expires_on, completion.method

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="training_completion_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV: every line is checked first; any problem and nothing is written,
        with the problems by line number; otherwise all of it in one transaction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                result = services.import_completions(actor=request.user, text=form.cleaned_data["file"])
            except services.CompletionImportError as error:
                form.add_error("file", error.message)
                problems = error.lines
            except services.TrainingError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, f"Imported {result.created} completions; {result.unchanged} were "
                                          "already recorded.")
                return redirect(reverse("admin:training_completion_changelist"))
        return TemplateResponse(request, "admin/training/completion/import.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "problems": problems,
            "title": "Import completions from CSV",
        })


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "user", "course", "threshold", "cycle", "supervisor"]
    list_filter = ["course", "threshold"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "course", "supervisor"]
    show_full_result_count = False


class PolicyVersionInline(admin.StackedInline):
    model = PolicyVersion
    fields = ["number", "effective_on", "url", "text"]
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "required", "is_active"]
    list_filter = ["kind", "required", "is_active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PolicyVersionInline]

    def save_formset(self, request, form, formset, change):
        """A new version is published through ``services.publish_version``: its audit
        event, and the mail to everyone who must acknowledge it (R-V-A, R-IV-C). A change
        to a version, or its deletion, is recorded like any edit in the admin."""
        if formset.model is not PolicyVersion:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for version in formset.deleted_objects:
            record(actor=request.user, verb="policyversion.deleted_in_admin", target=version)
            version.delete()
        for version, fields in formset.changed_objects:
            before = snapshot(PolicyVersion.objects.get(pk=version.pk), fields)
            version.save()
            record(actor=request.user, verb="policyversion.changed_in_admin", target=version, before=before,
                   after=snapshot(version, fields))
        for version in formset.new_objects:
            published = services.publish_version(actor=request.user, document=form.instance, number=version.number,
                                                  effective_on=version.effective_on, text=version.text,
                                                  url=version.url)
            version.pk, version.created_at = published.pk, published.created_at


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(ReadOnlyAdmin):
    list_display = ["acknowledged_at", "user", "version"]
    list_filter = ["version__document"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "version__document"]
    show_full_result_count = False
