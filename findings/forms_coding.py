"""The forms of the coding pages: code a passage (selected in the text, or pasted), change an
excerpt's themes and memo, re-confirm a stale excerpt on a new passage, and set a quote's
clearance."""

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db.models import Q, QuerySet

from mash_survey.forms import GovukForm, VersionField

from .models import Clearance, Theme, ThemeStatus

RELOAD = "Reload the page, then make your change again"


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        theme: Theme = obj
        if theme.parent is not None:
            return f"{theme.parent.name}: {theme.name}"
        return theme.name


def theme_choices(also: QuerySet[Theme] | None = None) -> QuerySet[Theme]:
    """The themes a passage can be coded to (active ones, main themes each before their
    sub-themes), and any of `also` (the excerpt's own, if retired since)."""
    chosen = Q(status=ThemeStatus.ACTIVE)
    if also is not None:
        chosen |= Q(pk__in=also.values("pk"))
    return (
        Theme.objects.filter(chosen)
        .select_related("parent")
        .order_by("parent__order", "parent__name", "order", "name")
    )


def _themes_field() -> ThemeChoiceField:
    return ThemeChoiceField(
        queryset=Theme.objects.none(),
        label="Themes",
        help_text="Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one theme",
            "invalid_choice": "Select themes from the list",
            "invalid_pk_value": "Select themes from the list",
        },
    )


def _memo_field() -> forms.CharField:
    return forms.CharField(
        label="Memo (optional)",
        help_text="Why the passage belongs in these themes, or anything to check later.",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"max_length": "The memo must be 4,000 characters or fewer"},
    )


def _passage_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="Select it in the text above, or copy and paste it here exactly.",
        widget=forms.Textarea,
        strip=False,  # compared with the source as it is
        error_messages={"required": "Select or paste the passage to code"},
    )


def _offset_field() -> forms.IntegerField:
    # Filled in by the page's script from a selection: without it, the passage is searched for.
    return forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class _PassageForm(GovukForm):
    """A passage of the source: selected (its offsets) or pasted."""

    def offsets(self) -> tuple[int, int] | None:
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start is None or end is None:
            return None
        return start, end

    def non_field_anchor(self) -> str:
        return self["passage"].auto_id


class CodePassageForm(_PassageForm):
    """Code a passage of a source to one or more themes."""

    passage = _passage_field("Passage to code")
    start = _offset_field()
    end = _offset_field()
    occurrence = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="The passage appears more than once. Which one do you mean?",
        error_messages={"invalid_choice": "Select which place in the text you mean"},
    )
    themes = _themes_field()
    memo = _memo_field()

    def __init__(self, data: Any = None, *, occurrences: list[str] | None = None) -> None:
        super().__init__(data)
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = theme_choices()
        layout: list[Any] = [
            Field.textarea("passage", label_size=Size.SMALL, rows=3),
            "start",
            "end",
        ]
        self.show_occurrences(occurrences or [])
        if occurrences:
            layout.append(Field.radios("occurrence", legend_size=Size.SMALL))
        layout += [
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Field.textarea("memo", label_size=Size.SMALL, rows=2),
        ]
        self.helper = self.make_helper(*layout)
        self.has_occurrences = bool(occurrences)

    def show_occurrences(self, occurrences: list[str]) -> None:
        """Offer the places the passage appears, each in the words around it."""
        self.set_choices(
            "occurrence",
            [Choice(str(n), f"Place {n}", hint=text) for n, text in enumerate(occurrences, 1)],
        )


class ExcerptForm(GovukForm):
    """Change an excerpt's themes and memo."""

    themes = _themes_field()
    memo = _memo_field()
    version = VersionField(RELOAD, min_value=1)

    def __init__(self, data: Any = None, *, current: QuerySet[Theme], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = theme_choices(also=current)
        self.helper = self.make_helper(
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Field.textarea("memo", label_size=Size.SMALL, rows=2),
            "version",
        )


class ReconfirmForm(_PassageForm):
    """Re-confirm a stale excerpt on a passage of the source as it is now."""

    passage = _passage_field("Passage as it is now")
    start = _offset_field()
    end = _offset_field()
    version = VersionField(RELOAD, min_value=1)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.helper = self.make_helper(
            Field.textarea("passage", label_size=Size.SMALL, rows=3), "start", "end", "version"
        )


class ClearanceForm(GovukForm):
    """How far the quote may go in public (reviewers)."""

    clearance = forms.ChoiceField(
        label="How may the quote be used in published findings?",
        widget=forms.RadioSelect,
        choices=[
            Choice(
                Clearance.NOT_FOR_PUBLICATION,
                Clearance.NOT_FOR_PUBLICATION.label,
                hint="Only project staff see it.",
            ),
            Choice(
                Clearance.UNATTRIBUTED,
                Clearance.UNATTRIBUTED.label,
                hint="Shown as from “an area visited”.",
            ),
            Choice(Clearance.REGION, Clearance.REGION.label, hint="Shown with its region."),
            Choice(Clearance.AREA, Clearance.AREA.label, hint="Shown with the area's name."),
        ],
        error_messages={
            "required": "Select how the quote may be used",
            "invalid_choice": "Select how the quote may be used",
        },
    )
    version = VersionField(RELOAD, min_value=1)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.helper = self.make_helper(Field.radios("clearance", legend_size=Size.SMALL), "version")
