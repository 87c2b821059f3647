from django.apps import AppConfig


class CaseStudiesConfig(AppConfig):
    name = "case_studies"
    verbose_name = "Case studies"

    def ready(self) -> None:
        from areas.panels import register_area_panel
        from mash_survey.work import register_work

        from .panels import area_case_studies_panel

        # The area page lists the area's published case studies; areas never imports us.
        register_area_panel(area_case_studies_panel)
        # "Your work" lists each member's own records; mash_survey never imports us.
        from .work import case_study_work

        register_work(case_study_work)
