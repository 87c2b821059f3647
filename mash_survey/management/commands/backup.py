from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash_survey import backups


class Command(BaseCommand):
    help = (
        "Back up the database and every file under MEDIA_ROOT into one archive, with its "
        "SHA-256 in <archive>.sha256 beside it (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="The folder to write the backup into (default: var/backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backups.backup_create(directory=options["dir"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(f"Backup written: {path} ({size:.1f} MB) and {path.name}.sha256")
