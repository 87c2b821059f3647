from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "areas"
    verbose_name = "Areas: regions, local authorities and partner agencies"
