from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "findings"
    verbose_name = "Findings and report editions"

    def ready(self) -> None:
        from areas.panels import register_area_panel

        from .panels import area_findings_panel

        # The area page lists the findings that quote the area; areas never imports us.
        register_area_panel(area_findings_panel)
