"""Authorization rows of the training and acknowledgment pages (R-V-A, R-V-C).

Every page is for any signed-in member of staff (anonymous → sign in): one's own training,
any active course, the documents in effect. The subjects are an active course with a quiz
that allows self-attestation, and a required document with a version in effect. Empty
POSTs change nothing: each form comes back with the error beside its field (200). The CSV
import is an admin page (``admin:training_completion_import``), under the admin's row.
"""

from .matrix import Row, staff


def course(district):
    from training.models import Choice, Course, Question

    course, created = Course.objects.get_or_create(slug="matrix-course", defaults={
        "title": "Matrix course", "material": "Read this.", "for_site_managers": True,
        "allows_self_attestation": True,
    })
    if created:
        question = Question.objects.create(course=course, text="Which?")
        Choice.objects.create(question=question, text="This one", is_correct=True)
        Choice.objects.create(question=question, text="That one")
    return {"slug": course.slug}


def document(district):
    from datetime import date

    from training.models import PolicyDocument, PolicyVersion

    document, _ = PolicyDocument.objects.get_or_create(slug="matrix-policy", defaults={
        "title": "Matrix policy", "kind": PolicyDocument.Kind.POLICY, "required": True})
    PolicyVersion.objects.get_or_create(document=document, number="1",
                                        defaults={"effective_on": date(2020, 1, 1), "text": "The text."})
    return {"slug": document.slug}


TRAINING_ROWS = {
    "training:mine": Row(staff()),
    "training:course": Row(staff(), kwargs=course),
    "training:quiz": Row(staff(), method="post", kwargs=course),
    "training:attest": Row(staff(), method="post", kwargs=course),
    "training:policies": Row(staff()),
    "training:policy": Row(staff(), kwargs=document),
    "training:acknowledge": Row(staff(), method="post", kwargs=document),
}
