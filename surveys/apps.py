from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "The initial survey"

    def ready(self) -> None:
        from areas.panels import register_area_panel
        from mash_survey.quality import register_summary
        from mash_survey.work import register_work

        from .quality import survey_summaries
        from .views.entry import area_returns_panel

        # The area page lists the area's returns to project members; areas never imports us.
        register_area_panel(area_returns_panel)
        # The home page counts open data-quality problems for project members.
        register_summary(survey_summaries)
        # "Your work" lists each member's own records; mash_survey never imports us.
        from .work import survey_work

        register_work(survey_work)
