"""The demo district's escrow (R-III-E): every active or suspended demo account has
credentials escrowed by its site manager (demo values, never real ones), and the designee
has revealed one, so its site manager has a notification and a rotation due. Roosevelt
Robotics stays pending setup: sign in as its site manager (teacher@example.org) and
escrow its credentials to watch it become active.

Only a site manager whose required training is current escrows (R-V-C), and the demo's
training (seeded before this) has two who are not: Jordan Reyes, whose training expired
three days ago, has not escrowed Southwest Lakers Soccer's credentials and may once he
renews it by passing the quiz; Keisha Walker never took it, so Washburn Millers has none.
The compliance audit flags both accounts.

The designee has lent Chris Olson (the webmaster) access to MPS Athletics' credentials
while its site manager is away; it ends in ten days, so the daily job (run here once) has
reminded him and the superintendent. Robin Ellis (IT) holds lent access to MPS on
YouTube's log-in for ten more days, to recover the channel with YouTube: it was hacked, and
the office marked it compromised, so families are warned and its password must change: the
superintendent's office sees it end on their home pages, and so does Robin.
The account the designee revealed also signs in with an authenticator app: its reveal
shows the current six-digit code, and its secret has a reveal of its own (R-III-E).

Idempotent: an account that already has credentials is left alone, and so is a lent
access already given.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import OfficialAccount
from accounts.services import current, mark_compromised
from people.models import User
from training.services import site_manager_training_problem

from . import services
from .models import AccessGrant, Secrets

REVEALED_BY_DESIGNEE = "MinneapolisPublicSchools"
LENT_TO_WEBMASTER = "MPSAthletics"
# A demo authenticator secret (the well-known example key of authenticator apps' own docs).
DEMO_TOTP_SEED = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"  # 160 bits, as platforms print it
LENT = ("MPSVideo", "admin@example.org", 10)  # handle, to whom, for how many more days
# MPS on YouTube was hacked after its escrow: the office marked it compromised (Policy 4038
# §III.E), so families are warned and its credentials fall due for rotation.
COMPROMISED = ("MPSVideo", "Demo data: the password was phished; someone else now posts from the channel.")


def seed(stdout):
    made = 0
    accounts = OfficialAccount.objects.filter(
        status__in=[OfficialAccount.Status.ACTIVE, OfficialAccount.Status.SUSPENDED], credential_versions__isnull=True,
    ).select_related("platform", "org_unit")
    for account in accounts:
        manager = current(account)
        if manager is None or site_manager_training_problem(manager.person):
            continue
        slug = account.handle.lower().replace(".", "-")
        services.escrow(actor=manager.person, account=account, secrets=Secrets(
            login=f"social+{slug}@example.org",
            password=f"demo-only-{slug}-not-a-real-password",
            recovery_email="social-recovery@example.org",
            recovery_phone="+1 612 555 0100",
            recovery_codes="DEMO-1111 DEMO-2222 DEMO-3333",
            notes="Demo credentials: this portal's demo data, not a real account.",
            totp_seed=DEMO_TOTP_SEED if account.handle == REVEALED_BY_DESIGNEE else "",
        ), reason="Demo data")
        made += 1
        if account.handle == REVEALED_BY_DESIGNEE:
            services.reveal(actor=User.objects.get(email="designee@example.org"), account=account,
                            reason_kind="post", reason="Posting the snow-day closure while the webmaster is out.",
                            second_factor_used=True)
    lent = OfficialAccount.objects.get(handle=LENT_TO_WEBMASTER)
    if not AccessGrant.objects.filter(account=lent).exists():
        services.grant_access(actor=User.objects.get(email="designee@example.org"), account=lent,
                              grantee=User.objects.get(email="webmaster@example.org"),
                              ends_at=timezone.now() + timedelta(days=10),
                              reason="Posting the tournament results while the athletics director is away.")
    handle, email, days = LENT
    account = OfficialAccount.objects.select_related("org_unit").get(handle=handle)
    grantee = User.objects.get(email=email)
    if not AccessGrant.objects.filter(account=account, grantee=grantee).exists():
        services.grant_access(actor=User.objects.get(email="superintendent@example.org"), account=account,
                              grantee=grantee, ends_at=timezone.now() + timedelta(days=days),
                              reason="Recovering the channel's two-factor settings with YouTube support.")
    handle, reason = COMPROMISED
    hacked = OfficialAccount.objects.filter(handle__iexact=handle, compromised_at__isnull=True).first()
    if hacked is not None:
        mark_compromised(actor=User.objects.get(email="superintendent@example.org"), account=hacked, reason=reason)
    reminded = services.send_grant_reminders()
    stdout.write(f"  credentials escrowed for {made} accounts, access lent to the webmaster and to "
                 f"{grantee.full_name}, @{handle} marked compromised, {reminded} reminders of access lent ending.")
