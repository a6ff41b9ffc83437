"""``python manage.py import_roster FILE [--dry-run]``: apply the HR roster (docs/roster.md).

Prints every problem with its line number and changes nothing when the file has any;
otherwise prints what would change, every change of authority among it, and, unless
``--dry-run``, applies it in one transaction with progress, ending with the counts of each
change and effect. Whoever runs it holds the server, so it asks for no confirmation: that
is the portal's page's step (``services.start_roster_import``), for those who hold less.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roster import effects, services, sync


class Command(BaseCommand):
    help = "Import the staff roster from an HR CSV file (see docs/roster.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")

    def handle(self, *args, file: Path, dry_run=False, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            plan = sync.compare(sync.read(data))
        except sync.RosterInvalid as invalid:
            for line in invalid.errors:
                self.stderr.write(line)
            if invalid.total > len(invalid.errors):
                self.stderr.write(f"… and {invalid.total - len(invalid.errors)} more.")
            raise CommandError(f"{invalid.total} problem(s): nothing was changed.") from None
        self.stdout.write(f"{len(plan.rows)} people in the file; would change: {sync.counts_line(plan.counts())}; "
                          f"{plan.not_in_roster} in the portal but not in the file (left as they are).")
        lines = effects.authority_lines(plan)
        if lines:
            self.stdout.write(f"{len(lines)} change(s) of authority:")
            for line in lines:
                self.stdout.write(f"  Line {line.line}, {line.person}: {line.change}. {line.consequence}")
        if dry_run or plan.is_empty:
            self.stdout.write("Nothing changed." if plan.is_empty else "Dry run: nothing changed.")
            return

        def progress(done, total):
            self.stdout.write(f"  {done} of {total} written")

        summary = services.apply_plan(plan, lines, actor=None, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Applied: {sync.counts_line(summary)}."))
