from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("courses/<slug:slug>/quiz/", views.quiz, name="quiz"),
    path("courses/<slug:slug>/attest/", views.attest, name="attest"),
    path("policies/", views.policies, name="policies"),
    path("policies/<slug:slug>/", views.policy, name="policy"),
    path("policies/<slug:slug>/acknowledge/", views.acknowledge, name="acknowledge"),
]
