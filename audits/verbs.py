"""What each event of the audit trail means, in words a parent or a teacher would use.

The trail records a verb per event ("application.submitted"): a stable code, which the
CSV export keeps for the machines that read it. The pages show its label ("Application
sent") and the trail's filter offers the labels to choose from, by topic. This is the
one place the labels live: a verb recorded anywhere has its label here
(tests/test_audit_verbs.py reads the code for every verb it records), and the admin's
own verbs (``<model>.created_in_admin`` and the like, ``audits/admin.py``) are named
after their model.
"""

from functools import cache

from django.apps import apps
from django.db.models import Q

# (slug, topic, the verbs' families, {verb: label}), in the order the filter offers them.
TOPICS = [
    ("accounts", "Accounts", ("account.", "protectedname."), {
        "account.established": "Account established",
        "account.activated": "Account activated",
        "account.suspended": "Account suspended",
        "account.reinstated": "Account reinstated",
        "account.retired": "Account retired",
        "account.edited": "Account's name, handle or unit changed",
        "account.handed_over": "Account handed to a new site manager",
        "account.backup_changed": "Backup site manager changed",
        "account.reviewed": "Annual review recorded",
        "account.compromised": "Account marked compromised (the district lost control of it)",
        "account.recovered": "Compromised account recovered",
        "protectedname.added_from_catalogue": "Protected name added from the catalogue",
    }),
    ("applications", "Applications", ("application.",), {
        "application.drafted": "Application started",
        "application.edited": "Application edited",
        "application.submitted": "Application sent",
        "application.resubmitted": "Application sent again",
        "application.endorsed": "Application endorsed",
        "application.returned": "Application returned for changes",
        "application.approved": "Application approved",
        "application.rejected": "Application turned down",
        "application.withdrawn": "Application withdrawn",
        "application.commented": "Comment on an application",
    }),
    ("credentials", "Credentials", ("credentials.",), {
        "credentials.escrowed": "Credentials escrowed",
        "credentials.revealed": "Credentials revealed",
        "credentials.authenticator_secret_revealed": "Authenticator secret revealed",
        "credentials.unreadable": "Credentials could not be decrypted",
        "credentials.access_granted": "Access to credentials lent",
        "credentials.access_revoked": "Lent access to credentials ended",
        "credentials.rotation_due": "Credentials due to be changed",
        "credentials.keys_rotated": "Escrow encryption keys rotated",
    }),
    ("concerns", "Concerns", ("concern.",), {
        "concern.submitted": "Concern reported",
        "concern.assigned": "Concern assigned",
        "concern.reassigned": "Concern reassigned",
        "concern.note_added": "Note added to a concern",
        "concern.resolved": "Concern resolved",
    }),
    ("audit", "Compliance audit", ("audit.", "finding."), {
        "audit.started": "Compliance audit started",
        "audit.finished": "Compliance audit finished",
        "audit.failed": "Compliance audit failed",
        "finding.opened": "Finding opened",
    }),
    ("people", "People and delegations", ("person.", "orgunit.", "roster.", "delegation.", "superintendent."), {
        "superintendent.appointed": "Superintendent appointed",
        "delegation.granted": "Delegation granted",
        "delegation.revoked": "Delegation revoked",
        "person.added_from_roster": "Person added from the staff roster",
        "person.changed_from_roster": "Person updated from the staff roster",
        "person.supervisor_from_roster": "Supervisor set from the staff roster",
        "person.email_verified": "Email address verified",
        "person.email_to_confirm": "Email address to confirm",
        "person.email_link_sent": "Confirmation link sent",
        "person.email_confirmed": "Email address confirmed",
        "orgunit.added_from_import": "School or department added",
        "orgunit.changed_from_import": "School or department updated",
        "orgunit.head_changed": "Head of a school or department changed",
        "roster.previewed": "Staff roster previewed",
        "roster.sent_for_confirmation": "Staff roster sent for confirmation",
        "roster.declined": "Staff roster declined",
        "roster.apply_started": "Staff roster import started",
        "roster.applied": "Staff roster imported",
    }),
    ("inbox", "Inbox", ("inbox.",), {
        "inbox.read": "Message in the inbox marked as read",
        "inbox.all_read": "Every message in the inbox marked as read",
        "inbox.choices_changed": "Choice of how messages are emailed changed",
    }),
    ("training", "Training and policies", ("training.", "course.", "policy.", "policydocument.", "policyversion."), {
        "training.completed": "Training completed",
        "training.completion_imported": "Training completion imported",
        "policy.acknowledged": "Policy acknowledged",
        "policy.version_published": "New policy version published",
        "course.added_from_catalogue": "Course added from the catalogue",
        "policydocument.added_from_catalogue": "Policy document added from the catalogue",
        "policyversion.added_from_catalogue": "Policy version added from the catalogue",
    }),
]
LABELS = {verb: label for *_, labels in TOPICS for verb, label in labels.items()}
FAMILIES = {slug: families for slug, _, families, _ in TOPICS}

# The admin's verbs: ``<model name>.<what>_in_admin`` (audits/admin.py).
IN_ADMIN = {"created_in_admin": "added", "changed_in_admin": "changed", "deleted_in_admin": "deleted"}
ADMIN = "admin"  # the topic of the admin's verbs


def label(verb: str) -> str:
    """The words for ``verb``; a verb the portal no longer records keeps its code."""
    if verb in LABELS:
        return LABELS[verb]
    model_name, _, what = verb.partition(".")
    if what in IN_ADMIN and (name := _model_names().get(model_name)):
        return f"{name.capitalize()} {IN_ADMIN[what]} in the admin"
    return verb


# What the fields an event's before and after name mean, where their code does not say it
# plainly; any other field reads as its code in words ("completed_on" → "Completed on").
FIELDS = {
    "rotation_due": "Password change due",
    "next_review_due": "Next annual review",
    "site_manager": "Site manager",
    "backup": "Backup site manager",
    "key_id": "Key",
    "reason_kind": "Why",
    "by_site_manager": "By the site manager",
    "ends_at": "Until",
    "employee_id": "Employee number",
    "conditions": "Conditions of approval",
    "account": "Account number",
    "comment": "Comment number",
    "note": "Note number",
}


def field_label(name: str) -> str:
    """What a field of an event's before and after means ("rotation_due" → "Password
    change due"), for the trail's Details column."""
    return FIELDS.get(name) or name.replace("_", " ").capitalize()


@cache  # the models do not change while the portal runs
def _model_names() -> dict[str, str]:
    return {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The trail filter's options, by topic: first the whole topic (its slug, which has
    no dot), then each of its verbs."""
    grouped = [(topic, [(slug, f"Anything about {topic.lower()}"), *labels.items()])
               for slug, topic, _, labels in TOPICS]
    return [*grouped, ("Admin", [(ADMIN, "Anything changed in the admin")])]


def matching(choice: str) -> Q:
    """The events a choice of ``choices()`` means: one verb, or every verb of a topic."""
    if choice == ADMIN:
        return Q(verb__endswith="_in_admin")
    if choice in FAMILIES:
        query = Q()
        for family in FAMILIES[choice]:
            query |= Q(verb__startswith=family)
        return query
    return Q(verb=choice)
