"""Training and acknowledgment pages (R-V-A, R-V-C, R-IV-C): "My training", a course to
read and complete, and the policy documents to acknowledge.

Access follows ``mps_social.access``: every page needs a signed-in member of staff; an
inactive course, or a document with no version in effect, is 404 like one that does not
exist. Each form posts to its own address, makes one service call and redirects, or
comes back with what was chosen and the messages beside the fields.
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act
from mps_social.permissions import has_perm

from . import selectors, services
from .forms import AcknowledgeForm, AttestForm, QuizForm
from .models import Course, PolicyVersion


@permission_required("training.view_mine")
def mine(request):
    return render(request, "training/mine.html", {
        "overview": selectors.overview(request.user),
        "reminders": selectors.reminders_for(request.user),
    })


# --- a course ----------------------------------------------------------------------------


def _course(request, slug) -> Course:
    return get_for_user_or_404(request.user, "training.view_course", selectors.courses_with_latest(request.user),
                               slug=slug)


def _questions(course: Course) -> list:
    return list(course.questions.prefetch_related("choices"))


def _course_page(request, course, *, quiz_form=None, attest_form=None):
    questions = _questions(course) if quiz_form is None else quiz_form.questions
    can_attest = has_perm(request.user, "training.attest", course)
    return render(request, "training/course.html", {
        "course": course,
        "state": selectors.course_state(course, selectors.roles_of(request.user), timezone.localdate()),
        "quiz_form": quiz_form or (QuizForm(questions=questions) if questions else None),
        "can_attest": can_attest,
        "attest_form": attest_form or (AttestForm() if can_attest else None),
    })


@permission_required("training.view_mine")
def course(request, slug):
    return _course_page(request, _course(request, slug))


def _done(completion) -> str:
    last = completion.expires_on - timedelta(days=1)
    return f"It counts through {last:%b} {last.day}, {last.year}."


@require_POST
@permission_required("training.view_mine")
def quiz(request, slug):
    course = _course(request, slug)
    form = QuizForm(request.POST, questions=_questions(course))
    if form.is_valid():
        try:
            result = services.take_quiz(actor=request.user, course=course, answers=form.answers())
        except services.TrainingError as error:
            form.add_refusal(error)
        else:
            if result.passed:
                messages.success(request, f"You passed with {result.score}%. {_done(result.completion)}")
                return redirect(course)
            form.mark_wrong(result.wrong)
            form.add_error(None, f"You answered {result.correct} of {result.total} correctly ({result.score}%); "
                                 f"{course.pass_mark}% passes. Read the material again and change the answers "
                                 "marked.")
    return _course_page(request, course, quiz_form=form)


@require_POST
@permission_required("training.view_mine")
def attest(request, slug):
    course = _course(request, slug)
    return act(request, AttestForm(request.POST),
               lambda data: services.self_attest(actor=request.user, course=course),
               success=lambda completion: f"Your completion is recorded. {_done(completion)}", then=course,
               page=lambda form: _course_page(request, course, attest_form=form))


# --- policy documents ----------------------------------------------------------------


@permission_required("training.view_policies")
def policies(request):
    return render(request, "training/policies.html", {
        "policies": selectors.policies_for(request.user),
        "history": selectors.acknowledgments_of(request.user)[:50],
    })


def _policy(request, slug) -> PolicyVersion:
    """The version in effect of the document ``slug``."""
    return get_for_user_or_404(request.user, "training.view_policies", selectors.current_versions(),
                               document__slug=slug)


def _policy_page(request, version, *, form=None):
    acknowledged = version.acknowledgments.filter(user=request.user).first()
    return render(request, "training/policy.html", {
        "version": version,
        "document": version.document,
        "acknowledged": acknowledged,
        "earlier": acknowledged is None and selectors.acknowledgments_of(request.user)
        .filter(version__document=version.document).exists(),
        "form": form or (None if acknowledged else AcknowledgeForm(initial={"version": version.pk})),
    })


@permission_required("training.view_policies")
def policy(request, slug):
    return _policy_page(request, _policy(request, slug))


@require_POST
@permission_required("training.view_policies")
def acknowledge(request, slug):
    version = _policy(request, slug)
    posted = request.POST.copy()

    def acknowledge_read(data):
        read = PolicyVersion.objects.filter(document=version.document, pk=data["version"]).first()
        posted["version"] = version.pk  # a refusal offers the version on the page now, for the next try
        if read is None:
            raise services.TrainingError("Read the version below and acknowledge it.")
        services.acknowledge(actor=request.user, version=read)

    return act(request, AcknowledgeForm(posted), acknowledge_read,
               success=f"You acknowledged {version.document.title}, version {version.number}.",
               then="training:policies", page=lambda form: _policy_page(request, version, form=form))
