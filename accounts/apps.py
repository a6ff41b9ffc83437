from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Platforms and accounts"

    def ready(self):
        from . import directory_cache, registry_counts

        directory_cache.connect()
        registry_counts.connect()
