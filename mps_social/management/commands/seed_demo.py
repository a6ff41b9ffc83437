"""``python manage.py seed_demo``: a believable district to click through.

Each app that has demo data keeps it in its own ``demo.py`` with a ``seed(stdout)``
function; they run in the order below, each in one transaction, and each is idempotent
(natural keys and get_or_create), so running the command twice changes nothing.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from people.demo import DEMO_PASSWORD
from people.models import User

# Training before the escrow: only a site manager whose training is current escrows
# (R-V-C), so the demo's escrow follows the demo's training records.
SEEDERS = ["people.demo", "accounts.demo", "concerns.demo", "approvals.demo", "training.demo",
           "credentials.demo", "notifications.demo"]  # the inboxes last: every notice is in


class Command(BaseCommand):
    help = "Load the demo district (never under production settings)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has people in it."
        )

    def handle(self, *args, if_empty=False, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs with DJANGO_ENV=production.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has people in it; demo data not loaded.")
            return
        for module in SEEDERS:
            with transaction.atomic():
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo district ready. Every demo login uses the password {DEMO_PASSWORD}."))
