from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages

from audits.admin import AuditedModelAdmin, ReadOnlyAdmin

from . import addresses, services, signals
from .models import Delegation, OrgUnit, User

# Sign-in providers are configured from the environment; their secrets and users' OAuth
# tokens have no business in the admin.
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
# allauth's own admin for second factors shows and edits their data: the authenticator
# app's secret and the recovery codes. Ours shows whose factor it is, and when it was used.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    """A person's second factors (R-III-E), read-only and without their secrets: people
    enrol and remove their own on their account's "Two-factor sign-in" page."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "type", "created_at", "last_used_at"]


class OrgUnitAdminForm(forms.ModelForm):
    actor = None  # the administrator editing, set per request by ``OrgUnitAdmin.get_form``

    def clean_head(self):
        head = self.cleaned_data.get("head")
        if head is not None and head.pk != self.instance.head_id:
            if problem := services.head_problem(actor=self.actor, head=head):
                raise forms.ValidationError(problem)
        return head


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedModelAdmin):
    """A unit's head reads the concern reports about its accounts and names (R-IV-B): a
    change of head goes through ``people.services.set_unit_head``, with its own audit event."""

    form = OrgUnitAdminForm
    list_display = ["name", "kind", "code", "parent", "head"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "slug"]
    autocomplete_fields = ["parent", "head"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent", "head"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class each time
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        head_changed = "head" in form.changed_data
        head = obj.head
        if head_changed:
            obj.head_id = form.initial.get("head")  # the unit is saved as it was; the service changes the head
            form.changed_data.remove("head")
        super().save_model(request, obj, form, change)
        if head_changed:
            try:
                services.set_unit_head(actor=request.user, unit=obj, head=head, reason="Changed in the admin.")
            except services.PeopleError as error:
                self.message_user(request, error.message, messages.ERROR)
            obj.refresh_from_db(fields=["head"])


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "kind", "employee_id", "org_unit", "supervisor",
                  "is_active", "is_staff", "is_superuser", "groups"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    """People are kept here until the roster import keeps them. Passwords are never set
    here: a person signs in with Google or sets their own through "Forgot password". An
    address typed here is verified by HR, as the roster's are (``people.addresses``)."""

    form = UserAdminForm
    list_display = ["full_name", "email", "kind", "org_unit", "supervisor", "is_superintendent", "is_active"]
    list_filter = ["kind", "is_active", "is_staff", "is_superintendent", "org_unit__kind"]
    search_fields = ["full_name", "email", "employee_id"]
    autocomplete_fields = ["org_unit", "supervisor"]
    list_select_related = ["org_unit", "supervisor"]
    readonly_fields = ["is_superintendent", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "job_title", "kind", "employee_id"]}),
        ("Place in the district", {"fields": ["org_unit", "supervisor", "is_superintendent"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "last_login", "date_joined"]}),
    ]
    actions = ["appoint_superintendent"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change or "email" in form.changed_data:
            addresses.mark_verified([obj], actor=request.user, source="admin")
        if change and "supervisor" in form.changed_data:
            # Policy 4038 §III.E: the old supervisor could reveal this person's accounts.
            signals.supervisor_changed.send(sender=User, person=obj, actor=request.user)

    @admin.action(description="Appoint the selected person superintendent")
    def appoint_superintendent(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one person.", messages.ERROR)
            return
        try:
            services.appoint_superintendent(
                actor=request.user, appointee=queryset.get(), reason="Appointed in the admin by an administrator."
            )
        except services.PeopleError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, f"{queryset.get()} is now the superintendent.", messages.SUCCESS)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Delegations are granted and revoked by the superintendent in the portal."""

    list_display = ["grantee", "scope", "starts_on", "ends_on", "granted_by", "revoked_at"]
    list_filter = ["decide_applications", "establish_accounts", "reveal_credentials", "triage_concerns"]
    search_fields = ["grantee__full_name", "grantee__email", "scope__name"]
    list_select_related = ["grantee", "scope", "granted_by"]
