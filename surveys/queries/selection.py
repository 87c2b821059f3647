"""The areas selected from the survey's returns for a visit, by region."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet

from areas.models import LocalAuthority, Region

from ..models import Answer, Question, QuestionKind, Response, ReturnState, Survey, VisitSelection

# ----- Selection for visits ------------------------------------------------

#: The project plans to visit at most this many areas in a region: more gets a warning.
VISITS_PLANNED_PER_REGION = 5


#: Words of the question asking whether an area would host a visit (the demo's Q20, "Would
#: your area be willing to host a visit from the project team?"): its answer is shown beside
#: each area selected.
HOSTING_QUESTION_WORDS = "host a visit"


def hosting_question(survey: Survey) -> Question | None:
    """The survey's yes-or-no question about hosting a visit, if it asks one."""
    return (
        Question.objects.filter(
            survey=survey, kind=QuestionKind.YES_NO, text__icontains=HOSTING_QUESTION_WORDS
        )
        .order_by("order")
        .first()
    )


@dataclass(frozen=True)
class SelectedArea:
    """An area selected for a visit, where its return stands, its answer to the hosting
    question ("" when not answered) and the visits recorded from this selection."""

    selection: VisitSelection
    state: ReturnState
    willing: str
    visits: list[Any]

    @property
    def status(self) -> str:
        return str(self.state.label)


@dataclass(frozen=True)
class RegionSelection:
    region: Region
    selections: list[SelectedArea]

    @property
    def count(self) -> int:
        return len(self.selections)

    @property
    def over_plan(self) -> bool:
        return self.count > VISITS_PLANNED_PER_REGION


def visit_selection_by_region(survey: Survey) -> list[RegionSelection]:
    """Every region with the areas selected in it for a visit, each with its return's status,
    its answer to the hosting question and the visits recorded from it (six queries however
    many areas). The visits are read through their link to the selection (`Visit.selection`
    points here): this app never imports the visits app."""
    selections = list(
        VisitSelection.objects.filter(survey=survey)
        .select_related("local_authority__region", "selected_by")
        .prefetch_related(Prefetch("visits", queryset=_visits_by_date()))
        .order_by("local_authority__name")
    )
    areas = [s.local_authority_id for s in selections]
    responses = {
        r.local_authority_id: r
        for r in Response.objects.filter(survey=survey, local_authority__in=areas)
    }
    question = hosting_question(survey)
    willing: dict[int, str] = {}
    if question is not None:
        willing = dict(
            Answer.objects.filter(
                question=question, response__local_authority__in=areas, choice__isnull=False
            ).values_list("response__local_authority_id", "choice__value")
        )
    by_region: dict[int, list[SelectedArea]] = defaultdict(list)
    for selection in selections:
        area = selection.local_authority_id
        by_region[selection.local_authority.region_id].append(
            SelectedArea(
                selection=selection,
                state=ReturnState.NOT_STARTED if area not in responses else responses[area].state,
                willing=willing.get(area, ""),
                visits=list(selection.visits.all()),
            )
        )
    return [
        RegionSelection(region=region, selections=by_region.get(region.pk, []))
        for region in Region.objects.order_by("name")
    ]


def _visits_by_date() -> QuerySet[Any]:
    """The visits app's visits, by date (looked up by name: that app depends on this one)."""
    return apps.get_model("visits", "Visit").objects.order_by("visit_date", "pk")


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


def visit_selections_in_region(region: Region) -> QuerySet[VisitSelection]:
    """The areas of `region` selected for a visit from any survey: what a visit may say it
    came from (one query, with their areas and surveys)."""
    return (
        VisitSelection.objects.filter(local_authority__region=region)
        .select_related("local_authority", "survey")
        .order_by("local_authority__name", "survey__title")
    )
