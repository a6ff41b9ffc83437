"""The inbox's pages: each person's own messages, and how they want them mailed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act

from . import inbox as actions
from . import kinds, selectors
from .forms import DeliveryForm, MarkAllReadForm, MarkReadForm

PER_PAGE = 25


@permission_required("notifications.view_inbox")
def inbox(request):
    unread_first = request.GET.get("order") == "unread"
    entries = selectors.inbox_for(request.user, unread_first=unread_first)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_first": unread_first, "newest": selectors.newest_pk(request.user)})


@require_POST
@permission_required("notifications.view_inbox")
def mark_read(request, pk):
    """Mark one message read; with ``then=open``, go on to the page it is about."""
    entry = get_for_user_or_404(request.user, "notifications.view_entry", selectors.inbox_for(request.user), pk=pk)
    form = MarkReadForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    actions.mark_read(person=request.user, entry=entry)
    if data.get("then") == "open" and url_has_allowed_host_and_scheme(entry.link, allowed_hosts=None):
        return redirect(entry.link)
    messages.success(request, f"“{entry.subject}” is marked as read.")
    return redirect(_inbox_page(request, data.get("page")))


@require_POST
@permission_required("notifications.view_inbox")
def mark_all_read(request):
    form = MarkAllReadForm(request.POST)
    count = actions.mark_all_read(person=request.user, up_to=form.cleaned_data["up_to"] if form.is_valid() else None)
    messages.success(request, f"{count} message{'s' if count != 1 else ''} marked as read." if count
                     else "Every message was already read.")
    return redirect("notifications:inbox")


@permission_required("notifications.view_inbox")
def delivery(request):
    form = DeliveryForm(request.POST or None, choices=selectors.choices_of(request.user))
    return act(request, form, lambda data: actions.choose_delivery(person=request.user, choices=data),
               success="Your choices are saved. They apply to the messages from now on.",
               then="notifications:settings",
               page=lambda form: render(request, "notifications/settings.html",
                                        {"form": form, "mandatory": kinds.MANDATORY}))


def _inbox_page(request, number) -> str:
    url = reverse("notifications:inbox")
    return f"{url}?page={number}" if number and number > 1 else url
