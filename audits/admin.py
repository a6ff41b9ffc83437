"""The audit trail in the admin (read-only), and the mixin that audits every admin edit."""

from django.contrib import admin
from django.db import transaction

from mps_social.admin_widgets import SafeAutocompleteAdmin

from .models import AuditEvent, ChainCheckpoint, ChainHead
from .services import record, snapshot


class AuditedModelAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    """Catalogue edits in the admin are state changes too: each save and delete writes an
    audit event inside the admin's own transaction, with the changed fields before and after."""

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name in {f.name for f in obj._meta.fields}]
        before = None
        if change and fields:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk), fields)
        super().save_model(request, obj, form, change)
        if change and not fields and not form.changed_data:
            return
        record(
            actor=request.user,
            verb=f"{obj._meta.model_name}.{'changed' if change else 'created'}_in_admin",
            target=obj,
            before=before,
            after=snapshot(obj, fields or form.changed_data),
        )

    def delete_model(self, request, obj):
        record(actor=request.user, verb=f"{obj._meta.model_name}.deleted_in_admin", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(actor=request.user, verb=f"{obj._meta.model_name}.deleted_in_admin", target=obj)
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "at", "actor_label", "verb", "target_type", "target_label", "org_unit", "ip"]
    list_filter = ["verb", "target_type"]
    search_fields = ["actor_label", "verb", "target_label", "target_id", "request_id"]
    date_hierarchy = "at"
    list_select_related = ["org_unit"]
    show_full_result_count = False


@admin.register(ChainCheckpoint)
class ChainCheckpointAdmin(ReadOnlyAdmin):
    """The daily verifications of the audit trail's hash chain."""

    list_display = ["at", "ok", "sequence", "hash", "first_bad", "problem"]
    list_filter = ["ok"]


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    """The end of the hash chain that every audit event extends (``audits.chain``)."""

    list_display = ["sequence", "hash"]
