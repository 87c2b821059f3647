"""Reading an answer from what a person typed or a file held, and checking it against its question.

One place for the rules, used by the entry form, the import and the service that saves answers,
so the same value is accepted (or refused with the same message) wherever it comes from.
`parse_answer` reads the format; `answer_breaches` checks a typed answer against its question's
rules (its range, its dates, its length) and can run over stored answers as well.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from mash_survey import rules
from mash_survey.clean_input import CONTROL
from mash_survey.rules import Breach

from .models import Question, QuestionKind

#: Separates the choices of a multiple-choice answer in a file.
MULTIPLE_SEPARATOR = ";"

_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")
_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")
MAX_NUMBER = Decimal("999999999999.99")
#: A value quoted back in a message is cut to this many characters, then "…".
EXCERPT_CHARS = 60


def excerpt(text: str) -> str:
    """`text` as a message quotes it: its first EXCERPT_CHARS characters (then "…"), any
    control character shown as U+FFFD, so a message stays short whatever was typed or sent."""
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + "…"
    return CONTROL.sub("\ufffd", text)


class AnswerError(ValueError):
    """The value does not fit the question; the message says how to fix it."""


@dataclass(frozen=True)
class AnswerValue:
    """A typed answer. Exactly the field for the question's kind is set; all empty = no answer."""

    choices: tuple[str, ...] = field(default=())
    number: Decimal | None = None
    date: dt.date | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.choices and self.number is None and self.date is None and not self.text

    def display(self) -> str:
        """The answer as a person reads it (and as the export and template write it)."""
        if self.choices:
            return f"{MULTIPLE_SEPARATOR} ".join(self.choices)
        if self.number is not None:
            return f"{self.number.normalize():f}"
        if self.date is not None:
            return self.date.isoformat()
        return self.text


EMPTY = AnswerValue()


def allowed_values(question: Question, choice_values: list[str]) -> str:
    """What a file may hold for this question, for templates and messages."""
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        return "Yes or No"
    if kind == QuestionKind.SINGLE_CHOICE:
        return "One of: " + " | ".join(choice_values)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return f"One or more, separated by '{MULTIPLE_SEPARATOR}': " + " | ".join(choice_values)
    limits = rule_hint(question)
    if kind == QuestionKind.NUMBER:
        number = "A whole or decimal number, such as 120 or 2.5"
        return f"{number}; {limits}" if limits else number
    if kind == QuestionKind.DATE:
        return f"A date as YYYY-MM-DD, such as 2012-10-01, {limits}"
    return f"Any text, {limits}"


def _match_choice(raw: str, choice_values: list[str]) -> str | None:
    wanted = raw.strip().casefold()
    for value in choice_values:
        if value.casefold() == wanted:
            return value
    return None


