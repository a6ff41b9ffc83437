"""The demo district's applications (R-V-B), one in each state a newcomer should see:
a draft, one waiting for a principal's endorsement, one waiting for the designee's
decision (a team on a public platform, §III.C/§III.D), one sent back for changes, one
approved (its account now pending setup in the registry) and one rejected for using
another school's protected name (§III.A).

Every step goes through ``approvals.services``, so each has its audit event, its mail in
the outbox and its place in the timeline. Idempotent: an applicant who already has an
application with that display name is left alone.
"""

from accounts.models import Platform
from people.models import OrgUnit, User

from . import services
from .models import Application

ATTESTED = {"attests_network_use": True, "attests_platform_rules": True, "attests_disclosure": True}

# applicant, display name, fields, and the steps after sending: (actor, action, words)
APPLICATIONS = [
    ("teacher@example.org", "Roosevelt Science Olympiad", {
        "org_unit": "RHS", "purpose": Application.Purpose.STUDENT_ACTIVITY, "platform": "mps-google",
        "handle": "rhs-science-olympiad", "audience": Application.Audience.STUDENTS,
        "grade_band": Application.GradeBand.HIGH,
        "content_plan": "Practice schedules, study guides and competition results for the team.",
    }, None),
    ("teacher.washburn@example.org", "Washburn Writers", {
        "org_unit": "WHS", "purpose": Application.Purpose.SCHOOL_INFO, "platform": "wordpress",
        "handle": "washburnwriters", "audience": Application.Audience.PARENTS,
        "content_plan": "A monthly post with student writing chosen (with permission) by the English department.",
        "moderation_plan": "Comments are off. Posts are reviewed by a second English teacher before publishing.",
        "site_manager": "teacher.washburn@example.org", **ATTESTED,
    }, []),
    ("coach@example.org", "Southwest Lakers Girls Soccer", {
        "org_unit": "SWHS", "purpose": Application.Purpose.ATHLETICS, "platform": "instagram",
        "handle": "swlakers_girlssoccer", "audience": Application.Audience.PUBLIC,
        "content_plan": "Game-day results, schedule changes and team photos with media releases on file.",
        "moderation_plan": "Comments limited to followers; the coach checks them daily and removes abuse.",
        "public_justification": "Families and alumni follow the team on Instagram; the schedule must reach them "
                                "without a district log-in.",
        "site_manager": "coach@example.org", **ATTESTED,
    }, [("principal.southwest@example.org", "endorse", "Our families ask for this every season.")]),
    ("teacher@example.org", "RHS Science Department", {
        "org_unit": "RHS", "purpose": Application.Purpose.SCHOOL_INFO, "platform": "x",
        "handle": "RHS_Science", "audience": Application.Audience.PUBLIC,
        "content_plan": "Science fair dates and department news.",
        "moderation_plan": "I will look at replies when I can.",
        "site_manager": "teacher@example.org", **ATTESTED,
    }, [("principal@example.org", "changes",
         "Please say who covers moderation when you are away, and how often replies are checked.")]),
    ("principal.washburn@example.org", "Washburn Theatre", {
        "org_unit": "WHS", "purpose": Application.Purpose.SCHOOL_INFO, "platform": "instagram",
        "handle": "washburn_theatre", "audience": Application.Audience.PUBLIC,
        "content_plan": "Show announcements, ticket links and rehearsal photos with media releases on file.",
        "moderation_plan": "Comments reviewed each school day by the theatre director; the principal is backup.",
        "site_manager": "teacher.washburn@example.org", **ATTESTED,
    }, [("designee@example.org", "approve", "Post no student's full name without a release.")]),
    ("athletics@example.org", "Anwatin Eagles Fans", {
        "org_unit": "ATH", "purpose": Application.Purpose.ATHLETICS, "platform": "tiktok",
        "handle": "anwatineaglesfans", "audience": Application.Audience.PUBLIC,
        "content_plan": "Highlights of middle school games.",
        "moderation_plan": "Comments off.",
        "public_justification": "Highlights reach families where they already are.",
        "site_manager": "athletics@example.org", **ATTESTED,
    }, [("designee@example.org", "reject",
         "“Anwatin Eagles” is Anwatin Middle School's mascot: an account with that name is the school's to ask "
         "for. Many Anwatin students are under 13, too young for TikTok.")]),
]


def _data(fields: dict, display_name: str) -> dict:
    data = {**fields, "display_name": display_name}
    data["org_unit"] = OrgUnit.objects.get(code=fields["org_unit"])
    data["platform"] = Platform.objects.get(slug=fields["platform"])
    if "site_manager" in fields:
        data["site_manager"] = User.objects.get(email=fields["site_manager"])
    return data


def _step(application, actor, action, words):
    if action == "endorse":
        return services.endorse(actor=actor, application=application, note=words)
    if action == "changes":
        return services.request_changes(actor=actor, application=application, reason=words)
    if action == "reject":
        return services.reject(actor=actor, application=application, reason=words)
    return services.approve(actor=actor, application=application, conditions=words, public_use_authorized=True)


def seed(stdout):
    made = 0
    for email, display_name, fields, steps in APPLICATIONS:
        applicant = User.objects.get(email=email)
        if Application.objects.filter(applicant=applicant, display_name=display_name).exists():
            continue
        data = _data(fields, display_name)
        if steps is None:
            services.save_draft(actor=applicant, data=data)
        else:
            application = services.submit(actor=applicant, data=data)
            for actor_email, action, words in steps:
                application = _step(application, User.objects.get(email=actor_email), action, words)
        made += 1
    stdout.write(f"  {made} applications, from a draft to a decision.")
