"""The forms of the visits list and the review: the list's filter (a GET form) and a
reviewer's decision on a submitted visit or feedback record."""

import datetime as dt
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from areas.models import Region
from mash_survey import publishing
from mash_survey.forms import GovukForm, VersionField, filter_field

from .models import ModelSeen, ReviewStatus
from .queries import VisitFilter

RELOAD = "Reload the page, then make your decision again"


def month_value(month: dt.date) -> str:
    """A month as the filter writes it in the address: "2013-02"."""
    return f"{month:%Y-%m}"


class VisitFilterForm(GovukForm):
    """Narrow the list of visits by region, model, status and month. Blank means all; a value
    that is not in the list is reported and left out of the filter."""

    region = filter_field("Region", invalid="Select a region from the list")
    model = filter_field(
        "Model seen",
        invalid="Select a model from the list",
        choices=[("", "All models"), *ModelSeen.choices],
    )
    status = filter_field(
        "Status",
        invalid="Select a status from the list",
        choices=[("", "All statuses"), *ReviewStatus.choices],
    )
    month = filter_field("Month", invalid="Select a month from the list")

    def __init__(self, data: Any = None, *, regions: list[Region], months: list[dt.date]) -> None:
        super().__init__(data)
        self.region_names = {r.code: r.name for r in regions}
        self.months = {month_value(m): m for m in months}
        self.set_choices("region", [("", "All regions"), *self.region_names.items()])
        months_shown = [(k, f"{m:%B %Y}") for k, m in self.months.items()]
        self.set_choices("month", [("", "All months"), *months_shown])
        self.helper = self.make_helper(
            Field.select("region"),
            Field.select("model"),
            Field.select("status"),
            Field.select("month"),
        )

    def visit_filter(self) -> VisitFilter:
        """The filter the valid fields describe (a field with a bad value is left out)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return VisitFilter(
            region=cleaned.get("region", ""),
            model=cleaned.get("model", ""),
            status=cleaned.get("status", ""),
            month=self.months.get(cleaned.get("month", "")),
        )

    def describe(self, visit_filter: VisitFilter) -> list[str]:
        """What the list is narrowed to, in words ("in London", "approved")."""
        parts = []
        if visit_filter.region:
            parts.append(f"in {self.region_names[visit_filter.region]}")
        if visit_filter.model:
            parts.append(f"where the model seen is “{ModelSeen(visit_filter.model).label}”")
        if visit_filter.status:
            parts.append(f"with the status “{ReviewStatus(visit_filter.status).label}”")
        if visit_filter.month:
            parts.append(f"in {visit_filter.month:%B %Y}")
        return parts


APPROVE = "approve"
RETURN = "return"


class ReviewForm(GovukForm):
    """A reviewer approves a submitted record or returns it with a comment. When the scan
    found possible identifiers, approving needs the reviewer to confirm the reason given at
    submission (`kept_reason`) or, without one, to give their own; the history keeps it."""

    decision = forms.ChoiceField(widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Comment for the authors",
        help_text="Needed to return it: say what needs to change. Do not name anyone.",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"max_length": "The comment must be 4,000 characters or fewer"},
    )
    override_confirmed = forms.BooleanField(
        label=publishing.CONFIRM_LABEL,
        help_text="Needed to approve it.",
        required=False,
    )
    override_reason = forms.CharField(
        label="Why is it safe to approve it with the possible identifiers?",
        help_text="Needed to approve it anyway, in at least a sentence: for example, the "
        "number is a service's helpline, not a person's. The reason is kept in the history.",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )
    version = VersionField(RELOAD, min_value=1)

    def __init__(
        self,
        data: Any = None,
        *,
        record_name: str,
        has_identifiers: bool,
        kept_reason: str,
        version: int,
    ) -> None:
        super().__init__(data, initial={"version": version})
        self.record_name = record_name
        self.has_identifiers = has_identifiers
        self.confirms = has_identifiers and bool(kept_reason)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.label = f"Do you approve this {record_name}?"
        decision.error_messages["required"] = (
            f"Select whether to approve the {record_name} or return it"
        )
        decision.error_messages["invalid_choice"] = decision.error_messages["required"]
        if has_identifiers:
            approve = Choice(
                APPROVE,
                "Approve anyway",
                hint="Only if the possible identifiers do not identify a child, a family or "
                "a member of staff. "
                + ("Confirm the reason below." if self.confirms else "Give the reason below."),
            )
        else:
            approve = Choice(APPROVE, "Approve", hint="It counts in the findings from now on.")
        decision.choices = [
            approve,
            Choice(RETURN, "Return it with a comment", hint="Its authors can change it."),
        ]
        layout: list[Any] = [
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("comment", label_size=Size.SMALL, rows=4),
        ]
        if self.confirms:
            layout.append(Field.checkbox("override_confirmed", small=True))
        else:
            del self.fields["override_confirmed"]
        if has_identifiers and not self.confirms:
            layout.append(Field.textarea("override_reason", label_size=Size.SMALL, rows=3))
        else:
            del self.fields["override_reason"]
        layout.append(Field("version"))
        self.helper = self.make_helper(*layout)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if decision == RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what needs to change")
        if decision != APPROVE:
            return cleaned
        if self.confirms and not cleaned.get("override_confirmed"):
            self.add_error("override_confirmed", publishing.NOT_CONFIRMED)
        if "override_reason" in self.fields and not publishing.is_a_sentence(
            cleaned.get("override_reason", "")
        ):
            self.add_error("override_reason", publishing.SHORT_REASON)
        return cleaned
