from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samsyn.core"
    label = "core"
    verbose_name = "Samsyn"

    def ready(self):
        from samsyn.core import checks  # noqa: F401  (registers the system checks)
