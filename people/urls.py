from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/new/", views.grant_delegation, name="grant_delegation"),
    path("delegations/<int:pk>/revoke/", views.revoke_delegation, name="revoke_delegation"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:pk>/", views.roster_preview, name="roster_preview"),
    path("roster/<int:pk>/apply/", views.roster_apply, name="roster_apply"),
    path("roster/<int:pk>/decline/", views.roster_decline, name="roster_decline"),
    path("roster/<int:pk>/progress.json", views.roster_progress, name="roster_progress"),
]
