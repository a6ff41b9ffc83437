"""Celery tasks of the compliance audit. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import compliance
from .models import AuditRun


@shared_task(name="audits.run_audit")
def run_audit(run_id: int | None = None) -> int:
    """Nightly from beat (no id: start a run), or a run a person started (its id).
    Returns the run's id; a run already in progress makes the nightly one a no-op."""
    if run_id is None:
        try:
            run = compliance.start_run(actor=None)
        except compliance.AuditAlreadyRunning as running:
            return running.run.pk
    else:
        run = AuditRun.objects.get(pk=run_id)
        if run.status != AuditRun.Status.RUNNING or run.checks_done:
            return run.pk  # redelivered after it ran: nothing to do twice
    return compliance.execute(run).pk


@shared_task(name="audits.verify_trail")
def verify_trail() -> int:
    """Daily from beat: verify the audit trail's hash chain and record the head as a
    checkpoint; a broken chain is mailed to the superintendent. Returns the checkpoint's id.
    Safe to run twice: a second checkpoint, and the mail once a day."""
    from . import chain

    return chain.checkpoint().pk
