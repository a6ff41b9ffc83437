"""Is this account official? (Policy 4038 §III.A, R-III-A): anyone can paste a profile
address or type an @handle and learn whether it speaks for the district, and whether it
uses a name the district protects.

Decisions:

- Verify answers "official" only for an *active* account. Pending setup and suspended
  accounts do not speak for the district: the JSON says "unknown" with no account details,
  exactly like an account the registry has never heard of, and the page says "not currently
  an official account". A retired account is named with its unit and last day, so a visitor
  knows it no longer speaks for the district.
- The protected names an unknown account uses are found by the rules every intake applies
  (``rules.protected_names_in``): what an application or a direct establishment would be
  told about a handle, the public is told too.
- Accounts on password-protected platforms (Policy 4038 §II.B) are not public: verify
  answers as if it had never heard of them (``OfficialAccount.on_public_platforms``).
- Every answer ends with a next step (``next_steps``): report an impersonator, raise a
  concern about an official account, or see the school's other accounts. A compromised
  official account is named with the warning not to trust it (Policy 4038 §III.E).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from mps_social.access import permission_required
from mps_social.forms import PortalForm

from . import directory_cache, rules
from .models import FormerHandle, OfficialAccount, Platform
from .normalize import normalize
from .page_cache import public_page
from .views_feed import FEED_MAX_AGE, account_data, cors

Status = OfficialAccount.Status

MAX_QUERY = 1000  # longer than any profile address, even one with tracking queries
REPORT_PATH = "/report/"  # the concern report page (Policy 4038 §III.A, §IV.B)
# The report form's kinds (``concerns.models.ConcernReport.Kind``), prefilled by ``?kind=``.
REPORT_IMPERSONATION, REPORT_CONTENT, REPORT_OTHER = "impersonation", "inappropriate_content", "other"


class VerifyForm(PortalForm):
    q = forms.CharField(
        label=gettext_lazy("Profile address or @handle"), required=False, strip=False,
        help_text=gettext_lazy(
            "Paste the address from your browser (https://www.instagram.com/…) or type the handle (@name)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_q(self):
        text = (self.cleaned_data.get("q") or "").strip()
        if not text:
            raise forms.ValidationError(_("Enter a profile address or an @handle to check."))
        if len(text) > MAX_QUERY:
            raise forms.ValidationError(
                _("That is %(length)s characters, too long for a profile address. "
                  "Paste only the address (at most %(limit)s characters).")
                % {"length": f"{len(text):,}", "limit": f"{MAX_QUERY:,}"}
            )
        found = normalize(text, self.platforms)
        if found is None:
            raise forms.ValidationError(_(
                "We could not read that as an account. Paste the profile's address, for example "
                "https://www.instagram.com/name/, or type its handle, for example @name. "
                "A link to a single post or video does not name its account."
            ))
        self.normalized = found
        return text

    def __init__(self, *args, platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.platforms = platforms
        self.normalized = None


@dataclass
class Match:
    status: str  # "official", "retired" or "not_current" (pending setup or suspended)
    account: OfficialAccount
    formerly: str = ""  # the handle asked about, when the account has changed it since

    @property
    def public_status(self) -> str:
        return "unknown" if self.status == "not_current" else self.status

    @property
    def retired_on(self):
        changed = self.account.status_changed_at
        return timezone.localdate(changed) if changed else None

    def as_json(self):
        if self.status == "not_current":
            return None
        data = account_data(self.account)
        data["official_until"] = self.retired_on.isoformat() if self.status == "retired" and self.retired_on else None
        data["formerly"] = self.formerly or None
        return data


RANK = {"official": 0, "retired": 1, "not_current": 2}


def _status_of(account) -> str:
    if account.status == Status.ACTIVE:
        return "official"
    if account.status == Status.RETIRED:
        return "retired"
    return "not_current"


def find_matches(found, platforms) -> list[Match]:
    """R-III-A: the registry's accounts for a normalised address, best first.

    One platform: its live account with that key, else its newest retired one. A bare
    @handle: the same for every platform, each platform reading the handle by its own
    rules (Facebook ignores periods, LinkedIn pages are "company:…"), plus the plain key.
    A platform where no account has that handle now answers with the account that had it
    before (``FormerHandle``, the newest): "formerly @old, now @new", so an old link still
    says whose it was.
    Only accounts on public platforms are answered for (Policy 4038 §II.B).
    """
    if found.platform_slug:
        candidates = OfficialAccount.objects.filter(platform__slug=found.platform_slug, handle_key=found.key)
        formers = FormerHandle.objects.filter(platform__slug=found.platform_slug, handle_key=found.key)
        wanted = None
    else:
        # Every key the handle may have, in one indexed IN on handle_key (an OR of
        # (platform, key) pairs made SQLite scan the registry); which platform each key
        # belongs to is checked below, on the few rows that come back.
        wanted = {(None, found.key)}
        for platform in platforms:
            own = normalize(found.handle, platform=platform)
            if own is not None:
                wanted.add((platform.pk, own.key))
        candidates = OfficialAccount.objects.filter(handle_key__in={key for _, key in wanted})
        formers = FormerHandle.objects.filter(handle_key__in={key for _, key in wanted})
    candidates = (candidates.on_public_platforms().select_related("platform", "org_unit")
                  .order_by("-established_at", "-pk"))
    best = {}
    for account in candidates:  # newest first; a live account beats a retired one
        if wanted is not None and not ({(None, account.handle_key), (account.platform_id, account.handle_key)}
                                       & wanted):
            continue
        current = best.get(account.platform_id)
        if current is None or (current.status == Status.RETIRED and account.status != Status.RETIRED):
            best[account.platform_id] = account
    matches = [Match(_status_of(account), account) for account in best.values()]
    formers = (formers.filter(account__platform__district_protected=False)  # public platforms only (§II.B)
               .select_related("account__platform", "account__org_unit").order_by("-until", "-pk"))
    for former in formers:  # newest first
        account = former.account
        if wanted is not None and not ({(None, former.handle_key), (former.platform_id, former.handle_key)} & wanted):
            continue
        if former.platform_id not in best:
            best[former.platform_id] = account
            matches.append(Match(_status_of(account), account, formerly=former.handle))
    return sorted(matches, key=lambda match: (RANK[match.status], match.account.platform.name))


def report_url(kind: str, link: str) -> str:
    """The report form, with its kind chosen and the account's address or handle filled in."""
    return f"{REPORT_PATH}?{urlencode({'kind': kind, 'link': link})}"


