"""The one way a page changes something: form → service → message → redirect."""

from django.contrib import messages
from django.shortcuts import redirect

from .errors import ServiceError


def act(request, form, action, *, page, then, success=None):
    """Answer a form's page and its post, the same on every page that changes something.

    A bound, valid ``form`` calls ``action(form.cleaned_data)`` once: it calls one
    service, which checks the rules again and makes the change in one transaction with
    its audit event. Done, the person gets ``success`` as a message and the browser is
    redirected to ``then`` (post/redirect/get: a reload sends nothing twice). A service's
    refusal (``ServiceError``) goes beside the field it names (``PortalForm.add_refusal``)
    and ``page(form)`` answers: the same page, with what was typed and every message, as
    it answers an invalid or unbound form (a GET).

    ``success`` and ``then`` are each a value or a function of what ``action`` returned
    (what it made or changed); ``then`` is whatever ``redirect`` takes, ``success`` None
    sends no message.
    """
    if form.is_bound and form.is_valid():
        try:
            done = action(form.cleaned_data)
        except ServiceError as refusal:
            form.add_refusal(refusal)
        else:
            message = success(done) if callable(success) else success
            if message:
                messages.success(request, message)
            return redirect(then(done) if callable(then) else then)
    return page(form)
