"""The catalogue: platforms (Policy 4038 §II) and the district's protected names (§III.A)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify


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
