"""The form that selects an area for a visit."""

from typing import Any

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.db.models import QuerySet

from areas.models import LocalAuthority
from mash_survey.forms import ONE_CLICK, GovukForm


class VisitSelectionForm(GovukForm):
    local_authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.all(),
        empty_label="Select a local authority",
        error_messages={
            "required": "Select a local authority",
            "invalid_choice": "Select a local authority from the list",
        },
    )
    reason = forms.CharField(
        label="Why should this area be visited?",
        help_text="For example, what its return says about its arrangements that the project "
        "wants to see. Project members read this when they plan the visits.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter why this area should be visited",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, candidates: QuerySet[LocalAuthority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only areas not yet selected are offered; any authority is accepted, so an area
        # selected by someone else meanwhile gets the service's message, not "invalid".
        field = self.fields["local_authority"]
        field.widget.choices = [
            ("", "Select a local authority"),
            *((a.pk, f"{a.name} ({a.region.name})") for a in candidates),
        ]
        self.helper = self.make_helper(
            Field.select("local_authority"),
            Field.textarea("reason", rows=4, max_characters=2000),
            submit=Submit("submit", "Select for a visit", **ONE_CLICK),
        )
