"""The portal's URLs. Every pattern here has a row in tests/test_authorization_matrix.py."""

from django.contrib import admin
from django.urls import include, path

from people import views as people_views

from . import admin_lockout, views

admin.site.site_header = "MPS Social administration"
admin.site.site_title = "MPS Social admin"
admin.site.index_title = "Catalogue and records"

# 503 when the database is unreachable, 500 otherwise (mps_social/error_pages.py).
handler500 = "mps_social.error_pages.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Ahead of allauth's own pages of the same names: addresses come from the HR roster, and
    # a sign-in refused for too many failed attempts answers 429.
    path("accounts/login/", people_views.login, name="account_login"),
    path("accounts/2fa/authenticate/", people_views.second_factor, name="mfa_authenticate"),
    path("accounts/email/", people_views.email_from_roster, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("people.urls")),
    path("applications/", include("approvals.urls")),
    path("registry/", include("accounts.urls_registry")),
    path("credentials/", include("credentials.urls")),
    path("training/", include("training.urls")),
    path("compliance/", include("audits.urls")),
    path("", include("accounts.urls")),
    path("", include("concerns.urls")),
    # Ahead of the admin's own: the same sign-in, behind a lockout (mps_social/admin_lockout.py).
    path("admin/login/", admin_lockout.login, name="admin_login_locked"),
    path("admin/", admin.site.urls),
]
