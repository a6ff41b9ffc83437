from . import urls_directory

urlpatterns = [
    *urls_directory.urlpatterns,
]
