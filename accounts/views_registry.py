"""The registry's staff pages: the whole registry, my accounts, an account and its actions."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import strip_tags
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audits.pages import event_page
from audits.selectors import events_for
from credentials.services import current_version
from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act
from mps_social.exports import csv_response
from mps_social.permissions import has_perm

from . import registry_counts, selectors, services
from .filters import RegistryFilter
from .forms import (BackupForm, CompromisedForm, EditAccountForm, EstablishForm, HandOverAllForm, HandOverForm,
                    RecoveredForm, ReviewForm, StatusForm)
from .models import LISTING_ORDER, OfficialAccount

PER_PAGE = 50
TIMELINE_ON_ACCOUNT = 10
TIMELINE_PAGE = 50
# What a timeline item shows (``accounts/_timeline.html``): not who did it as a user (a join), nor
# the values before and after (JSON, decoded row by row), nor the chain's hashes.
TIMELINE_FIELDS = ("sequence", "at", "verb", "actor_label", "reason")


def _filtered(request, queryset) -> RegistryFilter:
    """The registry's filters (``filters.RegistryFilter``) over ``queryset``, in the lists' order."""
    return RegistryFilter(request.GET or None, queryset=queryset.order_by(*LISTING_ORDER))


@permission_required("accounts.view_registry")
def registry(request):
    """R-III-E: the accounts the user may see, filtered and paged; the page links keep
    the filters (``includes/pagination.html``)."""
    filters = _filtered(request, selectors.visible_accounts(request.user))
    chosen = filters.chosen()
    paginator = Paginator(filters.qs, PER_PAGE)
    if "q" not in chosen:  # a search counts what it finds; the rest is kept (``registry_counts``)
        paginator.count = registry_counts.visible_count(request.user, status=chosen.get("status", ""),
                                                        platform=chosen.get("platform"))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.annotate_page(page.object_list, selectors.with_keepers(OfficialAccount.objects.all()))
    return render(request, "accounts/registry.html", {
        "form": filters.form, "page": page,
        "can_establish": has_perm(request.user, "accounts.establish_directly"),
    })


@permission_required("accounts.establish_directly")
def establish(request):
    """R-III-B: the superintendent's office establishes an account without an application,
    under the same rules, recorded as a direct establishment."""
    return act(request, EstablishForm(request.POST or None, org_units=selectors.units_to_establish_for(request.user)),
               lambda data: services.establish_account(actor=request.user, origin=OfficialAccount.Origin.DIRECT,
                                                       **data),
               success=lambda account: f"{account.display_name} is established, pending setup until its site "
                                       "manager escrows its credentials.",
               then=lambda account: account,
               page=lambda form: render(request, "accounts/establish.html", {"form": form}))


@permission_required("accounts.export_registry")
def export(request):
    queryset = _filtered(request, selectors.accounts_for(request.user)).qs
    rows = (
        (a.display_name, a.platform.name, a.handle, a.url, a.org_unit.name, a.get_status_display(),
         a.official_since or "", a.current_site_manager_name or "", a.next_review_due or "",
         "yes" if a.rotation_due else "no")
        for a in queryset.iterator(chunk_size=2000)
    )
    header = ["name", "platform", "handle", "url", "org unit", "status", "official since", "site manager",
              "next review due", "rotation due"]
    return csv_response("official-accounts.csv", header, rows)


@permission_required("accounts.view_my_accounts")
def mine(request):
    accounts = selectors.my_accounts(request.user).order_by("display_name")
    return render(request, "accounts/mine.html", {"accounts": accounts})


def _account(request, pk, queryset=None):
    """The account ``pk`` from ``queryset`` (``accounts_for``: with its keepers), 404 unless
    the user may see it."""
    queryset = selectors.accounts_for(request.user) if queryset is None else queryset
    return get_for_user_or_404(request.user, "accounts.view_account", queryset, pk=pk)


@permission_required("accounts.view_my_accounts")
def account(request, pk):
    """An account's page: its details, keepers, history and latest events, and what the
    user may do with it. Its keepers are read off the history it shows
    (``selectors.history``). Each form has ids of its own: both have a ``reason``, and a
    label names one field (WCAG 2.1 1.3.1, 4.1.1)."""
    account = _account(request, pk, selectors.visible_accounts(request.user))
    designations = selectors.history(account)
    events = list(_timeline_of(account).order_by("-sequence")[:TIMELINE_ON_ACCOUNT + 1])
    can = {
        name: has_perm(request.user, f"accounts.{name}", account)
        for name in ("manage_lifecycle", "edit_account", "mark_compromised", "hand_over", "set_backup", "review")
    } | {"registry": has_perm(request.user, "accounts.view_registry")} | {
        f"credentials_{name}": has_perm(request.user, f"credentials.{name}", account)
        for name in ("escrow", "reveal", "view_history")
    }
    context = {
        "account": account,
        "designations": designations,
        # The latest few; the whole timeline has a page of its own (``timeline``).
        "events": events[:TIMELINE_ON_ACCOUNT],
        "more_events": len(events) > TIMELINE_ON_ACCOUNT,
        "can": can,
        "former_handles": list(account.former_handles.all()),
    }
    # What the page shows only to those who may act on it is built only for them.
    if can["credentials_escrow"] or can["credentials_reveal"] or can["credentials_view_history"]:
        context["credentials"] = current_version(account)
    if can["credentials_escrow"] and (context["credentials"] is None or account.rotation_due):
        # The site manager's next step, at the top of the page (R-III-E, issue #22).
        context["next_step"] = "escrow" if context["credentials"] is None else "rotate"
    if can["manage_lifecycle"] and account.status != OfficialAccount.Status.RETIRED:
        context["status_form"] = StatusForm(auto_id="status_%s")
    if can["mark_compromised"] and account.status != OfficialAccount.Status.RETIRED:
        context["compromise_form"] = (RecoveredForm(auto_id="recovered_%s") if account.is_compromised
                                      else CompromisedForm(auto_id="compromised_%s"))
    if can["set_backup"]:
        context["backup_form"] = BackupForm(auto_id="backup_%s")
    return render(request, "accounts/account.html", context)


def _timeline_of(account):
    """The events of ``account`` with what its timeline shows (``TIMELINE_FIELDS``)."""
    return events_for(account).select_related(None).only(*TIMELINE_FIELDS)


@permission_required("accounts.view_my_accounts")
def timeline(request, pk):
    """Everyone who may see an account sees all it went through, a page at a time."""
    account = _account(request, pk)
    page = event_page(_timeline_of(account), request.GET, TIMELINE_PAGE)
    return render(request, "accounts/timeline.html", {"account": account, "page": page, "events": page.object_list})


def _act(request, pk, perm, form_class, action, success):
    """One action on an account (``mps_social.actions.act``) by someone who may see it
    (``_account``: otherwise 404); someone who may see it but not take this action gets 403."""
    account = _account(request, pk)
    if not has_perm(request.user, perm, account):
        raise PermissionDenied
    return act(request, form_class(request.POST if request.method == "POST" else None),
               lambda data: action(account, data), success=success, then=account,
               page=lambda form: render(request, "accounts/account_action.html",
                                        {"account": account, "form": form, "perm": perm}))


@permission_required("accounts.view_my_accounts")
def change_status(request, pk):
    return _act(request, pk, "accounts.manage_lifecycle", StatusForm,
                lambda account, data: services.change_status(actor=request.user, account=account, **data),
                "The account's status has changed.")


@permission_required("accounts.view_my_accounts")
def edit(request, pk):
    """The superintendent's office changes an account's name, handle, address or unit
    (``services.edit_account``); the form starts from the account as it is."""
    account = _account(request, pk)
    if not has_perm(request.user, "accounts.edit_account", account):
        raise PermissionDenied
    form = EditAccountForm(request.POST if request.method == "POST" else None, account=account,
                           org_units=selectors.units_to_establish_for(request.user))
    return act(request, form, lambda data: services.edit_account(actor=request.user, account=account, **data),
               success=lambda edited: f"Saved: its {edited.described} changed." if edited.changes
               else "Nothing changed: the account already had these details.",
               then=account,
               page=lambda form: render(request, "accounts/account_action.html",
                                        {"account": account, "form": form, "perm": "accounts.edit_account"}))


@permission_required("accounts.view_my_accounts")
def mark_compromised(request, pk):
    """Policy 4038 §III.E: the office marks an account hacked or lost, with what happened."""
    return _act(request, pk, "accounts.mark_compromised", CompromisedForm,
                lambda account, data: services.mark_compromised(actor=request.user, account=account, **data),
                "The account is marked compromised: the public pages warn families, its credentials are due "
                "for rotation, and its keepers and the office are told.")


@permission_required("accounts.view_my_accounts")
def mark_recovered(request, pk):
    """Policy 4038 §III.E: the office records that the district has the account back."""
    return _act(request, pk, "accounts.mark_compromised", RecoveredForm,
                lambda account, data: services.mark_recovered(actor=request.user, account=account, **data),
                "The account is recovered: the public warning has ended.")


@permission_required("accounts.view_my_accounts")
def hand_over(request, pk):
    return _act(request, pk, "accounts.hand_over", HandOverForm,
                lambda account, data: services.hand_over(actor=request.user, account=account, **data),
                "The account has a new site manager; its credentials are due for rotation.")


@require_POST
@permission_required("accounts.view_my_accounts")
def set_backup(request, pk):
    return _act(request, pk, "accounts.set_backup", BackupForm,
                lambda account, data: services.set_backup(actor=request.user, account=account, **data),
                "The backup is updated.")


@permission_required("accounts.view_my_accounts")
def review(request, pk):
    return _act(request, pk, "accounts.review", ReviewForm,
                lambda account, data: services.record_review(actor=request.user, account=account, **data),
                "Thank you: the annual review is recorded.")



@permission_required("accounts.view_person")
def people(request):
    """The person page of the staff member whose email is ``?person=`` (the link from "who
    revealed what"); 404 beyond the office's reach."""
    subject = get_for_user_or_404(request.user, "accounts.view_person", selectors.people_in_reach(request.user),
                                  email__iexact=request.GET.get("person", ""))
    return redirect("accounts:person", subject.pk)


def _person_page(request, subject, form, status=200):
    return render(request, "accounts/person.html", {
        "subject": subject, "form": form, "accounts": list(selectors.kept_by(request.user, subject)),
    }, status=status)


@permission_required("accounts.view_person")
def person(request, pk):
    """A person as the superintendent's office sees them: the accounts they keep in its
    reach, and the one action for a leaver, handing all they manage to a successor."""
    subject = get_for_user_or_404(request.user, "accounts.view_person", selectors.people_in_reach(request.user), pk=pk)
    return _person_page(request, subject, HandOverAllForm())


@require_POST
@permission_required("accounts.view_person")
def hand_over_all(request, pk):
    """R-III-E: one confirmation, then every account ``pk`` manages goes to the successor
    (``services.hand_over_all``). The first post lists each account with whether the
    successor may take it (``services.hand_over_problems``); the second, with
    ``confirm``, hands over the eligible ones and names the others with the reason."""
    subject = get_for_user_or_404(request.user, "accounts.view_person", selectors.people_in_reach(request.user), pk=pk)
    form = HandOverAllForm(request.POST)
    accounts = [account for account in selectors.kept_by(request.user, subject)
                if account.current_site_manager_id == subject.pk]
    if form.is_valid() and request.POST.get("confirm") != "yes":
        rows = services.hand_over_problems(actor=request.user, accounts=accounts,
                                           successor=form.cleaned_data["successor"])
        eligible = sum(1 for _, problem in rows if not problem)
        return render(request, "accounts/hand_over_all.html",
                      {"subject": subject, "form": form, "rows": rows, "eligible": eligible})

    def done(result):
        refused = "; ".join(f"{account.display_name}: {strip_tags(message)}" for account, message in result.refused)
        return (f"{len(result.done)} account{'s' if len(result.done) != 1 else ''} handed over; their credentials "
                f"are due for rotation." + (f" Not handed over: {refused}" if refused else ""))

    return act(request, form,
               lambda data: services.hand_over_all(actor=request.user, person=subject, accounts=accounts, **data),
               success=done, then=reverse("accounts:person", args=[subject.pk]),
               page=lambda form: _person_page(request, subject, form))
