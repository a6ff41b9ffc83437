"""The compliance audit (R-V-D): its runs, each check's result per run, and the findings
it keeps open. The tables were the audits app's (``compliance/migrations/0001``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class AuditRun(models.Model):
    """One pass of the compliance audit over every active account (R-V-D). At most one
    runs at a time (a partial unique index), whether beat or a person started it."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="Empty when the nightly schedule started it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    checks_total = models.PositiveSmallIntegerField(default=0)
    checks_done = models.PositiveSmallIntegerField(default=0)
    accounts_checked = models.PositiveIntegerField(default=0)
    findings_opened = models.PositiveIntegerField(default=0)
    findings_closed = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["status"], condition=models.Q(status="running"),
                                               name="auditrun_one_running")]

    def __str__(self):
        return f"Audit run {self.pk} ({self.get_status_display().lower()})"

    @property
    def progress(self) -> int:
        return round(100 * self.checks_done / self.checks_total) if self.checks_total else 0


class CheckResult(models.Model):
    """How many accounts one check passed in one run: the dashboard's bars and trend."""

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="results")
    check_slug = models.CharField(max_length=30)
    accounts = models.PositiveIntegerField()
    failing = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "check_slug"]
        constraints = [models.UniqueConstraint(fields=["run", "check_slug"], name="checkresult_once_per_run")]

    def __str__(self):
        return f"{self.check_slug} in audit run {self.run_id}"

    @property
    def share_passing(self) -> float:
        return 1 - self.failing / self.accounts if self.accounts else 1.0


class Finding(models.Model):
    """An account failing one check. One open finding per (check, account): it opens when
    a run first sees the failure and closes by itself in the first run that checks the
    account and sees it pass (or finds it retired); a run that does not check the account
    leaves it open (``compliance.checks``)."""

    check_slug = models.CharField(max_length=30, db_index=True)
    account = models.ForeignKey("accounts.OfficialAccount", on_delete=models.PROTECT, related_name="findings")
    detail = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField()
    opened_by_run = models.ForeignKey(AuditRun, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="opened_findings",
                                      help_text="Empty when an event opened it (a site manager leaving the roster).")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_run = models.ForeignKey(AuditRun, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="closed_findings")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["check_slug", "account"], condition=models.Q(closed_at=None),
                                               name="finding_one_open_per_check_and_account")]
        # The findings list's default: the open ones, newest first, read off the index.
        indexes = [models.Index(fields=["opened_at", "id"], condition=models.Q(closed_at=None),
                                name="finding_open_newest")]

    def __str__(self):
        return f"{self.check_slug} on {self.account_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def get_absolute_url(self):
        return reverse("compliance:finding", args=[self.pk])
