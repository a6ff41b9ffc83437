from django.apps import AppConfig


class RosterConfig(AppConfig):
    """The HR roster's import and its effects on delegations, accounts and escrow: the top
    floor, since those effects reach into every app below it (README, "Layers")."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "roster"
    verbose_name = "HR roster"
