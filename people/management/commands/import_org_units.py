"""``python manage.py import_org_units FILE [--dry-run]``: the district's org units from
HR's structure (docs/org-units.md), before the first roster import and whenever HR's
structure changes.

Prints every problem with its line number and changes nothing when the file has any;
otherwise prints what would change, unit by unit, and, unless ``--dry-run``, applies it in
one transaction, each unit added or changed audited with the server as its actor.
"""

from pathlib import Path

from mps_social.csvfiles import ImportCommand
from people import org_units


class Command(ImportCommand):
    help = "Add and update the district's org units from a CSV of HR's structure (see docs/org-units.md)."

    def handle(self, *args, file: Path, dry_run=False, **options):
        data = self.read(file)
        try:
            plan = org_units.compare(org_units.read(data))
        except org_units.OrgUnitsInvalid as invalid:
            raise self.refuse(invalid) from None
        self.stdout.write(f"{len(plan.rows)} units in the file; would change: "
                          f"{org_units.counts_line(plan.counts())}; {plan.not_in_file} in the portal but not in "
                          "the file (left as they are).")
        for line in plan.lines():
            self.stdout.write(f"  {line}")
        if dry_run or plan.is_empty:
            self.stdout.write("Nothing changed." if plan.is_empty else "Dry run: nothing changed.")
            return
        summary = org_units.apply(plan, actor=None)
        self.stdout.write(self.style.SUCCESS(f"Applied: {org_units.counts_line(summary)}."))
