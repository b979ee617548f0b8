from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "samsyn.collaboration"
    label = "collaboration"
    default_auto_field = "django.db.models.BigAutoField"
