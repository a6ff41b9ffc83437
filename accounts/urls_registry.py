"""The registry's staff pages, under /registry/."""

from django.urls import path

from . import views_registry as views

app_name = "accounts"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("export.csv", views.export, name="export"),
    path("mine/", views.mine, name="mine"),
    path("establish/", views.establish, name="establish"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/handover/", views.hand_over_all, name="hand_over_all"),
    path("<int:pk>/", views.account, name="account"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/compromised/", views.mark_compromised, name="mark_compromised"),
    path("<int:pk>/recovered/", views.mark_recovered, name="mark_recovered"),
    path("<int:pk>/handover/", views.hand_over, name="hand_over"),
    path("<int:pk>/backup/", views.set_backup, name="set_backup"),
    path("<int:pk>/review/", views.review, name="review"),
]
