"""Credentials' answers to what the apps below it announce (connected in
``CredentialsConfig.ready``)."""

from . import services


def rotate_after_supervisor_change(sender, *, person, actor, **kwargs) -> None:
    """R-III-E: a site manager's new supervisor means new credentials, since the old one
    could reveal them (``people.signals.supervisor_changed``)."""
    services.supervisor_changed(actor=actor, person=person)
