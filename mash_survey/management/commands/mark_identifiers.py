from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from mash_survey import identifiers


class Command(BaseCommand):
    help = (
        "Scan the saved text of every record with free text and set its 'possible "
        "identifiers' marker, as a save does. For records saved before the marker existed, "
        "or after a change to the scanner. Changes nothing else and writes no history."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            if not issubclass(model, identifiers.Marked):
                continue
            marked = 0
            for record in model._default_manager.iterator(chunk_size=500):
                identifiers.mark(record)
                marked += record.identifiers_found > 0
            self.stdout.write(
                f"{str(model._meta.verbose_name_plural).capitalize()}: {marked} with possible "
                "identifiers"
            )
