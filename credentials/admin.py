"""The escrow in the admin: metadata only, read-only. No plaintext and no ciphertext is
shown or editable here (Policy 4038 §III.E): being admin staff gives no reveal."""

from django.contrib import admin

from audits.admin import ReadOnlyAdmin

from .models import AccessGrant, CredentialVersion, KeyRingCanary


@admin.register(CredentialVersion)
class CredentialVersionAdmin(ReadOnlyAdmin):
    list_display = ["account", "number", "key_id", "created_at", "created_by", "replaced_at"]
    list_filter = ["key_id"]
    search_fields = ["account__display_name", "account__handle"]
    list_select_related = ["account__platform", "created_by"]
    fields = ["account", "number", "key_id", "created_at", "created_by", "replaced_at", "replaced_by",
              "replace_reason"]
    show_full_result_count = False


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["account", "grantee", "granted_by", "starts_at", "ends_at", "revoked_at"]
    search_fields = ["account__display_name", "grantee__email"]
    list_select_related = ["account__platform", "grantee", "granted_by"]


@admin.register(KeyRingCanary)
class KeyRingCanaryAdmin(ReadOnlyAdmin):
    """Which key sealed the canary, and when; never the sealed bytes."""

    list_display = ["key_id", "sealed_at"]
    fields = ["key_id", "sealed_at"]
