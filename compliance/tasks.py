"""Celery tasks of the compliance audit. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import runs
from .models import AuditRun


@shared_task(name="compliance.run_audit", bind=True)
def run_audit(self, run_id: int | None = None) -> int:
    """Nightly from beat (no id: start a run), or a run a person started (its id).
    Returns the run's id; a run already in progress makes the nightly one a no-op.

    Tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``): when a worker is killed
    mid-run the broker delivers the task again, and the redelivered task finishes the run
    its first delivery started, skipping the checks already done (``runs.execute``),
    instead of leaving it stuck (R-V-D). A second nightly task (two beat processes) is not a
    redelivery and leaves the run to its worker."""
    if run_id is None:
        try:
            run = runs.start_run(actor=None)
        except runs.AuditAlreadyRunning as running:
            if not (self.request.delivery_info or {}).get("redelivered"):
                return running.run.pk
            run = running.run
    else:
        run = AuditRun.objects.get(pk=run_id)
        if run.status != AuditRun.Status.RUNNING:
            return run.pk  # redelivered after it ran: nothing to do twice
    return runs.execute(run).pk
