from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "saleor_wfx_plugin"
    label = "wfx"
    verbose_name = "Social distribution (微分销)"
    default_auto_field = "django.db.models.BigAutoField"
