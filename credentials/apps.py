from django.apps import AppConfig
from django.core import checks

from people.signals import supervisor_changed

from .checks import escrow_key_ring


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credentials"
    verbose_name = "Credential escrow"

    def ready(self):
        from .receivers import rotate_after_supervisor_change

        checks.register(escrow_key_ring, checks.Tags.security)
        supervisor_changed.connect(rotate_after_supervisor_change, dispatch_uid="credentials.supervisor_changed")
