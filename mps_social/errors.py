"""The one kind of error a service raises when the rules refuse a change.

Each app names its own (``RegistryError``, ``ApplicationError``, …) so callers can catch
what they expect, but they all carry the same thing: messages fit to show beside the
form field they belong to (``PortalForm.add_refusal`` puts them there). ``errors`` maps
fields (None: the whole form) to messages; a single refusal is ``message`` and ``field``.
"""


class ServiceError(Exception):
    def __init__(self, message: str = "", field: str | None = None, *, errors: dict | None = None):
        self.errors = errors or {field: [message]}
        self.field = field
        self.message = message or next(iter(self.errors.values()))[0]
        super().__init__(self.message)
