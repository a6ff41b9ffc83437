"""What waits for a person in training, for their home page (``mps_social.worklist``),
read from ``selectors.overview``, as the training page is (R-V-C, R-IV-C): each required
course never taken, expired or expiring, and each policy version to acknowledge; for a
supervisor, the site managers they supervise whose training lapsed (Policy 4038 §V.C)."""

from datetime import timedelta

from django.urls import reverse

from mps_social.worklist import LIMIT, Item

from . import catalogue, selectors


def _because(course, held) -> str:
    """Why ``course`` is required of someone who holds the roles ``held``, in words."""
    reasons = [name for required, holds, name in (
        (course.for_site_managers, held.site_manager, "a site manager"),
        (course.for_applicants, held.applicant, "someone applying for an account"),
        (course.for_account_staff, held.account_staff, "someone with a role on an account")) if required and holds]
    return " and ".join(reasons) or "a member of staff"


def _course(entry, held) -> Item:
    course = entry.course
    if entry.state == "never":
        return Item(what=f"Take the course: {course.title}", why=f"It is required of you as {_because(course, held)}, "
                    "and you have not taken it yet.", url=course.get_absolute_url(), action="Take the course")
    if entry.state == "expired":
        return Item(what=f"Renew your training: {course.title}", why="Your training expired: until you renew it, what it is "
                    "required for waits.", url=course.get_absolute_url(), action="Renew the training",
                    due=entry.expires_on)
    return Item(what=f"Renew your training: {course.title}", why="Your training expires soon.", url=course.get_absolute_url(),
                action="Renew the training", due=entry.expires_on - timedelta(days=1))


def items(user, today, overview=None) -> list[Item]:
    """Three queries (``selectors.overview``: none when ``overview`` is given); what their
    staff keep (``accounts.selectors.kept_by_staff``, the request's fact), and when a site
    manager is among their staff one more."""
    overview = overview or selectors.overview(user, today)
    found = [_course(entry, overview.roles) for entry in overview.to_do]
    for entry in overview.to_acknowledge:
        new = "the new version of " if entry.acknowledged_earlier else ""
        found.append(Item(what=f"Read and acknowledge {new}{entry.document.title}",
                          why=f"Version {entry.version.number} is in effect since "
                              f"{entry.version.effective_on:%b} {entry.version.effective_on.day}, "
                              f"{entry.version.effective_on.year}"
                              + (": it is required reading." if entry.document.required else "."),
                          url=entry.document.get_absolute_url(), action="Read and acknowledge"))
    lapsed = list(selectors.site_managers_lacking_training(on=today, supervised_by=user)
                  .order_by("full_name").values_list("full_name", flat=True)[:LIMIT])
    found += [Item(what=f"{name}'s site manager training is not current",
                   why="You supervise them: until they take or renew it they cannot escrow their "
                       "accounts' credentials or be named site manager again (§V.C).",
                   url=reverse("training:course", args=[catalogue.SITE_MANAGER_COURSE.slug]),
                   action="See the course") for name in lapsed]
    return found
