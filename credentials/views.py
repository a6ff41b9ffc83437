"""The escrow's pages (R-III-E, Policy 4038 §III.E).

A reveal is a POST with a reason, after a fresh reauthentication (allauth's, at most
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds old: allauth suspends the POST, asks for the
password and replays it) and, for everyone but the site manager, in a session that used
its second factor: one that signed in with a password alone is first asked for the code
(allauth's reauthentication with it) and comes back to the page. The page that shows the
secrets is never cached (``Cache-Control: no-store``).
An account outside the user's reach is 404, as everywhere.
"""

from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.utils.cache import add_never_cache_headers, patch_cache_control

from accounts.selectors import accounts_for
from audits.pages import event_page
from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act
from mps_social.exports import csv_response
from mps_social.permissions import has_perm
from mps_social.security import ask_for_the_code, second_factor_used
from people.models import User

from . import selectors, services
from .forms import EscrowForm, GrantForm, HistoryFilterForm, RevealForm, RotateAllForm

PAGE_SIZE = 25


def _context(**extra):
    return {"mfa_relaxed": not settings.ESCROW_REQUIRE_MFA, **extra}


@permission_required("credentials.view_access")
def access(request):
    """Credentials I can access: the accounts whose credentials the user may reveal."""
    page = Paginator(selectors.revealable_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_access_facts(page.object_list)
    return render(request, "credentials/access.html", _context(
        page=page, can_audit=has_perm(request.user, "credentials.audit_access")))


@permission_required("credentials.view_access")
def escrow(request, pk):
    account = get_for_user_or_404(request.user, "credentials.escrow", accounts_for(request.user), pk=pk)
    form = EscrowForm(request.POST or None)
    response = act(request, form,
                   lambda data: services.escrow(actor=request.user, account=account, secrets=form.secrets(),
                                                reason=data["reason"]),
                   success=lambda version: f"The credentials are escrowed (version {version.number}). "
                                           f"{account.display_name} is {account.get_status_display().lower()}.",
                   then=account,
                   page=lambda form: render(request, "credentials/escrow.html", _context(
                       account=account, form=form, current=services.current_version(account))))
    add_never_cache_headers(response)
    return response


@permission_required("credentials.view_access")
@reauthentication_required(allow_get=True)
def reveal(request, pk):
    """The credentials, with the authenticator's current code instead of its secret (R-III-E)."""
    return _reveal(request, pk, authenticator_secret=False)


@permission_required("credentials.view_access")
@reauthentication_required(allow_get=True)
def reveal_authenticator_secret(request, pk):
    """The authenticator secret alone (to set up a new phone): a reveal of its own, with its
    own reason and record (R-III-E)."""
    return _reveal(request, pk, authenticator_secret=True)


def _reveal(request, pk, *, authenticator_secret):
    account = get_for_user_or_404(request.user, "credentials.reveal", selectors.revealable_for(request.user), pk=pk)
    used = second_factor_used(request)
    missing = services.needs_second_factor(request.user, account) and not used
    enrolled = missing and is_mfa_enabled(request.user)
    if enrolled and request.method == "GET":
        return ask_for_the_code(request, "Revealing credentials you do not manage needs two-factor sign-in in this "
                                         "session: enter the code from your authenticator app.")
    form = RevealForm(request.POST or None)
    number = _version_number(request)
    revealed = None
    if form.is_bound and form.is_valid():
        try:
            revealed = services.reveal(actor=request.user, account=account, second_factor_used=used,
                                       version_number=number, authenticator_secret=authenticator_secret,
                                       **form.cleaned_data)
        except services.EscrowError as error:
            form.add_refusal(error)
    response = render(request, "credentials/reveal.html", _context(
        account=account, form=form, revealed=revealed, version_number=number, needs_second_factor=missing,
        enrolled=enrolled, authenticator_secret=authenticator_secret,
    ))
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response


def _version_number(request) -> int | None:
    """A replaced version the superintendent's office asks for (``?version=N``)."""
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() else None


@permission_required("credentials.view_access")
def history(request, pk):
    account = get_for_user_or_404(request.user, "credentials.view_history", accounts_for(request.user), pk=pk)
    page = event_page(selectors.history_for(account), request.GET, PAGE_SIZE)
    office = has_perm(request.user, "credentials.grant_access", account)
    return render(request, "credentials/history.html", _context(
        account=account, page=page, office=office,
        versions=selectors.versions_of(account) if office else [],
    ))


@permission_required("credentials.view_access")
def grants(request, pk):
    """The superintendent's office lends reveal access to a named employee for a while."""
    account = get_for_user_or_404(request.user, "credentials.grant_access", accounts_for(request.user), pk=pk)

    def lend(data):
        ends_at = timezone.make_aware(timezone.datetime.combine(data["until"], timezone.datetime.max.time()))
        return services.grant_access(actor=request.user, account=account, grantee=data["grantee"], ends_at=ends_at,
                                     reason=data["reason"])

    return act(request, GrantForm(request.POST or None), lend,
               success=lambda grant: f"{grant.grantee.full_name} may reveal these credentials until "
                                     f"{timezone.localtime(grant.ends_at):%B %-d, %Y}.",
               then=reverse("credentials:grants", args=[account.pk]),
               page=lambda form: render(request, "credentials/grants.html", _context(
                   account=account, form=form, now=timezone.now(), grants=selectors.grants_of(account))))


@require_POST
@permission_required("credentials.view_access")
def revoke_grant(request, pk, grant_pk):
    account = get_for_user_or_404(request.user, "credentials.grant_access", accounts_for(request.user), pk=pk)
    grant = get_object_or_404(account.access_grants, pk=grant_pk)
    try:
        services.revoke_grant(actor=request.user, grant=grant)
    except services.EscrowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{grant.grantee.full_name}'s access has ended.")
    return redirect("credentials:grants", account.pk)


@permission_required("credentials.audit_access")
def reveals(request):
    """Who revealed what, across people: "what did this person reveal since this date",
    the question asked at offboarding. ``?format=csv`` downloads the same rows."""
    form = HistoryFilterForm(request.GET or None)

    def matching(events):
        if form.is_valid():
            if form.cleaned_data["person"]:
                events = events.filter(actor__in=User.objects.filter(email__iexact=form.cleaned_data["person"]))
            if form.cleaned_data["since"]:
                events = events.filter(at__date__gte=form.cleaned_data["since"])
        return events

    if request.GET.get("format") == "csv":
        events = matching(selectors.reveals_visible_to(request.user))
        rows = ((e.at.isoformat(), e.actor_label, e.target_label, e.org_unit.name if e.org_unit else "",
                 (e.after or {}).get("reason_kind", ""), e.reason) for e in events.iterator(chunk_size=2000))
        return csv_response("credential-reveals.csv", ["at", "who", "account", "unit", "why", "words"], rows)
    page = event_page([matching(selectors.reveals_visible_to(request.user, verb)) for verb in selectors.REVEAL_VERBS],
                      request.GET, PAGE_SIZE)
    person = form.cleaned_data["person"] if form.is_valid() else ""
    return render(request, "credentials/reveals.html", _context(
        form=form, page=page, person=person, query=urlencode({"person": person, "since": request.GET.get("since", "")}),
        can_hand_over=bool(person) and has_perm(request.user, "accounts.view_person")))


@permission_required("credentials.audit_access")
def rotate_revealed(request):
    """A leaver or a breach (R-III-E): every account the person in the query revealed
    (since its date) made due for rotation at once. The GET lists them and asks why; the
    POST, sent from that page, does it (``services.rotate_all``)."""
    filters = HistoryFilterForm(request.GET or None)
    if not (filters.is_valid() and filters.cleaned_data["person"]):
        messages.error(request, "Choose the person whose reveals to act on first.")
        return redirect("credentials:reveals")
    person, since = filters.cleaned_data["person"], filters.cleaned_data["since"]
    accounts = selectors.revealed_by(request.user, person, since)
    back = f"{reverse('credentials:reveals')}?{request.GET.urlencode()}"
    return act(request, RotateAllForm(request.POST or None),
               lambda data: services.rotate_all(actor=request.user, accounts=accounts, reason=data["reason"]),
               success=lambda changed: f"{len(changed)} account{'s' if len(changed) != 1 else ''} now due for "
                                       "rotation; each site manager is told.",
               then=back,
               page=lambda form: render(request, "credentials/rotate_revealed.html", _context(
                   form=form, accounts=list(accounts), person=person, since=since, back=back)))
