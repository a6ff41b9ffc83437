"""Who may do what with an application (R-V-B, Policy 4038 §V.B).

- Any active member of staff may apply.
- The applicant edits a draft or an application sent back for changes, and may withdraw
  it until it is decided.
- The endorser is fixed when the application is sent (``services.endorser_for``): the
  applicant's supervisor, or the first eligible person above. Only they endorse.
- The superintendent, or a designee whose delegation in force gives the power to decide
  applications over its org unit, decides: at the moment they act, not when it arrived.
- Separation of duties: nobody endorses or decides an application they wrote or in
  which they are the proposed site manager.
- A draft is the applicant's alone. Once sent, an application is seen by its applicant,
  its endorser, its proposed site manager and whoever may decide it; anybody else gets
  a 404.
"""

from mps_social.permissions import register
from people import roles
from people.models import Power


def _involved(user, application) -> bool:
    """Separation of duties (R-V-B): the applicant and the proposed site manager neither
    endorse nor decide (``endorse_application``, ``decide_application``, which the
    services ask before every endorsement, return and decision)."""
    return user.pk in (application.applicant_id, application.site_manager_id)


def _decider_in_scope(user, application) -> bool:
    return application.org_unit_id is not None and Power.DECIDE_APPLICATIONS in roles.powers_over(
        user, application.org_unit
    )


@register("approvals.apply", "Apply for an official account")
def apply(user, obj=None):
    return True


@register("approvals.view_endorsements", "See the applications awaiting one's endorsement")
def view_endorsements(user, obj=None):
    return roles.is_supervisor(user)


@register("approvals.view_decisions", "See the applications awaiting one's decision")
def view_decisions(user, obj=None):
    return roles.holds_power_somewhere(user, Power.DECIDE_APPLICATIONS)


@register("approvals.view_application", "See an application and its timeline")
def view_application(user, application):
    if application is None:
        return False
    if user.pk == application.applicant_id:
        return True
    if application.status == application.Status.DRAFT:  # nobody else's business yet
        return False
    return user.pk in (application.site_manager_id, application.endorser_id) or _decider_in_scope(user, application)


@register("approvals.edit_application", "Edit one's own draft or returned application")
def edit_application(user, application):
    return user.pk == application.applicant_id and application.status in application.EDITABLE_STATUSES


@register("approvals.withdraw_application", "Withdraw one's own application before the decision")
def withdraw_application(user, application):
    return user.pk == application.applicant_id and application.is_open


@register("approvals.endorse_application", "Endorse an application as the applicant's supervisor")
def endorse_application(user, application):
    return (
        application.status == application.Status.SUBMITTED
        and user.pk == application.endorser_id
        and not _involved(user, application)
    )


@register("approvals.decide_application", "Approve, return or reject an application")
def decide_application(user, application):
    return (
        application.status == application.Status.ENDORSED
        and not _involved(user, application)
        and _decider_in_scope(user, application)
    )


@register("approvals.comment_application", "Comment on an application")
def comment_application(user, application):
    return application.status != application.Status.DRAFT and view_application(user, application)
