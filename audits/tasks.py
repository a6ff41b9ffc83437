"""Celery tasks of the compliance audit. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import compliance
from .models import AuditRun


@shared_task(name="audits.run_audit", bind=True)
def run_audit(self, run_id: int | None = None) -> int:
    """Nightly from beat (no id: start a run), or a run a person started (its id).
    Returns the run's id; a run already in progress makes the nightly one a no-op.

    Tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``): when a worker is killed
    mid-run the broker delivers the task again, and the redelivered task finishes the run
    its first delivery started, skipping the checks already done (``compliance.execute``),
    instead of leaving it stuck (R-V-D). A second nightly task (two beat processes) is not a
    redelivery and leaves the run to its worker."""
    if run_id is None:
        try:
            run = compliance.start_run(actor=None)
        except compliance.AuditAlreadyRunning as running:
            if not (self.request.delivery_info or {}).get("redelivered"):
                return running.run.pk
            run = running.run
    else:
        run = AuditRun.objects.get(pk=run_id)
        if run.status != AuditRun.Status.RUNNING:
            return run.pk  # redelivered after it ran: nothing to do twice
    return compliance.execute(run).pk


@shared_task(name="audits.verify_trail")
def verify_trail() -> int:
    """Daily from beat: verify the audit trail's hash chain and record the head as a
    checkpoint; a broken chain is mailed to the superintendent. Returns the checkpoint's id.
    Safe to run twice: a second checkpoint, and the mail once a day."""
    from . import chain

    return chain.checkpoint().pk
