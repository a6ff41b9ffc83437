"""The portal's URLs. Every pattern here has a row in tests/test_authorization_matrix.py."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_GET

from accounts.api import api
from people import views as people_views

from . import views

admin.site.site_header = "MPS Social administration"
admin.site.site_title = "MPS Social admin"
admin.site.index_title = "Catalogue and records"
# The admin has no sign-in of its own. A visitor is sent to the portal's sign-in, with its
# rate limits and the second factor (R-III-E), and comes back to the page they asked for;
# someone signed in without admin access gets 403. The admin's form is never taken: posted
# by staff already signed in, it would switch them to another person on a password alone.
admin.site.login = secure_admin_login(require_GET(admin.site.login))

# 503 when the database is unreachable, 500 otherwise (mps_social/error_pages.py).
handler500 = "mps_social.error_pages.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.language, name="language"),
    # Ahead of allauth's own pages of the same names: addresses come from the HR roster, and
    # a sign-in refused for too many failed attempts answers 429.
    path("accounts/login/", people_views.login, name="account_login"),
    path("accounts/2fa/authenticate/", people_views.second_factor, name="mfa_authenticate"),
    path("accounts/email/", people_views.email_from_roster, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("people/roster/", include("roster.urls")),
    path("people/", include("people.urls")),
    path("applications/", include("approvals.urls")),
    path("registry/", include("accounts.urls_registry")),
    path("credentials/", include("credentials.urls")),
    path("training/", include("training.urls")),
    path("compliance/trail/", include("audits.urls")),
    path("compliance/", include("compliance.urls")),
    path("inbox/", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("concerns.urls")),
    # The public search API and its OpenAPI document (accounts/api.py).
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
