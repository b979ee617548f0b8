from django.apps import AppConfig


class SickleaveConfig(AppConfig):
    name = "samsyn.sickleave"
    label = "sickleave"
    default_auto_field = "django.db.models.BigAutoField"
