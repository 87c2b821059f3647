"""The forms of the codebook and the findings pages (staff): a theme, a merge, a finding, its
evidence, and a reviewer's agreement."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from mash_survey.forms import GovukForm, VersionField, filter_field

from .models import Excerpt, Theme

RELOAD = "Reload the page, then make your changes again."


def _theme_field(label: str, **kwargs: Any) -> "forms.ModelChoiceField[Theme]":
    return forms.ModelChoiceField(queryset=Theme.objects.none(), label=label, **kwargs)


class FindingFilterForm(GovukForm):
    """The findings to manage, narrowed to one theme (blank for all)."""

    theme = filter_field("Theme", invalid="Select a theme from the list")

    def __init__(self, data: Any = None, *, themes: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.set_choices("theme", [("", "All themes"), *themes])
        self.helper = self.make_helper(Field.select("theme"))

    def selected_theme(self) -> str:
        """The slug of the theme chosen, or "" for all (also when it is not in the list: the
        page then lists every finding, under the message)."""
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data["theme"])
        return ""


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages={
            "required": "Enter the theme's name",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    definition = forms.CharField(
        label="Definition",
        help_text="What belongs in the theme and what does not, so two people code alike.",
        widget=forms.Textarea,
        error_messages={"required": "Enter what belongs in the theme"},
    )
    parent = _theme_field(
        "Sub-theme of",
        required=False,
        empty_label="None: it is a main theme",
        error_messages={"invalid_choice": "Select a main theme from the list"},
    )
    order = forms.IntegerField(
        label="Order in the codebook",
        help_text="Themes with lower numbers come first.",
        min_value=0,
        initial=0,
        error_messages={
            "required": "Enter the theme's place in the codebook, such as 0",
            "invalid": "Enter the theme's place in the codebook as a whole number, such as 3",
            "min_value": "The theme's place in the codebook must be 0 or more",
        },
    )
    version = VersionField(RELOAD, required=False)

    def __init__(self, *args: Any, parents: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Theme.objects.filter(pk__in=[t.pk for t in parents])
        self.helper = self.make_helper(
            Field.text("name", field_width=30),
            Field.textarea("definition", rows=5),
            Field.select("parent"),
            Field.text("order", field_width=4),
            "version",
        )


class MergeForm(GovukForm):
    into = _theme_field(
        "Theme to merge into",
        empty_label="Select a theme",
        error_messages={
            "required": "Select the theme to merge into",
            "invalid_choice": "Select an active theme from the list",
        },
    )

    def __init__(self, *args: Any, choices: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        assert isinstance(into, forms.ModelChoiceField)
        into.queryset = Theme.objects.filter(pk__in=[t.pk for t in choices])
        self.helper = self.make_helper(Field.select("into"))


class FindingForm(GovukForm):
    theme = _theme_field(
        "Theme",
        empty_label="Select a theme",
        error_messages={
            "required": "Select the finding's theme",
            "invalid_choice": "Select an active theme from the list",
        },
    )
    headline = forms.CharField(
        label="Headline",
        help_text="One sentence a reader remembers.",
        max_length=200,
        error_messages={
            "required": "Enter the finding's headline",
            "max_length": "The headline must be 200 characters or fewer",
        },
    )
    statement = forms.CharField(
        label="Statement",
        help_text="What the evidence shows, in Markdown. Do not name anyone.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the finding's statement"},
    )
    order = forms.IntegerField(
        label="Order within the theme",
        min_value=0,
        initial=0,
        error_messages={
            "required": "Enter the finding's place within its theme, such as 0",
            "invalid": "Enter the finding's place as a whole number, such as 2",
            "min_value": "The finding's place must be 0 or more",
        },
    )
    version = VersionField(RELOAD, required=False)

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme = self.fields["theme"]
        assert isinstance(theme, forms.ModelChoiceField)
        theme.queryset = Theme.objects.filter(pk__in=[t.pk for t in themes])
        self.helper = self.make_helper(
            Field.select("theme"),
            Field.text("headline"),
            Field.textarea("statement", rows=8),
            Field.text("order", field_width=4),
            "version",
        )


class EvidenceForm(forms.Form):
    """The excerpts and survey questions a finding cites (the page writes its own
    checkboxes, to show each quote with its source and stale flag)."""

    excerpts = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Select excerpts from the list"},
    )
    questions = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Select survey questions from the list"},
    )
    version = VersionField(RELOAD)

    def __init__(
        self, *args: Any, excerpts: list[Excerpt], question_ids: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("excerpts", [(e.pk, str(e.pk)) for e in excerpts])
        self.set_choices("questions", [(pk, str(pk)) for pk in question_ids])

    def set_choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def error_links(self) -> list[tuple[str, str]]:
        anchors = {"excerpts": "excerpts", "questions": "questions", "version": ""}
        links = [("", str(message)) for message in self.non_field_errors()]
        for name, messages in self.errors.items():
            if name in anchors:
                links.extend((anchors[name], str(message)) for message in messages)
        return links


class AgreeForm(GovukForm):
    """A reviewer agrees a draft finding. When its text holds possible identifiers, agreeing
    needs a reason and a tick confirming that they identify nobody; the history keeps both."""

    override_reason = forms.CharField(
        label="Why can the possible identifiers stay?",
        help_text="For example: the number is a service's helpline, not a person's. The "
        "reason is kept with the finding and in its history.",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )
    confirm = forms.BooleanField(
        label="I have checked that the possible identifiers do not identify a child, a family "
        "or a member of staff",
        required=False,
    )
    version = VersionField(RELOAD)

    def __init__(self, *args: Any, has_identifiers: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_identifiers = has_identifiers
        layout: list[Any] = []
        if has_identifiers:
            layout += [
                Field.textarea("override_reason", label_size=Size.SMALL, rows=3),
                Field.checkbox("confirm"),
            ]
        else:
            del self.fields["override_reason"]
            del self.fields["confirm"]
        self.helper = self.make_helper(*layout, "version")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_identifiers:
            if not cleaned.get("override_reason", "").strip():
                self.add_error(
                    "override_reason",
                    "Enter why the possible identifiers can stay, or change the finding",
                )
            if not cleaned.get("confirm"):
                self.add_error(
                    "confirm", "Confirm that the possible identifiers do not identify anyone"
                )
        return cleaned
