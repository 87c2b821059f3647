from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from areas.services import AUTHORITIES_CSV, REGIONS_CSV, RegisterError, register_load


class Command(BaseCommand):
    help = "Load or refresh the 9 regions and 152 local authorities of 2013 (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authorities", type=Path, default=AUTHORITIES_CSV)
        parser.add_argument("--regions", type=Path, default=REGIONS_CSV)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = register_load(
                authorities_csv=options["authorities"], regions_csv=options["regions"]
            )
        except RegisterError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Register loaded: {result.summary()}.")
