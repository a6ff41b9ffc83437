"""The admin's autocomplete select, safe to show again with any value posted.

Django's ``AutocompleteSelect`` looks the submitted value up to show it selected again
when the form comes back with errors; a value that is not even an id (``":"``, typed
into the request by hand, or an id beyond the database's integers) makes that lookup
raise, and the page answers 500 instead of the field's own "Select a valid choice"
(found by ``tests/test_fuzz.py``). Here such a value shows as nothing selected, with
that message beside the field.
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class AutocompleteSelect(widgets.AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        return super().optgroups(name, [choice for choice in value if _is_a_value_of(target, choice)], attr)


def _is_a_value_of(field, value) -> bool:
    """Whether ``value`` could be stored in ``field``: of its type, and within the
    database's range for it."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class SafeAutocompleteAdmin:
    """Mixed into a ``ModelAdmin`` whose ``autocomplete_fields`` name foreign keys."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
