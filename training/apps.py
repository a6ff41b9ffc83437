from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Training and acknowledgments"

    def ready(self):
        from . import selectors
        from .models import Course, PolicyDocument, PolicyVersion

        selectors.catalogue.watch(Course, PolicyDocument, PolicyVersion)
