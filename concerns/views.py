"""Concern pages (R-IV-B, Policy 4038 §IV.B): the public report form, the triage desk,
and the reports a unit's head or an account's site manager follows.

Access follows ``mps_social.access``: the report pages are public; the triage pages need
``concerns.triage`` (anonymous → sign in, signed in without it → 403), and a report
outside the user's triage scope is 404 exactly like one that does not exist. A report's
page opens to its triagers and to its followers (``concerns.read``, then
``concerns.read_report``); a follower who may not triage it reads it without the forms,
the notes or the reporter's name and address. The followed list needs ``concerns.follow``.
"""

import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.actions import act
from mps_social.permissions import has_perm
from mps_social.request_context import client_ip

from . import selectors, services
from .forms import AssignForm, NoteForm, QueueFilterForm, ReportForm, ResolveForm
from .models import ConcernReport, clean_reference

# At most this many reports from one address in any window (a sliding window).
RATE_LIMIT = 5
RATE_WINDOW = 10 * 60
SESSION_KEY = "concern_reference"


def _rate_key(request) -> str:
    return f"concerns:report-rate:{client_ip(request) or 'unknown'}"


def take_report_slot(request) -> int:
    """Count one report against the sender's address. Returns 0 when allowed, otherwise
    the seconds until the oldest report in the window leaves it. The cache is shared by
    every web process (file cache or Redis, see settings)."""
    key, now = _rate_key(request), time.time()
    recent = [stamp for stamp in cache.get(key, []) if now - stamp < RATE_WINDOW]
    if len(recent) >= RATE_LIMIT:
        return max(1, int(RATE_WINDOW - (now - min(recent))))
    cache.set(key, [*recent, now], RATE_WINDOW)
    return 0


@permission_required("concerns.report")
def report(request):
    """Anyone reports a concern; ``?link=`` prefills the link and ``?kind=`` chooses what is
    reported (from "is this official?", R-III-A); an unknown kind chooses nothing. The page
    is in the visitor's language, and so is the mail they get (issue #23)."""
    initial = {"link": request.GET.get("link", "")[: services.MAX_LINK]}
    if request.GET.get("kind") in ConcernReport.Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.user.is_authenticated:
        initial["reporter_email"] = request.user.email
    form = ReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid() and (wait := take_report_slot(request)):
        minutes = (wait + 59) // 60
        form.add_error(None, ngettext(
            "You have sent %(limit)d reports in the last %(window)d minutes, the most we accept from one "
            "connection. Please try again in %(minutes)d minute; what you typed is still here.",
            "You have sent %(limit)d reports in the last %(window)d minutes, the most we accept from one "
            "connection. Please try again in %(minutes)d minutes; what you typed is still here.",
            minutes,
        ) % {"limit": RATE_LIMIT, "window": RATE_WINDOW // 60, "minutes": minutes})
        return render(request, "concerns/report.html", {"form": form}, status=429)

    def send(data):
        sent = services.submit_report(
            kind=data["kind"],
            link=data["link"],
            description=data["description"],
            reporter_email=data["reporter_email"],
            reporter=request.user if request.user.is_authenticated else None,
            language=get_language(),
        )
        # The reference is the reporter's only handle on the report: kept in their
        # session for the next page (a reload still shows it), never in the URL.
        request.session[SESSION_KEY] = sent.reference

    return act(request, form, send, then="concerns:report_sent",
               page=lambda form: render(request, "concerns/report.html", {"form": form}))


@permission_required("concerns.report")
def report_sent(request):
    return render(request, "concerns/report_sent.html", {"reference": request.session.get(SESSION_KEY)})


@permission_required("concerns.triage")
def queue(request):
    """The triage queue: reports in the user's scope, filtered, paginated, counted."""
    reports = selectors.reports_for(request.user)
    counts = selectors.status_counts(reports)
    form = QueueFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "open"
    if status == "open":
        reports = reports.exclude(status=ConcernReport.Status.RESOLVED)
    elif status != "all":
        reports = reports.filter(status=status)
    if data.get("kind"):
        reports = reports.filter(kind=data["kind"])
    if data.get("mine"):
        reports = reports.filter(assignee=request.user)
    if query := (data.get("q") or "").strip():
        reference = clean_reference(query)
        reports = reports.filter(Q(reference=reference) if reference else Q(link__icontains=query))
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "concerns/queue.html", {
        "page": page,
        "form": form,
        "status": status,
        "counts": counts,
        "open_count": counts[ConcernReport.Status.NEW] + counts[ConcernReport.Status.IN_REVIEW],
    })


def _report(request, reference) -> ConcernReport:
    return get_for_user_or_404(
        request.user, "concerns.triage_report", selectors.reports_for(request.user),
        reference=clean_reference(reference) or reference,
    )


def _detail(request, report, *, assign_form=None, note_form=None, resolve_form=None):
    """The report page; a bound form that failed comes back with its errors beside its
    fields and in the error summary on top, and what was typed."""
    return render(request, "concerns/detail.html", {
        "report": report,
        "timeline": selectors.timeline(report),
        "assign_form": assign_form or AssignForm(report=report, user=request.user),
        "note_form": note_form or NoteForm(),
        "resolve_form": resolve_form or ResolveForm(),
    })


@permission_required("concerns.read")
def detail(request, reference):
    """The triage page for its triagers; the read-only page for its followers (R-IV-B).
    Whoever keeps the reported account reads it as a follower and never triages it."""
    report = get_for_user_or_404(request.user, "concerns.read_report", selectors.readable_by(request.user),
                                 reference=clean_reference(reference) or reference)
    if has_perm(request.user, "concerns.triage_report", report):
        return _detail(request, report)
    return render(request, "concerns/followed_detail.html", {"report": report})


@permission_required("concerns.follow")
def followed(request):
    """The reports about the accounts and names of the units the user heads, and about
    the accounts they are site manager of, newest first, paginated (R-IV-B)."""
    page = Paginator(selectors.followed_by(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "concerns/followed.html", {
        "page": page, "heads": bool(selectors.headed_paths(request.user)),
    })


@require_POST
@permission_required("concerns.triage")
def assign(request, reference):
    report = _report(request, reference)
    return act(request, AssignForm(request.POST, report=report, user=request.user),
               lambda data: services.assign(actor=request.user, report=report, assignee=data["assignee"]),
               success=lambda report: f"{report.reference} is now assigned to {_who(request, report.assignee)}.",
               then=lambda report: report, page=lambda form: _detail(request, report, assign_form=form))


def _who(request, person) -> str:
    return "you" if person.pk == request.user.pk else person.full_name


@require_POST
@permission_required("concerns.triage")
def add_note(request, reference):
    report = _report(request, reference)
    return act(request, NoteForm(request.POST),
               lambda data: services.add_note(actor=request.user, report=report, body=data["body"]),
               success="Your note is added.", then=report, page=lambda form: _detail(request, report, note_form=form))


@require_POST
@permission_required("concerns.triage")
def resolve(request, reference):
    report = _report(request, reference)
    return act(request, ResolveForm(request.POST),
               lambda data: services.resolve(actor=request.user, report=report, outcome=data["outcome"],
                                             resolution=data["resolution"]),
               success=lambda report: f"{report.reference} is resolved: {report.get_outcome_display().lower()}.",
               then=lambda report: report, page=lambda form: _detail(request, report, resolve_form=form))
