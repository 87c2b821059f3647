"""The areas selected from the survey's returns for a visit, by region."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from areas.models import LocalAuthority, Region

from ..models import Survey, VisitSelection

# ----- Selection for visits ------------------------------------------------

#: The project plans to visit at most this many areas in a region: more gets a warning.
VISITS_PLANNED_PER_REGION = 5


@dataclass(frozen=True)
class RegionSelection:
    region: Region
    selections: list[VisitSelection]

    @property
    def count(self) -> int:
        return len(self.selections)

    @property
    def over_plan(self) -> bool:
        return self.count > VISITS_PLANNED_PER_REGION


def visit_selection_by_region(survey: Survey) -> list[RegionSelection]:
    """Every region with the areas selected in it for a visit (two queries)."""
    selections = (
        VisitSelection.objects.filter(survey=survey)
        .select_related("local_authority__region", "selected_by")
        .order_by("local_authority__name")
    )
    by_region: dict[int, list[VisitSelection]] = defaultdict(list)
    for selection in selections:
        by_region[selection.local_authority.region_id].append(selection)
    return [
        RegionSelection(region=region, selections=by_region.get(region.pk, []))
        for region in Region.objects.order_by("name")
    ]


def visit_selection_candidates(survey: Survey) -> QuerySet[LocalAuthority]:
    """The authorities not yet selected for a visit, by name."""
    return (
        LocalAuthority.objects.exclude(visit_selections__survey=survey)
        .select_related("region")
        .order_by("name")
    )


def visit_selection_find(survey: Survey, *, pk: int) -> VisitSelection | None:
    """One of the survey's selections, or None (removed already, or never made)."""
    return (
        VisitSelection.objects.select_related("local_authority")
        .filter(survey=survey, pk=pk)
        .first()
    )
