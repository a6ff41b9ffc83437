from django.apps import AppConfig
from django.core import checks

from .checks import escrow_key_ring


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credentials"
    verbose_name = "Credential escrow"

    def ready(self):
        checks.register(escrow_key_ring, checks.Tags.security)
