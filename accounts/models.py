"""The catalogue (platforms, protected names) and the registry of official accounts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy


def validate_hosts(value):
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValidationError("Enter a list of host names, e.g. [\"instagram.com\"].")
    for host in value:
        if "/" in host or " " in host or host != host.lower():
            raise ValidationError(f"{host!r} is not a bare lower-case host name.")


class Platform(models.Model):
    """Where an account can live.

    R-DEF-A: each platform is of a kind named in §II.A. R-DEF-B: some are district-approved
    and password-protected (§II.B), the ones §III.D steers classes and activities to.
    ``hosts`` and ``profile_url_template`` are what handles and profile URLs are
    normalised with (the registry's "is this account official?").
    """

    class Kind(models.TextChoices):
        WEBSITE = "website", "Website"
        BLOG = "blog", "Web log (blog)"
        WIKI = "wiki", "Wiki"
        SOCIAL_NETWORK = "social_network", "Social network"
        FORUM = "forum", "Online forum"
        VIRTUAL_WORLD = "virtual_world", "Virtual world"
        OTHER = "other", "Other public interactive medium"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    district_protected = models.BooleanField(
        "district-approved, password-protected",
        default=False,
        help_text="Policy 4038 §II.B: inside the district's network or approved by the superintendent for "
        "educational use; not open to the public.",
    )
    minimum_age = models.PositiveSmallIntegerField(
        default=13,
        help_text="The youngest user the platform's own terms admit (COPPA sets 13 for most). 0 for none.",
    )
    rules_url = models.URLField(
        "community rules", blank=True, help_text="The platform's community or civil-discourse rules (§III.H)."
    )
    hosts = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_hosts],
        help_text='Host names of its profile URLs, without "www.", e.g. ["x.com", "twitter.com"].',
    )
    profile_url_template = models.CharField(
        max_length=200,
        blank=True,
        help_text="A profile's canonical address with {handle} in it, e.g. https://www.instagram.com/{handle}/",
    )
    is_active = models.BooleanField(default=True, help_text="Offered for new applications.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.profile_url_template and "{handle}" not in self.profile_url_template:
            raise ValidationError({"profile_url_template": "The template needs {handle} where the handle goes."})
        if not self.slug:
            self.slug = slugify(self.name)[:50]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:50]
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return not self.district_protected


class ProtectedName(models.Model):
    """A name only its owning org unit's approved accounts may use (Policy 4038 §III.A):
    the district's own, its schools', departments', mascots' and teams'."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "District name"
        SCHOOL = "school", "School name"
        DEPARTMENT = "department", "Department name"
        PROGRAM = "program", "Program or activity"
        MASCOT = "mascot", "Mascot"
        TEAM = "team", "Team name"
        ABBREVIATION = "abbreviation", "Abbreviation"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey("people.OrgUnit", on_delete=models.PROTECT, related_name="protected_names")
    notes = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "owner"], name="protectedname_unique_per_owner")]

    def __str__(self):
        return f"{self.name} ({self.owner})"


class OfficialAccountQuerySet(models.QuerySet):
    def live(self):
        """Accounts that still speak for the district, or are about to: not retired."""
        return self.exclude(status=OfficialAccount.Status.RETIRED)

    def active(self):
        return self.filter(status=OfficialAccount.Status.ACTIVE)

    def on_public_platforms(self):
        """Accounts on public platforms. One on a district-approved, password-protected
        platform (Policy 4038 §II.B) is not open to the public, so the directory, its feed
        and embed, verify's answer and their counts never name it, whatever its status."""
        return self.filter(platform__district_protected=False)

    def public(self):
        """What the public is shown as official (R-III-F, R-III-A): active accounts on
        public platforms (``on_public_platforms``). The one definition of "public"."""
        return self.active().on_public_platforms()

    def bulk_create(self, objs, *args, **kwargs):
        """As ``OfficialAccount.save``, each account takes its unit's path (from the unit
        object it was given, so without a query)."""
        objs = list(objs)
        for account in objs:
            account.unit_path = account.org_unit.path
        return super().bulk_create(objs, *args, **kwargs)


# What families are told of an official account the district has lost control of (Policy
# 4038 §III.E): on verify, the directory, its feed and embed (``OfficialAccount.public_warning``).
COMPROMISED_WARNING = gettext_lazy(
    "Do not trust messages from this account for now: the district has lost control of it. "
    "This warning stays until the account is back in the district's hands."
)

# The one-line description of what an account posts, asked on the application.
DESCRIPTION_MAX = 200

# The order of every account list: by org unit (tree order), then name. Served by the
# ``account_listing`` indexes, so a page costs the same at any size of registry.
LISTING_ORDER = ("unit_path", "display_name", "pk")


