"""``python manage.py import_completions FILE``: record training completions from a CSV.

The file has a first line naming its columns, ``email,course,completed_on``, then one
completion per line: the person's email, the course's slug and the day (YYYY-MM-DD).
Every line is checked first; if any has a problem, nothing is imported, each problem is
printed with its line number and the command exits non-zero. Otherwise everything is
recorded in one transaction. Lines already recorded (same person, course and day) are
left alone, so running it twice on the same file changes nothing (R-V-C).
"""

from django.core.management.base import BaseCommand, CommandError

from people.models import User
from training import services


class Command(BaseCommand):
    help = "Import training completions from a CSV file (email,course,completed_on): all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file; - reads standard input.")
        parser.add_argument("--by", metavar="EMAIL",
                            help="The administrator recorded as importing it (default: the system).")

    def handle(self, *args, file, by=None, **options):
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by, is_active=True).first()
            if actor is None:
                raise CommandError(f"Nobody active on the roster has the email {by}.")
        try:
            if file == "-":
                import sys

                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8-sig", newline="") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = services.import_completions(actor=actor, text=text)
        except services.CompletionImportError as error:
            for line in error.lines:
                self.stderr.write(line)
            raise CommandError(error.message) from None
        except services.TrainingError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.created} completions; {result.unchanged} were already recorded."))
