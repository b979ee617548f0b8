from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "samsyn.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"
