from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PortalConfig(AppConfig):
    """The project package as an app: base templates, static files, shared commands."""

    name = "mps_social"
    verbose_name = "MPS Social"

    def ready(self):
        # Every app registers its named permissions in its own ``permissions.py``;
        # importing them here fills the one registry before the first request.
        autodiscover_modules("permissions")
        # And its Celery tasks in ``tasks.py``, in every process (Celery's own discovery waits
        # for a worker to start): a service queues a task by its name, from the app's registry,
        # so it never imports the task module, which imports the service.
        autodiscover_modules("tasks")
