from django.urls import path

from . import views

app_name = "roster"

# Under /people/roster/ (mps_social/urls.py): the staff roster's pages keep the address
# they always had.
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/progress.json", views.progress, name="progress"),
]
