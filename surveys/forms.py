"""The return form, built from a survey's questions, and the filter of the list of returns.

Each answer is read by `values.parse_answer`, as the import reads a file's cells, so the form
accepts the same values and refuses them with the same message (without the question code,
since the message sits beside its question). The form only checks and types the answers;
saving them is `services.response_save_draft`.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.template import Context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from mash_survey.forms import GovukDateField, GovukForm, VersionField, filter_field

from .models import Question, QuestionKind, ReturnState
from .services import REOPEN_REASON_MISSING
from .values import AnswerError, AnswerValue, parse_answer

if TYPE_CHECKING:
    from areas.models import Region

REAL_DATE = "Enter a real date, such as 1 10 2012"
RELOAD = "Reload the page, then enter your answers again"


def _without_code(question: Question, exc: AnswerError) -> str:
    """parse_answer's message as a sentence beside its question: 'Q4: enter…' → 'Enter…'."""
    message = str(exc).removeprefix(f"{question.code}: ")
    return message[:1].upper() + message[1:]


class AnswerChoiceField(forms.ChoiceField):
    """Radios whose value parse_answer checks (so a tampered value gets the import's message)."""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class AnswerMultipleChoiceField(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class SectionHeading:
    """A section's heading between the questions (escaped: it is data, not markup)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> SafeString:
        return format_html('<h2 class="govuk-heading-m govuk-!-margin-top-8">{}</h2>', self.text)


def _initial(question: Question, value: AnswerValue) -> Any:
    kind = question.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return list(value.choices)
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE):
        return value.choices[0] if value.choices else ""
    if kind == QuestionKind.NUMBER:
        return f"{value.number.normalize():f}" if value.number is not None else ""
    if kind == QuestionKind.DATE:
        return value.date
    return value.text


def _field(question: Question) -> forms.Field:
    # Numbered as the statistics number them, so "Q12" means the same question on both.
    label = conditional_escape(question.numbered)  # crispy-forms-gds marks labels safe
    hint = conditional_escape(question.hint)
    common: dict[str, Any] = {"label": label, "help_text": hint, "required": False}
    choices = [(c.value, c.value) for c in question.choices.all()]
    kind = question.kind
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE):
        return AnswerChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return AnswerMultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionKind.NUMBER:
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            **common,
        )
    if kind == QuestionKind.DATE:
        return GovukDateField(
            name="The date", real_date_message=REAL_DATE, four_digit_year=False, **common
        )
    # crispy-forms-gds 2.0 adds the character count's "-info" to aria-describedby, which it
    # only sets itself when the field has a hint: start it empty for questions without one.
    return forms.CharField(widget=forms.Textarea(attrs={"aria-describedby": ""}), **common)


def _layout(question: Question) -> Field:
    name = question.code
    kind = question.kind
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE):
        # Not inline: crispy-forms-gds 2.0 writes `govuk-radios--inline` without `govuk-radios`.
        return Field.radios(name, legend_size=Size.SMALL)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return Field.checkboxes(name, legend_size=Size.SMALL, small=True)
    if kind == QuestionKind.NUMBER:
        return Field.text(name, label_size=Size.SMALL, field_width=Fixed.TEN)
    if kind == QuestionKind.DATE:
        return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})
    # The GOV.UK character count: the limit shows under the box (counted down with
    # JavaScript); parse_answer refuses a longer answer either way.
    return Field.textarea(name, label_size=Size.SMALL, rows=5, max_characters=question.text_limit)


def anchor(question: Question) -> str:
    """The id of the input a link to this question should focus (the first of a group)."""
    kind = question.kind
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return f"id_{question.code}_1"  # crispy-forms-gds numbers radios and checkboxes from 1
    if kind == QuestionKind.DATE:
        return f"id_{question.code}_0"  # the day
    return f"id_{question.code}"


class ReturnForm(GovukForm):
    """One field per question (named by its code) and the version the person started from.

    `require_answers` is set when the person presses Continue: then every required question
    must be answered; a draft may leave them empty.
    """

    version = VersionField(RELOAD)

    def __init__(
        self,
        data: Any = None,
        *,
        questions: list[Question],
        stored: dict[int, AnswerValue],
        version: int,
        require_answers: bool = False,
    ) -> None:
        initial: dict[str, Any] = {"version": version}
        for question in questions:
            initial[question.code] = _initial(question, stored.get(question.pk, AnswerValue()))
        super().__init__(data, initial=initial)
        self.questions = questions
        self.require_answers = require_answers
        self.values: dict[Question, AnswerValue] = {}
        layout: list[Any] = []
        for question in questions:
            self.fields[question.code] = _field(question)
            if question.section:
                layout.append(SectionHeading(question.section))
            layout.append(_layout(question))
        layout.append(Field("version"))
        self.helper = self.make_helper(*layout)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            name = question.code
            if name in self.errors:
                continue
            raw = cleaned.get(name)
            if isinstance(raw, dt.date):
                raw = raw.isoformat()
            try:
                value = parse_answer(
                    question, raw, [choice.value for choice in question.choices.all()]
                )
            except AnswerError as exc:
                self.add_error(name, _without_code(question, exc))
                continue
            if value.is_empty and question.required and self.require_answers:
                # Seven "Select one of the answers" in the summary say nothing: name each one.
                self.add_error(name, question.missing_message)
                continue
            self.values[question] = value
        return cleaned


class ReopenForm(GovukForm):
    """Why a reviewer reopens a submitted return: kept in the return's history."""

    reason = forms.CharField(
        label="Why are you reopening this return?",
        help_text="For example, what needs correcting. This is kept in the return's history.",
        widget=forms.Textarea,
        error_messages={"required": REOPEN_REASON_MISSING},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(Field.textarea("reason", rows=3))


class ReturnFilterForm(GovukForm):
    """The list of returns by region and by where each return stands."""

    region = filter_field("Region", invalid="Select a region from the list")
    status = filter_field(
        "Status",
        invalid="Select a status from the list",
        choices=[("", "All statuses"), *ReturnState.choices],
    )

    def __init__(self, data: Any = None, *, regions: "list[Region]") -> None:
        super().__init__(data)
        self.set_choices("region", [("", "All regions"), *((r.code, r.name) for r in regions)])
        self.helper = self.make_helper(Field.select("region"), Field.select("status"))

    def _chosen(self, name: str) -> str:
        """The value chosen, or "" for all (also when a choice is unknown: the page then
        lists everything, under the message)."""
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data[name])
        return ""

    def selected_region(self) -> str:
        return self._chosen("region")

    def selected_state(self) -> ReturnState | None:
        chosen = self._chosen("status")
        return ReturnState(chosen) if chosen else None
