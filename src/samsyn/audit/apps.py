from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samsyn.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samsyn.audit import checks  # noqa: F401  (registers the system checks)
