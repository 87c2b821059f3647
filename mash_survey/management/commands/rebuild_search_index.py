from typing import Any

from django.core.management.base import BaseCommand

from mash_survey import search


class Command(BaseCommand):
    help = (
        "Write the search index afresh from every record (it is kept right on every save; "
        "use this after loading records with loaddata or raw SQL)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = search.rebuild()
        self.stdout.write(f"Search index rebuilt: {count} entries.")
