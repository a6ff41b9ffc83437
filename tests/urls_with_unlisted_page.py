"""The project's URLs plus one page nobody added to the authorization matrix."""

from django.http import HttpResponse
from django.urls import path

from mps_social.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("unlisted/", lambda request: HttpResponse("hi"), name="unlisted_page")]
