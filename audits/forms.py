"""The forms behind the audit pages' filters (``audits.filters`` declares the filters)."""

from functools import cache

from django.apps import apps

from mps_social.forms import PortalForm

# The apps whose objects the trail names (``target_type`` is a model's ``app.model`` label).
PORTAL_APPS = ["accounts", "approvals", "audits", "compliance", "concerns", "credentials", "notifications", "people",
               "training"]


@cache  # the portal's models do not change while it runs
def target_types() -> list[tuple[str, str]]:
    """Each portal model as the trail names it (``app.model``), by its name in words."""
    models = [model for label in PORTAL_APPS for model in apps.get_app_config(label).get_models()]
    choices = sorted((str(model._meta.verbose_name).capitalize(), model._meta.label_lower) for model in models)
    return [(label, f"{name} ({label})") for name, label in choices]


class TrailFilterForm(PortalForm):
    """The trail's filters as a form: a period whose end comes before its start is an
    error beside the end, and shows nothing rather than everything."""

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end comes before the start.")
        return data
