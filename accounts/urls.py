from django.urls import path

from . import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:slug>/", views.directory_unit, name="directory_unit"),
]
