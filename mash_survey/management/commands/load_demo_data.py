from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from case_studies.demo import demo_case_studies_load
from findings.demo import demo_coding_counts, demo_edition_load, demo_findings_load
from mash_survey import search
from surveys.demo import demo_survey_load
from visits.demo import demo_visit_counts, demo_visits_load


class Command(BaseCommand):
    help = (
        "Load the illustrative demo content (marked as such on every page that shows it). "
        "Idempotent: what is already there is left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Indexed for search once at the end, not after every answer, section and link.
        with transaction.atomic(), search.deferred():
            self._load()

    def _load(self) -> None:
        survey = demo_survey_load()
        self.stdout.write(
            f"Demo survey: {survey.title}, {survey.responses.count()} returns (illustrative)."
        )
        demo_visits_load()
        visits, feedback = demo_visit_counts()
        self.stdout.write(
            f"Demo visits: {visits} visits, {feedback} with detailed feedback (illustrative)."
        )
        case_studies = demo_case_studies_load()
        self.stdout.write(f"Demo case studies: {len(case_studies)} (illustrative).")
        demo_findings_load()
        themes, excerpts, findings = demo_coding_counts()
        self.stdout.write(
            f"Demo coding: {themes} themes, {excerpts} excerpts, {findings} findings "
            "(illustrative)."
        )
        editions = demo_edition_load()
        published = [e for e in editions if e.is_published]
        self.stdout.write(
            f"Demo report editions: {len(editions)}, {len(published)} published (illustrative)."
        )
