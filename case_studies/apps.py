from django.apps import AppConfig


class CaseStudiesConfig(AppConfig):
    name = "case_studies"
    verbose_name = "Case studies"

    def ready(self) -> None:
        from areas.panels import register_area_panel

        from .panels import area_case_studies_panel

        # The area page lists the area's published case studies; areas never imports us.
        register_area_panel(area_case_studies_panel)
