import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mash_survey import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: replaces the database and every file "
        "under MEDIA_ROOT, after checking the backup through (docs/operations.md)."
    )
    # Where the answer to the question is read from (the terminal; a test gives its own).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup (.tar.gz) to restore.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checked = backups.backup_check(path=options["file"])
            self.stdout.write(describe(checked))
            if options["interactive"] and not self.confirmed(options.get("stdin") or sys.stdin):
                raise CommandError(
                    "Nothing was restored. To restore without a question, add --yes."
                )
            backups.backup_restore(path=options["file"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        migrated = " and migrated to this version's schema" if checked.older_schema else ""
        self.stdout.write(f"Restored {checked.path.name}{migrated}.")

    def confirmed(self, stdin: Any) -> bool:
        self.stdout.write("Type 'yes' to restore it: ", ending="")
        self.stdout.flush()
        answer = stdin.readline()
        if not answer.endswith("\n"):  # no terminal: nobody answered
            self.stdout.write("")
        return answer.strip().lower() == "yes"


def describe(checked: backups.Checked) -> str:
    manifest = checked.manifest
    made = timezone.localtime(manifest.created_at).strftime("%-d %B %Y at %H:%M:%S %Z")
    version = f" by version {manifest.service_version}" if manifest.service_version else ""
    schema = (
        "older than this version's: the database is migrated after the restore"
        if checked.older_schema
        else "this version's"
    )
    return (
        f"{checked.path.name}: made {made}{version}, checked and complete.\n"
        f"  database schema: {schema}\n"
        f"  files: {manifest.media_files}\n"
        f"Restoring it replaces everything in {checked.database} and every file under "
        f"{checked.media_root}. What was saved after the backup was made is lost."
    )
