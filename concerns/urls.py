from django.urls import path

from . import views

app_name = "concerns"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report_sent"),
    path("concerns/", views.queue, name="queue"),
    path("concerns/about-your-accounts/", views.followed, name="followed"),
    path("concerns/<str:reference>/", views.detail, name="detail"),
    path("concerns/<str:reference>/assign/", views.assign, name="assign"),
    path("concerns/<str:reference>/note/", views.add_note, name="note"),
    path("concerns/<str:reference>/resolve/", views.resolve, name="resolve"),
]
