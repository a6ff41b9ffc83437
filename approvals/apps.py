from django.apps import AppConfig

from training import audiences


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = "Account applications"

    def ready(self):
        from .selectors import applicant_ids, applicants_since

        # Courses for applicants (R-V-A): training asks who they are without knowing applications.
        audiences.register(audiences.APPLICANTS, applicant_ids, since=applicants_since)
