from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.delivery, name="settings"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
]
