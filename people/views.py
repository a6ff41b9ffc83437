"""Pages for the superintendent's delegations: list, grant, revoke."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required

from . import selectors, services
from .forms import DelegationForm, RevokeForm


@permission_required("people.manage_delegations")
def delegations(request):
    page = Paginator(selectors.delegations_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "people/delegations.html", {"page": page, "revoke_form": RevokeForm()})


@permission_required("people.manage_delegations")
def grant_delegation(request):
    form = DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delegation = services.grant_delegation(
                actor=request.user,
                grantee=data["grantee"],
                scope=data["scope"],
                powers=set(data["powers"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        except services.PeopleError as error:
            form.add_refusal(error)
        else:
            messages.success(request, f"{delegation.grantee} is now your designee for {delegation.scope}.")
            return redirect("people:delegations")
    return render(request, "people/delegation_form.html", {"form": form})


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


@permission_required("people.view_portal")
def email_from_roster(request):
    """Stands in for allauth's email management: a person's address is their identity in
    the HR roster, so it is changed there, never by the person in the portal."""
    return render(request, "account/email_from_roster.html")
