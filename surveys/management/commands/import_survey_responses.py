from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from surveys.imports import (
    ImportPlan,
    ImportRefusedError,
    ImportStaleError,
    RowPlan,
    survey_import_apply,
    survey_import_check,
)
from surveys.models import Survey
from surveys.spreadsheets import UnreadableFileError


class Command(BaseCommand):
    help = (
        "Import survey returns from a CSV or XLSX file: one row per area, a local_authority "
        "column and one column per question code. The whole file is checked first; if any row "
        "has a problem, every problem is listed and nothing is written (exit status 1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--survey", required=True, help="the survey's slug")
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["survey"]
        path: Path = options["file"]
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            slugs = ", ".join(Survey.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No survey has the slug '{slug}'. Surveys: {slugs or 'none'}.")
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        try:
            plan = survey_import_check(survey=survey, file_name=path.name, content=content)
        except UnreadableFileError as exc:
            raise CommandError(f"{path.name}: {exc}. Nothing was imported.") from None
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            if plan.more_problems:
                self.stderr.write(f"And {plan.more_problems:,} more, not listed.")
            count = plan.problem_count
            raise CommandError(
                f"{path.name} has {count:,} problem{'s' if count != 1 else ''}: nothing was "
                f"imported. Fix {'it' if count == 1 else 'them'} and run the command again."
            )
        self._write_plan(plan)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            batch = survey_import_apply(
                survey=survey,
                file_name=path.name,
                content=content,
                user=None,
                seen_versions=plan.seen_versions,
            )
        except ImportRefusedError as exc:  # the survey changed since the check above
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(exc)) from None
        except ImportStaleError as exc:  # returns were saved since the check above
            raise CommandError(f"{exc}: run the command again.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported as batch {batch.pk}: {batch.created_count} new, "
                f"{batch.updated_count} updated, {batch.unchanged_count} unchanged."
            )
        )

    def _write_plan(self, plan: ImportPlan) -> None:
        self.stdout.write(
            f"{plan.file_name} (SHA-256 {plan.sha256}) for {plan.survey.title}: "
            f"{len(plan.new)} new, {len(plan.updated)} updated, "
            f"{len(plan.unchanged)} unchanged returns"
            + (f", {len(plan.skipped)} draft rows not imported" if plan.skipped else "")
        )
        for label, rows in (
            ("New", plan.new),
            ("Updated", plan.updated),
            ("Unchanged", plan.unchanged),
            ("Draft, not imported", plan.skipped),
        ):
            if rows:
                self.stdout.write(f"{label} ({len(rows)}): " + ", ".join(_area(r) for r in rows))


def _area(row: RowPlan) -> str:
    if row.changed_codes:
        return f"{row.local_authority.name} ({' '.join(row.changed_codes)})"
    return row.local_authority.name
