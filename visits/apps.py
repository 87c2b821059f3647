from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits and detailed feedback"

    def ready(self) -> None:
        from areas.panels import register_area_panel

        from .panels import area_visits_panel

        # The area page lists the area's visits to project members; areas never imports us.
        register_area_panel(area_visits_panel)
