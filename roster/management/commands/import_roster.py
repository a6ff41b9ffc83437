"""``python manage.py import_roster FILE [--dry-run]``: apply the HR roster (docs/roster.md).

Prints every problem with its line number and changes nothing when the file has any;
otherwise prints what would change, every change of authority among it, and, unless
``--dry-run``, applies it in one transaction with progress, ending with the counts of each
change and effect. Whoever runs it holds the server, so it asks for no confirmation: that
is the portal's page's step (``services.start_roster_import``), for those who hold less.
"""

from pathlib import Path

from mps_social.csvfiles import ImportCommand
from roster import effects, services, sync


class Command(ImportCommand):
    help = "Import the staff roster from an HR CSV file (see docs/roster.md)."

    def handle(self, *args, file: Path, dry_run=False, **options):
        data = self.read(file)
        try:
            plan = sync.compare(sync.read(data))
        except sync.RosterInvalid as invalid:
            raise self.refuse(invalid) from None
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
