"""Application pages (R-V-B, Policy 4038 §V.B): apply, follow, endorse and decide.

Access follows ``mps_social.access``: every page needs a signed-in member of staff; an
application the user may not see is 404 exactly like one that does not exist; what a
user may do on a page they may see is shown only when they may do it, and the services
check it again.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act
from mps_social.permissions import has_perm

from . import selectors, services
from .forms import ApplicationForm, CommentForm, ReviewForm, WithdrawForm
from .models import Application

PAGE_SIZE = 25


def _application(request, pk) -> Application:
    return get_for_user_or_404(request.user, "approvals.view_application", selectors.applications_for(request.user),
                               pk=pk)


def _list(request, queryset, template: str, **context):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, **context})


@permission_required("approvals.apply")
def mine(request):
    return _list(request, selectors.mine(request.user), "approvals/mine.html")


@permission_required("approvals.view_endorsements")
def endorsements(request):
    return _list(request, selectors.awaiting_endorsement(request.user), "approvals/queue.html",
                 heading="Awaiting my endorsement",
                 intro="Applications from the people you supervise. Endorse each, or ask for changes.",
                 empty="Nothing is waiting for your endorsement.")


@permission_required("approvals.view_decisions")
def decisions(request):
    return _list(request, selectors.awaiting_decision(request.user), "approvals/queue.html",
                 heading="Awaiting my decision",
                 intro="Endorsed applications for the units your delegation covers, oldest first. You never see "
                       "your own, nor one that names you as site manager.",
                 empty="Nothing is waiting for your decision.")


def _form_page(request, application, form):
    return render(request, "approvals/form.html", {
        "application": application,
        "form": form,
        "name_matches": services.name_matches(application) if application else [],
    })


def _save(request, application):
    """Save a draft ("Save draft") or send it ("Send for endorsement"): one service call,
    and on any refusal the page comes back with what was typed and the messages."""
    sending = request.POST.get("action") == "submit"
    form = ApplicationForm(request.POST, user=request.user, application=application, draft=not sending)
    page = partial(_form_page, request, application)
    if sending:
        return act(request, form,
                   lambda data: services.submit(actor=request.user, application=application, data=data),
                   success=lambda sent: f"Your application is sent. It now waits for {_waits_for(sent)}.",
                   then=lambda sent: sent, page=page)
    return act(request, form,
               lambda data: services.save_draft(actor=request.user, application=application, data=data),
               success="Your draft is saved. Send it when it is ready.",
               then=lambda saved: reverse("approvals:edit", args=[saved.pk]), page=page)


def _waits_for(application) -> str:
    return application.endorser.full_name if application.endorser else "the superintendent's office"


@permission_required("approvals.apply")
def new(request):
    if request.method == "POST":
        return _save(request, None)
    return _form_page(request, None, ApplicationForm(user=request.user))


@permission_required("approvals.apply")
def edit(request, pk):
    application = _application(request, pk)
    if not has_perm(request.user, "approvals.edit_application", application):
        messages.info(request, "This application cannot be changed now.")
        return redirect(application)
    if request.method == "POST":
        return _save(request, application)
    return _form_page(request, application, ApplicationForm(user=request.user, application=application))


def _detail(request, application, *, review_form=None, withdraw_form=None, comment_form=None):
    user = request.user
    can_endorse = has_perm(user, "approvals.endorse_application", application)
    can_decide = has_perm(user, "approvals.decide_application", application)
    name_matches = services.name_matches(application)
    if review_form is None and (can_endorse or can_decide):
        review_form = ReviewForm(application=application, as_decider=can_decide, name_matches=name_matches)
    if user.pk == application.endorser_id and has_perm(user, "approvals.view_endorsements"):
        back = ("approvals:endorsements", "Awaiting my endorsement")
    elif user.pk != application.applicant_id and has_perm(user, "approvals.view_decisions"):
        back = ("approvals:decisions", "Awaiting my decision")
    else:
        back = ("approvals:mine", "My applications")
    return render(request, "approvals/detail.html", {
        "application": application,
        "timeline": selectors.timeline(application),
        "name_matches": name_matches,
        "missing": services.problems(application) if application.status in Application.EDITABLE_STATUSES else {},
        "can_edit": has_perm(user, "approvals.edit_application", application),
        "can_withdraw": has_perm(user, "approvals.withdraw_application", application),
        "can_comment": has_perm(user, "approvals.comment_application", application),
        "can_decide": can_decide,
        "review_form": review_form,
        "withdraw_form": withdraw_form or WithdrawForm(),
        "comment_form": comment_form or CommentForm(),
        "back": back,
    })


@permission_required("approvals.apply")
def detail(request, pk):
    return _detail(request, _application(request, pk))


@require_POST
@permission_required("approvals.apply")
def review(request, pk):
    """The endorser's or a decider's answer, whichever the user is for this application."""
    application = _application(request, pk)
    as_decider = has_perm(request.user, "approvals.decide_application", application)
    if not (as_decider or has_perm(request.user, "approvals.endorse_application", application)):
        messages.error(request, services.where_it_stands(application))
        return redirect(application)
    form = ReviewForm(request.POST, application=application, as_decider=as_decider,
                      name_matches=services.name_matches(application))
    return act(request, form, lambda data: _decide(request.user, application, data),
               success=lambda done: done, then=application,
               page=lambda form: _detail(request, application, review_form=form))


def _decide(actor, application, data) -> str:
    decision, reason = data["decision"], data["reason"]
    if decision == "endorse":
        services.endorse(actor=actor, application=application, note=reason)
        return "You endorsed the application. It now waits for a decision."
    if decision == "changes":
        services.request_changes(actor=actor, application=application, reason=reason)
        return "The application is back with the applicant, with the changes you asked for."
    if decision == "reject":
        services.reject(actor=actor, application=application, reason=reason)
        return "The application is rejected; the applicant is told why."
    application = services.approve(
        actor=actor, application=application, conditions=reason,
        public_use_authorized=data.get("public_use_authorized", False),
        name_override_reason=data.get("name_override_reason", ""),
    )
    return f"Approved. {application.account.display_name} is in the registry, pending setup."


@require_POST
@permission_required("approvals.apply")
def withdraw(request, pk):
    application = _application(request, pk)
    return act(request, WithdrawForm(request.POST),
               lambda data: services.withdraw(actor=request.user, application=application, reason=data["reason"]),
               success="Your application is withdrawn.", then=application,
               page=lambda form: _detail(request, application, withdraw_form=form))


@require_POST
@permission_required("approvals.apply")
def comment(request, pk):
    application = _application(request, pk)
    return act(request, CommentForm(request.POST),
               lambda data: services.add_comment(actor=request.user, application=application, body=data["body"]),
               success="Your comment is added.", then=application,
               page=lambda form: _detail(request, application, comment_form=form))
