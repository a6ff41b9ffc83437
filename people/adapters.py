"""How allauth fits the district: no self sign-up, Google only for the district's domain,
allauth's own mail (password resets, address confirmations) sent through the portal's
outbox, and a confirmed address recorded (``people.addresses``)."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from notifications.services import enqueue

from . import addresses
from .models import User


def portal_site() -> SimpleNamespace:
    """What allauth's mail templates call ``current_site`` ("Hello from {{ current_site.name }}!"):
    the portal's name and the host of ``PORTAL_BASE_URL``. The portal runs without
    ``django.contrib.sites``, and mail is also sent where there is no request (a roster
    import runs in the worker)."""
    return SimpleNamespace(name=settings.PORTAL_NAME, domain=urlsplit(settings.PORTAL_BASE_URL).netloc)


class PortalAccountAdapter(DefaultAccountAdapter):
    # Refused for too many failed attempts (allauth's "login_failed" limit): why, and
    # how long to wait, in words; the sign-in page answers it with 429 (people.views).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts from this connection or for this email address. To keep the "
            f"account safe, signing in is paused: wait {settings.SIGN_IN_PAUSE_MINUTES} minutes, then try again."
        ),
    }

    def is_open_for_signup(self, request):
        # People come from the HR roster or the admin (see README, "Who can sign in").
        return False

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, {"current_site": portal_site(), **context})
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        with transaction.atomic():
            enqueue(
                to=email,
                recipient=User.objects.filter(email__iexact=email).first(),
                template=template_prefix.rsplit("/", 1)[-1],
                subject=message.subject,
                body_text=message.body,
                body_html=html,
                # A reset link is a credential: its body is wiped once it has been sent.
                sensitive=True,
            )

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link in an address confirmation, on ``PORTAL_BASE_URL``: the roster import
        that asks for it runs in the worker, without a request to take the host from."""
        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        return settings.PORTAL_BASE_URL.rstrip("/") + path

    @transaction.atomic
    def confirm_email(self, request, email_address):
        """allauth marks the address verified; its audit event is written in the same
        transaction."""
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            addresses.confirmed(email_address)
        return confirmed


class DistrictGoogleAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False  # Google signs in people the portal already knows; it creates nobody

    def pre_social_login(self, request, sociallogin):
        domain = settings.GOOGLE_WORKSPACE_DOMAIN.lower()
        data = sociallogin.account.extra_data or {}
        email = (data.get("email") or "").lower()
        if not (data.get("hd", "").lower() == domain and email.endswith("@" + domain) and data.get("email_verified")):
            messages.error(request, f"Sign in with your {domain} Google account.")
            raise ImmediateHttpResponse(redirect("account_login"))
