"""``python manage.py verify_audit_trail``: walk the whole audit trail's hash chain.

Prints the number of events and the head's hash when the chain is intact (exit 0); names
the first event that does not fit and exits 1 otherwise: an edited event (its hash no
longer matches), a deleted one (a gap in the sequence, or the chain head further on than
the last event) or one moved (its hash does not follow from its predecessor's). Streams
the trail, so memory stays constant however long it is. Read-only.
"""

from django.core.management.base import BaseCommand, CommandError

from audits import chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options):
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(f"{verdict} {verdict.count:,} events before it are intact.")
        self.stdout.write(str(verdict))
