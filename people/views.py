"""Pages about people: the superintendent's delegations, and the sign-in and email pages
that stand in for allauth's own."""

from allauth.account import views as allauth_views
from allauth.core import ratelimit
from allauth.mfa.base import views as mfa_views
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act

from . import addresses, selectors, services
from .forms import DelegationForm, RevokeForm


@permission_required("people.manage_delegations")
def delegations(request):
    page = Paginator(selectors.delegations_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "people/delegations.html", {"page": page, "revoke_form": RevokeForm()})


@permission_required("people.manage_delegations")
def grant_delegation(request):
    def grant(data):
        return services.grant_delegation(
            actor=request.user,
            grantee=data["grantee"],
            scope=data["scope"],
            powers=set(data["powers"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        )

    return act(request, DelegationForm(request.POST or None), grant,
               success=lambda delegation: f"{delegation.grantee} is now your designee for {delegation.scope}.",
               then="people:delegations",
               page=lambda form: render(request, "people/delegation_form.html", {"form": form}))


@require_POST
@permission_required("people.manage_delegations")
def revoke_delegation(request, pk):
    delegation = get_for_user_or_404(
        request.user, "people.view_delegation", selectors.delegations_for(request.user), pk=pk
    )
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_delegation(actor=request.user, delegation=delegation, reason=form.cleaned_data["reason"])
        except services.PeopleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The delegation to {delegation.grantee} has ended.")
    else:
        messages.error(request, "Say why the delegation ends before revoking it.")
    return redirect("people:delegations")


class RefusesTooManyAttempts:
    """For allauth's sign-in pages: when allauth refuses an attempt for too many failed ones
    (its "login_failed" limit), the page answers 429 Too Many Requests with a Retry-After.
    It is the same page: the reason and the wait beside the form (``PortalAccountAdapter``),
    what was typed still in it."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        errors = form.errors.as_data().values()
        if any(error.code == "too_many_login_attempts" for field_errors in errors for error in field_errors):
            response.status_code = 429
            response["Retry-After"] = str(settings.SIGN_IN_PAUSE_MINUTES * 60)
        return response


class LoginView(RefusesTooManyAttempts, allauth_views.LoginView):
    """Email and password."""


class SecondFactorView(RefusesTooManyAttempts, mfa_views.AuthenticateView):
    """The code from the authenticator app or a recovery code, after the password."""


login = LoginView.as_view()
second_factor = SecondFactorView.as_view()


@permission_required("people.view_portal")
def email_from_roster(request):
    """Stands in for allauth's email management: a person's address is their identity in
    the HR roster, so it is changed there, never by the person in the portal. An address
    the roster changed waits for its confirmation link, which a POST here sends again
    (allauth's rate limit for confirmation mail applies)."""
    if request.method == "POST":
        if not ratelimit.consume(request, action="confirm_email", key=request.user.email.lower()):
            messages.error(request, "A link was sent to this address a moment ago. Please wait a few minutes "
                                    "before asking for another.")
        elif addresses.send_link_again(request.user):
            messages.success(request, f"A new link is on its way to {request.user.email}.")
        return redirect("account_email")
    return render(request, "account/email_from_roster.html",
                  {"waiting": addresses.waiting_for_confirmation(request.user) is not None})
