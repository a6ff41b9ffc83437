"""The audit trail's page, mounted at /compliance/trail/ beside the compliance pages (the
address mails and docs give)."""

from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.trail, name="trail"),
]
