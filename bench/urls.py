"""The portal's URLs plus the benchmark's floors and a hello-world view.

A floor is the cheapest page that could show the same thing: a view behind the same
middleware, signed in as the same person, that runs only the page's main query and
answers its row count. ``bench.pages`` fills ``FLOORS`` before it sends any request.
"""

from django.http import Http404, HttpResponse
from django.urls import path

from mps_social.urls import urlpatterns as portal

FLOORS: dict = {}  # name → callable(request) returning the main query's rows


def floor(request, name):
    if name not in FLOORS:
        raise Http404
    return HttpResponse(str(len(FLOORS[name](request))), content_type="text/plain")


def hello(request):
    """The load test's yardstick: Django answering with nothing to do."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/floor/<slug:name>/", floor),
    path("bench/hello/", hello),
    *portal,
]
