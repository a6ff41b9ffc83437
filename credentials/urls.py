from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.access, name="access"),
    path("reveals/", views.reveals, name="reveals"),
    path("reveals/rotate/", views.rotate_revealed, name="rotate_revealed"),
    path("<int:pk>/escrow/", views.escrow, name="escrow"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/reveal/authenticator-secret/", views.reveal_authenticator_secret,
         name="reveal_authenticator_secret"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/grants/", views.grants, name="grants"),
    path("<int:pk>/grants/<int:grant_pk>/revoke/", views.revoke_grant, name="revoke_grant"),
]