def parse_answer(
    question: Question, raw: str | list[str] | None, choice_values: list[str]
) -> AnswerValue:
    """Turn raw input into a typed answer, or raise AnswerError saying what to enter.

    `raw` is a string (a file cell, a text box) or a list of strings (ticked checkboxes).
    `choice_values` are the question's allowed choices, in order (Yes, No for yes/no).
    Required-ness is not checked here: a draft may leave questions unanswered.
    """
    if raw is None:
        return EMPTY
    if isinstance(raw, list):
        parts = [p.strip() for p in raw if p and p.strip()]
    else:
        text = raw.strip()
        if not text:
            return EMPTY
        parts = [text]

    if not parts:
        return EMPTY
    kind = question.kind

    if kind == QuestionKind.YES_NO:
        word = parts[0].casefold()
        if len(parts) > 1 or word not in _YES | _NO:
            raise AnswerError(f"{question.code}: enter Yes or No")
        return AnswerValue(choices=("Yes" if word in _YES else "No",))

    if kind == QuestionKind.SINGLE_CHOICE:
        if len(parts) > 1:
            raise AnswerError(f"{question.code}: select only one of " + ", ".join(choice_values))
        match = _match_choice(parts[0], choice_values)
        if match is None:
            raise AnswerError(
                f"{question.code}: '{excerpt(parts[0])}' is not one of the choices; enter one of "
                + ", ".join(choice_values)
            )
        return AnswerValue(choices=(match,))

    if kind == QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(raw, list):
            parts = [p.strip() for p in parts[0].split(MULTIPLE_SEPARATOR) if p.strip()]
        chosen: list[str] = []
        for part in parts:
            match = _match_choice(part, choice_values)
            if match is None:
                raise AnswerError(
                    f"{question.code}: '{excerpt(part)}' is not one of the choices; use "
                    + ", ".join(choice_values)
                    + f" (separate several with '{MULTIPLE_SEPARATOR}')"
                )
            if match not in chosen:
                chosen.append(match)
        ordered = tuple(v for v in choice_values if v in chosen)
        return AnswerValue(choices=ordered)

    value = parts[0]
    if kind == QuestionKind.NUMBER:
        if not _NUMBER.match(value):
            raise AnswerError(
                f"{question.code}: '{excerpt(value)}' is not a number; enter digits, such as 120"
            )
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise AnswerError(f"{question.code}: enter a number, such as 120") from None
        if abs(number) > MAX_NUMBER:
            raise AnswerError(f"{question.code}: enter a number smaller than 1,000,000,000,000")
        if number != number.quantize(Decimal("0.01")):
            raise AnswerError(f"{question.code}: enter a number with at most 2 decimal places")
        return _checked(question, AnswerValue(number=number))

    if kind == QuestionKind.DATE:
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            return _checked(question, AnswerValue(date=parsed))
        raise AnswerError(
            f"{question.code}: '{excerpt(value)}' is not a date; enter it as YYYY-MM-DD, "
            "such as 2012-10-01"
        )

    return _checked(question, AnswerValue(text=value))


def _checked(question: Question, value: AnswerValue) -> AnswerValue:
    """The value, or AnswerError with the first rule it breaks."""
    for breach in rules.errors(answer_breaches(question, value)):
        raise AnswerError(f"{question.code}: {breach.message}")
    return value


#: How long after the survey closes a planned date may be.
PLANNED_YEARS = 10


def latest_date(question: Question) -> tuple[dt.date, str]:
    """The latest date a date question accepts, and what it is (for the message)."""
    closes_on = question.survey.closes_on
    if question.allows_planned_dates:
        return dt.date(closes_on.year + PLANNED_YEARS, 12, 31), ""
    return closes_on, "when the survey closed"


def answer_breaches(question: Question, value: AnswerValue) -> list[Breach]:
    """The rules of its question that a typed answer breaks (none for no answer).

    Run by `parse_answer` (so the form and the import refuse the same values with the same
    message), by the service before it writes an answer, and over stored answers. Each
    breach names the question's code as its field.
    """
    code = question.code
    kind = question.kind
    if kind == QuestionKind.NUMBER:
        return rules.found(
            rules.number_range(
                value.number,
                field=code,
                noun=question.unit,
                minimum=question.min_value,
                maximum=question.max_value,
                above_minimum=question.min_exclusive,
            )
        )
    if kind == QuestionKind.DATE:
        latest, latest_is = latest_date(question)
        return rules.found(
            rules.date_range(
                value.date, field=code, noun="a date", latest=latest, latest_is=latest_is
            )
        )
    if kind == QuestionKind.FREE_TEXT:
        return rules.found(
            rules.text_length(value.text, field=code, name="the answer", limit=question.text_limit)
        )
    return []


def rule_hint(question: Question) -> str:
    """What the question's rules allow, as the import template and the API describe them."""
    kind = question.kind
    if kind == QuestionKind.NUMBER and (
        question.min_value is not None or question.max_value is not None
    ):
        return rules.number_range_message(
            question.unit,
            question.min_value,
            question.max_value,
            above_minimum=question.min_exclusive,
        ).removeprefix("Enter ")
    if kind == QuestionKind.DATE:
        latest, _ = latest_date(question)
        return f"between {rules.in_words(rules.EARLIEST_DATE)} and {rules.in_words(latest)}"
    if kind == QuestionKind.FREE_TEXT:
        return f"up to {question.text_limit:,} characters"
    return ""
