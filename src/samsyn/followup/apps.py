from django.apps import AppConfig


class FollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samsyn.followup"
    verbose_name = "Uppföljning"
