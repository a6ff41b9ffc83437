"""``python manage.py appoint_superintendent EMAIL --by ADMIN_EMAIL --reason "…"``: record
the board's appointment of a superintendent, as the administrator named by ``--by``.

The same service as the admin's action (``people.services.appoint_superintendent``): it
refuses an administrator appointing themselves (R-III-B, R-III-E: the superintendent may
reveal every escrowed credential), ends the outgoing superintendent's term and mails the
outgoing and incoming superintendents and every administrator. A refusal is the service's
message, and nothing changes.
"""

from django.core.management.base import BaseCommand, CommandError

from notifications.models import OutboxMessage
from people import services
from people.models import User


class Command(BaseCommand):
    help = "Appoint the superintendent (the person with this email), as an administrator."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The new superintendent's email, as in the roster.")
        parser.add_argument("--by", required=True, metavar="ADMIN_EMAIL",
                            help="The administrator recording the appointment (not the appointee).")
        parser.add_argument("--reason", required=True, help="Why, e.g. the board's resolution and its date.")

    def handle(self, *args, email: str, by: str, reason: str, **options):
        people = {person.email: person for person in User.objects.filter(email__in=[email.lower(), by.lower()])}
        appointee, actor = people.get(email.lower()), people.get(by.lower())
        for address, person in ((email, appointee), (by, actor)):
            if person is None:
                raise CommandError(f"Nobody in the portal has the email {address}.")
        outgoing = User.objects.filter(is_superintendent=True, is_active=True).first()
        queued_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            services.appoint_superintendent(actor=actor, appointee=appointee, reason=reason)
        except services.PeopleError as refused:
            raise CommandError(refused.message) from None
        told = OutboxMessage.objects.filter(template="superintendent_appointed", pk__gt=queued_before).order_by("to")
        self.stdout.write(self.style.SUCCESS(
            f"{appointee.full_name} ({appointee.email}) is now the superintendent"
            + (f", in place of {outgoing.full_name} ({outgoing.email})." if outgoing else ".")))
        self.stdout.write(f"Recorded as appointed by {actor.full_name} ({actor.email}): “{reason}”.")
        self.stdout.write(f"Mail to send (the outgoing and incoming superintendents and every administrator): "
                          f"{', '.join(told.values_list('to', flat=True))}.")
