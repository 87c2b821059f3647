"""The GET forms of the statistics page: which returns to count, and which answer to map."""

from typing import Any

from crispy_forms_gds.layout import Field

from areas.models import AuthorityType, Region
from mash_survey.forms import GovukForm, filter_field

from .models import Question
from .queries import ReturnFilter


class StatisticsFilterForm(GovukForm):
    """Narrow every figure to one region or one type of authority. Blank means all."""

    region = filter_field("Region", invalid="Select a region from the list")
    type = filter_field(
        "Type of local authority",
        invalid="Select a type of local authority from the list",
        choices=[("", "All types"), *AuthorityType.choices],
    )

    def __init__(self, data: Any, *, regions: list[Region]) -> None:
        super().__init__(data)
        self.region_names = {r.code: r.name for r in regions}
        self.set_choices("region", [("", "All regions"), *self.region_names.items()])
        self.helper = self.make_helper(Field.select("region"), Field.select("type"))

    def returns(self) -> ReturnFilter:
        """The filter the valid fields describe (a field with a bad value is left out)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return ReturnFilter(
            region=cleaned.get("region", ""), authority_type=cleaned.get("type", "")
        )

    def describe(self, returns: ReturnFilter) -> dict[str, str]:
        """What the figures are narrowed to, in words: the region's name and the type's label
        (blank when not filtered)."""
        return {
            "region": self.region_names[returns.region] if returns.region else "",
            "type": AuthorityType(returns.authority_type).label if returns.authority_type else "",
        }


class AnswerMapForm(GovukForm):
    """For project members: the yes/no or single-choice question whose answers are mapped."""

    map = filter_field("Question to map", invalid="Select a question from the list")

    def __init__(self, data: Any, *, questions: list[Question]) -> None:
        super().__init__(data)
        self.questions = {q.code: q for q in questions}
        self.set_choices("map", [(q.code, _shorten(f"{q.code}. {q.text}")) for q in questions])
        self.helper = self.make_helper(Field.select("map"))

    def question(self) -> Question | None:
        """The question chosen, or the first one when none (or an unknown one) is chosen."""
        self.is_valid()
        code = getattr(self, "cleaned_data", {}).get("map", "")
        if code in self.questions:
            return self.questions[code]
        return next(iter(self.questions.values()), None)


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
