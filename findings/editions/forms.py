"""The forms of the report editions' staff pages: an edition's texts (the page writes its own
checkboxes and order boxes for the themes, findings and case studies it includes), amending a
published edition, and publishing."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from mash_survey.forms import GovukForm, VersionField

RELOAD = "Reload the page, then make your changes again."
SHORTCODES_HELP = (
    "Markdown. Write no number by hand: {{ number KEY }} puts a figure's number in a "
    "sentence and {{ figure KEY }} on a line of its own puts its chart and table, with a key "
    "from the figures page."
)


class EditionForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        initial="Early findings",
        error_messages={"max_length": "The title must be 200 characters or fewer"},
        required=False,
    )
    slug = forms.CharField(
        label="Web address",
        help_text="The edition's pages are at /findings/<web address>/. Lower-case letters, "
        "numbers and hyphens, such as early-findings-2026.",
        max_length=80,
        error_messages={
            "required": "Enter the edition's web address, such as early-findings-2026",
            "max_length": "The web address must be 80 characters or fewer",
        },
    )
    summary = forms.CharField(
        label="Summary",
        help_text="Two or three sentences for the top of the report.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the edition's summary"},
    )
    introduction = forms.CharField(
        label="Introduction", help_text=SHORTCODES_HELP, widget=forms.Textarea, required=False
    )
    method = forms.CharField(
        label="Method", help_text=SHORTCODES_HELP, widget=forms.Textarea, required=False
    )
    caveats = forms.CharField(
        label="Caveats",
        help_text="What the findings are and are not: the views of the areas visited, not "
        "evaluated or validated; no model is endorsed; read alongside statutory guidance.",
        widget=forms.Textarea,
        required=False,
    )
    amendment_reason = forms.CharField(
        label="Why the edition it amends is corrected",
        help_text="Public: readers see it, with the date, in every edition's updates.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the amendment"},
    )
    version = VersionField(RELOAD, required=False)

    def __init__(self, *args: Any, amendment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = [
            Field.text("title"),
            Field.text("slug", field_width=30),
            Field.textarea("summary", rows=4),
            Field.textarea("introduction", rows=8),
            Field.textarea("method", rows=8),
            Field.textarea("caveats", rows=6),
        ]
        if amendment:
            layout.append(Field.textarea("amendment_reason", rows=3))
        else:
            del self.fields["amendment_reason"]
        self.helper = self.make_helper(*layout, "version")


class AmendForm(GovukForm):
    slug = forms.CharField(
        label="Web address of the new edition",
        max_length=80,
        error_messages={
            "required": "Enter the new edition's web address",
            "max_length": "The web address must be 80 characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why is the edition corrected?",
        help_text="Public: readers see it, with the date, in every edition's updates. For "
        "example: a finding's wording said more than its evidence shows.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the amendment"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.text("slug", field_width=30), Field.textarea("reason", rows=3)
        )


class PublishForm(GovukForm):
    """A reviewer publishes; possible identifiers in the edition's texts need their reason."""

    override_reason = forms.CharField(
        label="Why can the possible identifiers stay?",
        help_text="Kept with the edition and in its history.",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, has_identifiers: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_identifiers:
            self.helper = self.make_helper(
                Field.textarea("override_reason", label_size=Size.SMALL, rows=3)
            )
        else:
            del self.fields["override_reason"]
            self.helper = self.make_helper()
