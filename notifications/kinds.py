"""What each email is about, in a few kinds people understand, and which of them the
policy makes the portal mail at once whatever the person chose.

Every template of ``templates/emails/`` belongs to exactly one kind here
(tests/test_inbox.py fails on a template without one): a person chooses, per kind, mail at
once, a daily digest or the portal only (``notifications.models.Preference``). A mandatory
kind always mails at once, and the preferences page says so and offers no choice.

allauth's own mail (a password reset, an address confirmation, a password changed) comes
through ``people.adapters`` under its template's short name: it is about the person's
sign-in, so it is the mandatory "sign-in" kind, as is any template this mapping does not
name (a new message is never silenced before someone has classified it).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    description: str
    templates: frozenset
    # Policy 4038 requires the person be told, by mail, at once (see ``MANDATORY`` below).
    mandatory: bool = False


# The mail that combines a person's held messages once a day: not a kind of its own, and
# never itself in the inbox (each message it combines is).
DIGEST_TEMPLATE = "daily_digest"

KINDS = (
    Kind("signin", "Your sign-in and the portal's safety",
         "Password resets, address confirmations, a change of your address by the staff roster, and a break "
         "in the audit trail. They keep your account and the portal safe.",
         frozenset({"email_changed_from_roster", "audit_trail_broken", "password_reset_key", "password_reset",
                    "password_reset_code", "password_changed", "password_set", "email_confirmation",
                    "email_confirmation_signup", "email_confirm", "email_changed", "email_deleted",
                    "account_already_exists", "unknown_account", "login_code"}),
         mandatory=True),
    # Policy 4038 §III.E (R-III-E): every reveal of an account's credentials tells its site
    # manager; access lent to escrowed credentials is told the same way.
    Kind("credentials", "Escrowed credentials",
         "When someone reveals the log-in credentials of an account you manage or makes their change due, and "
         "when access to an account's credentials is lent to you or is about to end (Policy 4038 §III.E).",
         frozenset({"credentials_revealed", "credentials_access_granted", "access_grant_ending",
                    "credentials_rotation_due"}), mandatory=True),
    # Authority moves only by the superintendent's word (§III.B, §III.C): who holds it is told.
    Kind("authority", "The superintendent and delegations",
         "A new superintendent, and a delegation of the superintendent's powers given to you, about to end or "
         "ended (Policy 4038 §III.C).",
         frozenset({"superintendent_appointed", "delegation_granted", "delegation_ending", "delegation_revoked"}),
         mandatory=True),
    Kind("applications", "Applications and decisions",
         "News of the applications you made, endorse or decide, and the weekly summary of decisions waiting.",
         frozenset({"application_update", "weekly_digest"})),
    Kind("accounts", "Accounts you look after",
         "An account established for you, renamed or moved, handed over, given a backup, suspended or retired, "
         "compromised or recovered, its annual review coming due or flagged.",
         frozenset({"account_established", "account_handed_over", "account_backup", "account_status_changed",
                    "account_review_flagged", "review_reminder", "account_edited", "account_compromised",
                    "account_recovered"})),
    Kind("findings", "Compliance findings",
         "What the district's compliance audit finds about an account you manage or supervise, and an account "
         "left without its site manager (Policy 4038 §V.D).",
         frozenset({"finding_opened", "site_manager_departed"})),
    Kind("concerns", "Concern reports",
         "Concerns reported about accounts you look after or your school's names, assigned to you, or reported by "
         "you, and how they were resolved.",
         frozenset({"concern_submitted", "concern_received", "concern_assigned", "concern_resolved", "concern_about_yours",
                    "concern_outcome"})),
    Kind("training", "Training and policy reminders",
         "Reminders of required training not yet taken or about to expire, and copies of your staff's "
         "(Policy 4038 §V.C); a new policy version to acknowledge (§IV.C).",
         frozenset({"training_reminder", "course_never_taken", "policy_version_published", "policy_reminder"})),
    Kind("roster", "Staff roster imports",
         "A staff roster waiting for your confirmation, or one you uploaded that was declined.",
         frozenset({"roster_awaiting_confirmation", "roster_declined"})),
)

BY_SLUG = {kind.slug: kind for kind in KINDS}
_BY_TEMPLATE = {template: kind for kind in KINDS for template in kind.templates}
SIGNIN = BY_SLUG["signin"]
CHOOSABLE = tuple(kind for kind in KINDS if not kind.mandatory)
MANDATORY = tuple(kind for kind in KINDS if kind.mandatory)


def kind_of(template: str) -> Kind:
    """The kind of a template; one nobody has classified yet is mandatory (sign-in)."""
    return _BY_TEMPLATE.get(template, SIGNIN)


def classified(template: str) -> bool:
    return template in _BY_TEMPLATE or template == DIGEST_TEMPLATE