class OfficialAccount(models.Model):
    """An account the district has approved (Policy 4038 §III.A–§III.C).

    Its life: pending setup (approved, credentials not yet escrowed) → active → suspended
    ↔ active → retired; ``accounts.services`` holds the transition table. ``handle_key`` is
    the comparison form from ``accounts.normalize``: a live handle is unique per platform.
    """

    class Status(models.TextChoices):
        PENDING_SETUP = "pending_setup", "Pending setup"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        RETIRED = "retired", "Retired"

    class Origin(models.TextChoices):
        APPLICATION = "application", "Approved application"
        DIRECT = "direct", "Established directly by the superintendent's office"

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="accounts")
    org_unit = models.ForeignKey("people.OrgUnit", on_delete=models.PROTECT, related_name="accounts")
    # The unit's path, copied here so that every list (the registry, the credentials list,
    # the directory) scopes and sorts on this table alone, walking an index and stopping at
    # the page's last row instead of sorting the whole scope across a join: at 20,000
    # accounts that sort made the lists twice as slow as at 1,500 (bench.district). ``save``
    # sets it and ``OrgUnit.save`` carries it along when a unit moves.
    unit_path = models.CharField(max_length=255, editable=False, default="")
    display_name = models.CharField(max_length=150)
    handle = models.CharField(max_length=150, help_text="As the platform shows it, without @.")
    handle_key = models.CharField(max_length=160, editable=False, db_index=True)
    url = models.URLField(max_length=300, blank=True)
    description = models.CharField(
        max_length=DESCRIPTION_MAX, blank=True,
        help_text="One line for families: what the account posts (shown in the public directory).",
    )
    platform_account_id = models.CharField(
        max_length=100, blank=True, help_text="The platform's permanent id, to notice a later change of handle."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_SETUP)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    audience_min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The youngest audience member the account addresses (§III.H)."
    )
    established_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    established_at = models.DateTimeField(auto_now_add=True)
    official_since = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    rotation_due = models.BooleanField(
        default=False, help_text="Policy 4038 §III.E: its log-in credentials must be changed."
    )
    rotation_due_reason = models.CharField(max_length=200, blank=True)
    # Hacked or lost (Policy 4038 §III.E): the district no longer controls it. Coexists with
    # the status; the public pages warn families until the office records its recovery.
    compromised_at = models.DateTimeField(null=True, blank=True)
    compromised_reason = models.TextField(blank=True)

    objects = OfficialAccountQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle_key"],
                condition=~Q(status="retired"),
                name="account_handle_unique_while_live",
            )
        ]
        indexes = [
            models.Index(fields=["status", "org_unit"]),
            # The lists' order (``LISTING_ORDER``), whole and by status (the directory's).
            models.Index(fields=["unit_path", "display_name", "id"], name="account_listing"),
            models.Index(fields=["status", "unit_path", "display_name", "id"], name="account_status_listing"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.platform.name} @{self.handle})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "org_unit" in update_fields:
            self.unit_path = self.org_unit.path
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "unit_path"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:account", args=[self.pk])

    @property
    def is_compromised(self) -> bool:
        return self.compromised_at is not None

    @property
    def public_warning(self) -> str:
        """The warning families are shown about this account, or nothing (R-III-A, §III.E)."""
        return str(COMPROMISED_WARNING) if self.is_compromised else ""

    @property
    def profile_url(self) -> str:
        """The account's address on its platform: as registered, else built from the
        platform's ``profile_url_template``; empty when neither gives one."""
        if self.url:
            return self.url
        template = self.platform.profile_url_template or ""
        return template.replace("{handle}", self.handle) if "{handle}" in template else ""


class FormerHandle(models.Model):
    """A handle an account had before it was edited (R-III-A): "is this account official?"
    still knows it, and answers "formerly @old, now @new", so an old link or a screenshot
    still says whose account it was. ``handle_key`` is ``accounts.normalize``'s comparison
    form, as on the account."""

    account = models.ForeignKey(OfficialAccount, on_delete=models.PROTECT, related_name="former_handles")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    handle = models.CharField(max_length=150)
    handle_key = models.CharField(max_length=160, db_index=True)
    url = models.URLField(max_length=300, blank=True)
    until = models.DateTimeField(help_text="When the account stopped using it.")

    class Meta:
        ordering = ["-until", "-pk"]

    def __str__(self):
        return f"@{self.handle} on {self.platform_id}, until {self.until:%Y-%m-%d}"


class DesignationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Designation(models.Model):
    """Who keeps an account: one current site manager (Policy 4038 §III.E), an optional
    backup, and the history of both. Rows are ended, never deleted or edited."""

    class Role(models.TextChoices):
        SITE_MANAGER = "site_manager", "Site manager"
        BACKUP = "backup", "Backup"

    account = models.ForeignKey(OfficialAccount, on_delete=models.PROTECT, related_name="designations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations")
    role = models.CharField(max_length=20, choices=Role.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    end_reason = models.TextField(blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "role"], condition=Q(ended_at__isnull=True), name="designation_one_current_per_role"
            )
        ]
        indexes = [models.Index(fields=["person", "ended_at"])]

    def __str__(self):
        return f"{self.get_role_display()} of {self.account_id}: {self.person}"


class AnnualReview(models.Model):
    """The site manager's yearly confirmation that the account is still right (R-V-D)."""

    account = models.ForeignKey(OfficialAccount, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    still_needed = models.BooleanField("the account is still needed and in use")
    details_correct = models.BooleanField("its name, handle and link are right")
    recovery_district_owned = models.BooleanField("its recovery email and phone belong to the district")
    two_factor_enabled = models.BooleanField("two-factor sign-in is on at the platform")
    notes = models.TextField(blank=True)
    next_due = models.DateField()

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"Review of {self.account_id} on {self.reviewed_at:%Y-%m-%d}"
