"""Authorization rows of the application pages (R-V-B, Policy 4038 §V.B).

Every page needs a signed-in member of staff (anonymous → sign in). The subject is the
teacher's application for North High, sent and waiting for the principal's endorsement,
with the teacher as proposed site manager. It is seen by the teacher (applicant), the
principal (endorser) and the superintendent's office (who may decide for North High);
to anybody else it is 404, like an application that does not exist.

Empty POSTs change nothing they should not: the endorser gets the form back with the
error beside "decision" (200); the office, who cannot decide before the endorsement, is
sent back to the page with a message (302); an empty withdrawal is a valid withdrawal
(reason optional) for the applicant (302) and a refusal shown on the page for others (200).
"""

from people.models import Power

from .matrix import NORTH, Row, only, staff

NOT_INVOLVED = {"coach": 404, "contractor": 404, "outsider": 404, "admin": 404}
CAN_SEE = {"teacher": 200, "principal": 200, "superintendent": 200, "designee": 200}
DECIDE = frozenset({Power.DECIDE_APPLICATIONS})


def sent_application(district):
    from accounts.models import Platform
    from approvals import services
    from approvals.models import Application

    application = Application.objects.filter(handle="north_matrix_club").first()
    if application is None:
        application = services.submit(actor=district.teacher, data={
            "org_unit": district.north, "purpose": Application.Purpose.SCHOOL_INFO,
            "platform": Platform.objects.get(slug="instagram"), "handle": "north_matrix_club",
            "display_name": "North Matrix Club", "audience": Application.Audience.PARENTS,
            "content_plan": "Club news.", "moderation_plan": "Comments off.", "site_manager": district.teacher,
            "attests_network_use": True, "attests_platform_rules": True, "attests_disclosure": True,
        })
    return {"pk": application.pk}


APPROVAL_ROWS = {
    "approvals:mine": Row(staff()),
    "approvals:new": Row(staff()),
    "approvals:endorsements": Row(only({"superintendent": 200, "principal": 200})),
    "approvals:decisions": Row(only({"superintendent": 200, "designee": 200}), powers=DECIDE),
    "approvals:detail": Row(only({**CAN_SEE, **NOT_INVOLVED}), kwargs=sent_application, powers=DECIDE, reach=NORTH),
    # Sent, so nobody may edit it: those who may see it are sent back to its page.
    "approvals:edit": Row(only({**{p: 302 for p in CAN_SEE}, **NOT_INVOLVED}), kwargs=sent_application,
                          powers=DECIDE, reach=NORTH),
    "approvals:review": Row(only({"principal": 200, "teacher": 302, "superintendent": 302, "designee": 302,
                                  **NOT_INVOLVED}), method="post", kwargs=sent_application,
                            powers=DECIDE, reach=NORTH),
    "approvals:withdraw": Row(only({"teacher": 302, "principal": 200, "superintendent": 200, "designee": 200,
                                    **NOT_INVOLVED}), method="post", kwargs=sent_application,
                                powers=DECIDE, reach=NORTH),
    "approvals:comment": Row(only({**CAN_SEE, **NOT_INVOLVED}), method="post", kwargs=sent_application,
                             powers=DECIDE, reach=NORTH),
}
