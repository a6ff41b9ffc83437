"""Who may do what with training and acknowledgments (R-V-A, R-V-C, R-IV-C).

- Every member of staff sees their own training and the policy documents, reads any
  active course, takes its quiz, and acknowledges the current version of a document.
- Self-attestation is open only where the course allows it.
- Recording a completion for someone else, by hand or from a CSV, is an administrator's
  (Django admin staff): it is catalogue keeping, done in the admin. So is publishing a new
  version of a policy document.
"""

from mps_social.permissions import register


@register("training.view_mine", "See one's own training, its state and deadlines")
def view_mine(user, obj=None):
    return True


@register("training.view_course", "Read a course's material")
def view_course(user, course):
    return course is not None and course.is_active


@register("training.take_course", "Take a course's quiz")
def take_course(user, course):
    return view_course(user, course)


@register("training.attest", "Record one's own completion of a course that allows it")
def attest(user, course):
    return view_course(user, course) and course.allows_self_attestation


@register("training.view_policies", "Read the policy documents and one's acknowledgments")
def view_policies(user, obj=None):
    return True


@register("training.acknowledge", "Acknowledge the current version of a policy document")
def acknowledge(user, version=None):
    return version is None or version.document.is_active


@register("training.record_completions", "Record or import completions for others (administrators)")
def record_completions(user, obj=None):
    return user.is_staff


@register("training.publish_version", "Publish a new version of a policy document (administrators)")
def publish_version(user, obj=None):
    return user.is_staff
