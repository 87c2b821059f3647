from django.apps import AppConfig


class MashSurveyConfig(AppConfig):
    name = "mash_survey"
    verbose_name = "Multi-agency working and information sharing"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("search")  # each app's kinds of record in search
        from . import (
            api_schema,  # noqa: F401  (registers the schema extension)
            audit,  # noqa: F401  (records signing in and out, and lockouts)
            page_cache,  # noqa: F401  (watches every connection's writes)
            sign_in_limits,  # noqa: F401  (counts failed sign-ins)
        )
