from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/new/", views.grant_delegation, name="grant_delegation"),
    path("delegations/<int:pk>/revoke/", views.revoke_delegation, name="revoke_delegation"),
]
