"""People and where they sit: org units, staff members, and the superintendent's delegations.

Roles are facts in this data, not groups somebody must remember to set (see ``roles.py``):
a supervisor is whoever some user's ``supervisor`` points at; the superintendent is the
one active user flagged so; a designee holds a dated, scoped ``Delegation``.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class OrgUnit(models.Model):
    """The district, a school, a department or a program, in one tree. ``head`` is who
    leads it (a principal, a director): kept through ``people.services.set_unit_head``.

    ``path`` is the chain of ancestor ids ("/1/4/17/"), kept by ``save``: it makes "is this
    unit inside that subtree" a prefix test, so a delegation's scope is one indexed
    ``LIKE 'path%'`` query whatever the depth of the tree.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", "District"
        SCHOOL = "school", "School"
        DEPARTMENT = "department", "Department"
        PROGRAM = "program", "Program or activity"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    code = models.CharField(
        max_length=20, unique=True, help_text="The HR system's code for this unit, used by roster imports."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True)
    website = models.URLField(blank=True)
    head = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.PROTECT, related_name="units_headed",
        help_text="The principal or director. Told of concern reports about the accounts and names of this unit "
        "and the units inside it, and may read them (R-IV-B). Changed by an administrator; every change is "
        "recorded in the audit trail.",
    )

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="district"), name="orgunit_one_district"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory_unit", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        is_new = self.pk is None
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != self.path:
            self.path = new_path
            OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
            if not is_new and old_path:
                # A move carries the whole subtree along with it, in one statement.
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )
                # The accounts' copy of their unit's path (``OfficialAccount.unit_path``) too.
                self.accounts.model.objects.filter(unit_path__startswith=old_path).update(
                    unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1))
                )

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": "A unit cannot sit inside itself or one of its own units."})
        if self.kind == self.Kind.DISTRICT and self.parent_id:
            raise ValidationError({"parent": "The district is the top of the tree and has no parent."})
        if self.kind != self.Kind.DISTRICT and not self.parent_id:
            raise ValidationError({"parent": "Every unit but the district sits inside another unit."})

    def contains(self, other: "OrgUnit") -> bool:
        """True when ``other`` is this unit or lies anywhere below it."""
        return other.path.startswith(self.path)

    def ancestor_paths(self) -> list[str]:
        """"/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]: the scopes that contain this unit."""
        ids = [part for part in self.path.strip("/").split("/") if part]
        return ["/" + "/".join(ids[: depth + 1]) + "/" for depth in range(len(ids))]

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return OrgUnit.objects.filter(pk__in=ids).order_by("path")

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)


HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof", "rev"}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A district staff member. Email is the login; HR's employee id ties them to the roster.

    ``is_staff`` means Django admin access (an administrator keeping the catalogue); it
    carries no power in the portal itself.
    """

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        CONTRACTOR = "contractor", "Contractor"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMPLOYEE)
    employee_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("admin access", default=False)
    is_superintendent = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # Policy 4038 §III.B: there is one superintendent at a time.
            models.UniqueConstraint(
                fields=["is_superintendent"],
                condition=Q(is_superintendent=True, is_active=True),
                name="user_one_active_superintendent",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("pk")), name="user_not_own_supervisor"
            ),
        ]
        indexes = [
            # A supervisor's reports in id order (``people.selectors.reports_of``): PostgreSQL
            # joins them to their designations by merging on the id, and without this read
            # every person to find them.
            models.Index(fields=["supervisor", "id"], name="user_reports"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    @property
    def active_supervisor(self) -> "User | None":
        """The supervisor to copy on a reminder escalated to them: None when there is none
        or they have left the district."""
        supervisor = self.supervisor
        return supervisor if supervisor is not None and supervisor.is_active else None

    def get_short_name(self):
        """The first name, for greetings: "Dr. Lena Ortiz" is Lena, not "Dr."."""
        words = [w for w in self.full_name.split() if w.lower().rstrip(".") not in HONORIFICS]
        return words[0] if words else self.full_name or self.email

    @property
    def is_employee(self) -> bool:
        return self.kind == self.Kind.EMPLOYEE


class Power(models.TextChoices):
    """What the superintendent can hand to a designee. Each is a boolean on ``Delegation``.

    Powers are the only currency: being a designee grants nothing by itself, and each
    power counts only inside its delegation's scope and dates (``people.roles``).
    """

    DECIDE_APPLICATIONS = "decide_applications", "Decide account applications"
    ESTABLISH_ACCOUNTS = "establish_accounts", "Establish and manage accounts"
    REVEAL_CREDENTIALS = "reveal_credentials", "Reveal escrowed credentials"
    TRIAGE_CONCERNS = "triage_concerns", "Triage concern reports"
    OVERSEE_COMPLIANCE = "oversee_compliance", "Oversee compliance: the audit, its findings and the audit trail"
    IMPORT_ROSTER = "import_roster", "Import the staff roster (whole district only)"


# Powers whose work is about the accounts of their scope: each lets its holder read those
# accounts' registry pages. Importing the roster is about people, not accounts.
REGISTRY_POWERS = frozenset(Power.values) - {Power.IMPORT_ROSTER}

# Powers that mean nothing over part of the district: the roster lists everybody, so whoever
# imports it reaches every person's supervisor, email and status.
DISTRICT_ONLY_POWERS = frozenset({Power.IMPORT_ROSTER})


class DelegationQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Delegations that hold power on a day: within dates, not revoked, and granted by
        the superintendent still in office (a delegation never outlives its grantor's
        authority)."""
        on = on or timezone.localdate()
        return self.filter(
            starts_on__lte=on,
            ends_on__gte=on,
            revoked_at__isnull=True,
            grantee__is_active=True,
            granted_by__is_superintendent=True,
            granted_by__is_active=True,
        )

    def with_power(self, power: str):
        return self.filter(**{power: True})


class Delegation(models.Model):
    """The superintendent's designation of a designee (Policy 4038 §III.C, §III.E, §V).

    Scope is an org unit and everything below it; the district unit means the whole
    district. Rows are history: they are created and revoked through ``people.services``,
    never edited.
    """

    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations_granted")
    scope = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="delegations")
    decide_applications = models.BooleanField(default=False)
    establish_accounts = models.BooleanField(default=False)
    reveal_credentials = models.BooleanField(default=False)
    triage_concerns = models.BooleanField(default=False)
    oversee_compliance = models.BooleanField(default=False)
    import_roster = models.BooleanField(default=False)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations_revoked"
    )
    revoke_reason = models.TextField(blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_ordered"),
            models.CheckConstraint(condition=~Q(grantee=models.F("granted_by")), name="delegation_not_to_self"),
            models.CheckConstraint(
                condition=Q(decide_applications=True)
                | Q(establish_accounts=True)
                | Q(reveal_credentials=True)
                | Q(triage_concerns=True)
                | Q(oversee_compliance=True)
                | Q(import_roster=True),
                name="delegation_grants_some_power",
            ),
        ]
        indexes = [models.Index(fields=["grantee", "ends_on"])]

    def __str__(self):
        return f"{self.grantee} for {self.scope} ({self.starts_on} to {self.ends_on})"

    @property
    def powers(self) -> frozenset[str]:
        return frozenset(power for power in Power.values if getattr(self, power))

    def get_powers_display(self) -> list[str]:
        return [label for value, label in Power.choices if getattr(self, value)]

    def status(self, on=None) -> str:
        on = on or timezone.localdate()
        if self.revoked_at:
            return "revoked"
        if on < self.starts_on:
            return "scheduled"
        if on > self.ends_on:
            return "expired"
        return "in force"