def report_kind(matches) -> str:
    """What a visitor would report about the answer's first account: a concern about an
    official account's content, or, for anything that is not official, an impersonation."""
    best = matches[0].status if matches else None
    if best == "official":
        return REPORT_CONTENT
    return REPORT_OTHER if best == "not_current" else REPORT_IMPERSONATION


def _verify_json(query, matches, protected, error=None):
    if error:
        return cors(JsonResponse({"query": query, "status": None, "account": None, "error": error}, status=400))
    shown = [match for match in matches if match.status != "not_current"]
    status = shown[0].public_status if shown else "unknown"
    payload = {
        "query": query,
        "status": status,
        "account": shown[0].as_json() if shown else None,
        "matches": [{"status": match.public_status, "account": match.as_json()} for match in shown],
        "protected_names": [{"name": match.name.name, "owner": match.owner.name} for match in protected],
        "report_url": report_url(report_kind(shown), query.strip()),
    }
    return cors(JsonResponse(payload))


@permission_required("accounts.view_directory")
@require_safe
@public_page
def verify(request):
    """R-III-A: is this account official? Paste a profile address or type an @handle.

    Bad input (empty, unreadable, far too long) is a message beside the field, never an
    error page; ``&format=json`` gives the same answer as data. An account the registry
    does not hold as official or retired is checked for the protected names it uses
    (``rules.protected_names_in``, as at intake), and the page invites a report.
    """
    wants_json = request.GET.get("format") == "json"
    submitted = "q" in request.GET
    # Every platform reads the handle by its own rules: from the directory's cache, as its filters' are.
    platforms = directory_cache.cached("platforms:all", lambda: list(Platform.objects.all()), FEED_MAX_AGE)
    form = VerifyForm(request.GET if submitted else None, platforms=platforms)
    matches, protected, answered = [], [], False
    if submitted and form.is_valid():
        answered = True
        matches = find_matches(form.normalized, platforms)
        if not any(match.status in ("official", "retired") for match in matches):
            protected = rules.protected_names_in(form.normalized.handle)
    query = request.GET.get("q", "")
    if wants_json:
        error = None if answered else (form.errors.get("q") or [_("Enter a profile address or an @handle to check.")])[0]
        return _verify_json(query[:MAX_QUERY], matches, protected, error)
    context = {
        "form": form,
        "answered": answered,
        "matches": matches,
        "normalized": form.normalized,
        "platform_name": next(
            (platform.name for platform in platforms
             if form.normalized is not None and platform.slug == form.normalized.platform_slug), ""),
        "protected": protected,
        "report_url": report_url(report_kind(matches), query.strip()) if answered else "",
        "impersonation_url": report_url(REPORT_IMPERSONATION, query.strip()) if answered else "",
        "json_url": f"{reverse('verify')}?{urlencode({'q': query.strip(), 'format': 'json'})}" if answered else "",
    }
    return render(request, "accounts/verify.html", context)
