from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits and detailed feedback"

    def ready(self) -> None:
        from areas.panels import register_area_panel
        from mash_survey.quality import register_summary
        from mash_survey.work import register_work

        from .panels import area_visits_panel
        from .quality import visit_summaries

        # The area page lists the area's visits to project members; areas never imports us.
        register_area_panel(area_visits_panel)
        # The home page counts open data-quality problems for project members.
        register_summary(visit_summaries)
        # "Your work" lists each member's own records; mash_survey never imports us.
        from .work import visit_work

        register_work(visit_work)
