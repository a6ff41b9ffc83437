"""The registry's public pages (Policy 4038 §III.A, §III.F): the directory, its feed and
embed kit, and "is this account official?".

The feed and the embed page come before ``directory/<slug:slug>/``: a slug cannot contain
"." (so "feed.json" would never match it anyway), but "embed" can, and a unit whose slug
is "embed" must not hide the embed page.
"""

from django.urls import path

from . import views_directory, views_feed, views_verify

urlpatterns = [
    path("directory/", views_directory.directory, name="directory"),
    path("directory/feed.json", views_feed.directory_feed, name="directory_feed"),
    path("directory/embed/", views_feed.directory_embed, name="directory_embed"),
    path("directory/<slug:slug>/", views_directory.directory_unit, name="directory_unit"),
    path("verify/", views_verify.verify, name="verify"),
]
