"""``python manage.py load_catalogue``: what a new district starts with, each part
editable afterwards in the admin.

- Policy 4038 as the first version of a required policy document (R-V-A, R-IV-C);
- the site-manager training, the course required of site managers that the compliance
  audit and site-manager eligibility look for (R-V-C);
- the name of every org unit as a protected name of that unit (R-III-A): import the org
  units first (``import_org_units``), and run this again after adding units.

One transaction, each addition audited with the server as its actor. Only what is missing
is added (``training.catalogue``, ``accounts.catalogue``): a second run adds nothing and
says so, and nothing an administrator has edited since is overwritten.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.catalogue import add_protected_names, names_of_units
from people.models import OrgUnit
from training.catalogue import STARTING_COURSES, STARTING_DOCUMENTS, add_courses, add_documents


class Command(BaseCommand):
    help = ("Load the starting catalogue: Policy 4038, the site-manager training, the org units' names as "
            "protected names.")

    @transaction.atomic
    def handle(self, *args, **options):
        versions = add_documents(STARTING_DOCUMENTS, actor=None)
        courses = add_courses(STARTING_COURSES, actor=None)
        units = list(OrgUnit.objects.all())
        names, too_long = names_of_units(units)
        protected = add_protected_names(names, actor=None)
        for version in versions:
            self.stdout.write(f"Added the policy document {version}, in effect since {version.effective_on}; "
                              "everyone is asked to acknowledge it.")
        for course in courses:
            self.stdout.write(f"Added the course “{course.title}”, required of {', '.join(course.audiences)}.")
        if protected:
            self.stdout.write(f"Added {len(protected)} protected names: {', '.join(name.name for name in protected)}.")
        for unit in too_long:
            self.stdout.write(f"Not protected, longer than a protected name can be: “{unit.name}” ({unit.code}); "
                              "add a shorter form in the admin.")
        if not units:
            self.stdout.write("No org units yet, so no protected names: import them (import_org_units), then run "
                              "this again.")
        if not (versions or courses or protected):
            self.stdout.write("Nothing added: the starting catalogue is already there.")
        else:
            self.stdout.write(self.style.SUCCESS("Done. Edit any of it in the admin."))
