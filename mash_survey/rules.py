"""Rules on the values people enter, written once and run wherever a value comes in.

A rule is a function that reads a record's values (or a single value) and returns the
`Breach`es it finds: which rule, which fields, and a message that says how to fix it. An
error blocks the save; a warning is shown and the save goes through (a figure that looks
wrong may be right). The same functions run in a form, in an import, in the service that
saves, and can run over every stored record to list what breaks a rule today.

The helpers here build the common rules with one message each: a number's range, a date's
range, and a text's length. Each app writes its own record rules with them
(`surveys.values.answer_breaches`, `visits.rules.feedback_breaches`).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

#: No date an area gives us is earlier than this: the arrangements started long after.
EARLIEST_DATE = dt.date(1990, 1, 1)


class Severity(StrEnum):
    ERROR = "error"  # the value is refused
    WARNING = "warning"  # the value is saved, and the pages ask to check it


@dataclass(frozen=True)
class Breach:
    """A rule a value or record breaks: the rule's code, the fields it is about (the first
    is where a form shows it), the message, and whether it blocks the save."""

    rule: str
    fields: tuple[str, ...]
    message: str
    severity: Severity = Severity.ERROR

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.ERROR


def errors(breaches: Iterable[Breach]) -> list[Breach]:
    return [b for b in breaches if b.blocks]


def warnings(breaches: Iterable[Breach]) -> list[Breach]:
    return [b for b in breaches if not b.blocks]


def in_words(date: dt.date) -> str:
    """1 January 2013."""
    return f"{date.day} {date:%B %Y}"


def number_text(value: Decimal | int) -> str:
    """A number as messages write it: 1,200, 0.5, 0."""
    if isinstance(value, Decimal):
        value = value.normalize()
        whole = value == value.to_integral_value()
        return f"{int(value):,}" if whole else f"{value:,f}"
    return f"{value:,}"


def number_range(
    value: Decimal | int | None,
    *,
    field: str,
    noun: str = "",
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    above_minimum: bool = False,
    rule: str = "number_range",
) -> Breach | None:
    """A number below `minimum` (or equal to it, with `above_minimum`) or above `maximum`.

    One message whichever end is broken: "Enter a number of contacts a month of 0 or more",
    "Enter a number of hours more than 0", "Enter a number of hours between 1 and 24".
    `noun` is what the number counts, in the plural ("" for "Enter a number …").
    """
    if value is None or (minimum is None and maximum is None):
        return None
    too_low = minimum is not None and (value <= minimum if above_minimum else value < minimum)
    too_high = maximum is not None and value > maximum
    if not (too_low or too_high):
        return None
    return Breach(
        rule, (field,), number_range_message(noun, minimum, maximum, above_minimum=above_minimum)
    )


def number_range_message(
    noun: str,
    minimum: Decimal | int | None,
    maximum: Decimal | int | None,
    *,
    above_minimum: bool = False,
) -> str:
    what = f"a number of {noun}" if noun else "a number"
    if minimum is not None and maximum is not None:
        if above_minimum:
            low, high = number_text(minimum), number_text(maximum)
            return f"Enter {what} more than {low} and no more than {high}"
        return f"Enter {what} between {number_text(minimum)} and {number_text(maximum)}"
    if minimum is not None:
        if above_minimum:
            return f"Enter {what} more than {number_text(minimum)}"
        return f"Enter {what} of {number_text(minimum)} or more"
    assert maximum is not None
    return f"Enter {what} of {number_text(maximum)} or less"


def date_range(
    value: dt.date | None,
    *,
    field: str,
    noun: str,
    latest: dt.date,
    latest_is: str = "",
    earliest: dt.date = EARLIEST_DATE,
    rule: str = "date_range",
) -> Breach | None:
    """A date before `earliest` or after `latest`: "Enter a date between 1 January 1990 and
    30 November 2012, when the survey closed" (`noun` "a date", `latest_is` "when the survey
    closed")."""
    if value is None or earliest <= value <= latest:
        return None
    why = f", {latest_is}" if latest_is else ""
    return Breach(
        rule,
        (field,),
        f"Enter {noun} between {in_words(earliest)} and {in_words(latest)}{why}",
    )


def characters(text: str) -> int:
    """How many characters a text has, as the character count counts them: a line break is
    one character, though a browser sends it as two."""
    return len(text.replace("\r\n", "\n"))


def text_length(
    value: str, *, field: str, name: str, limit: int, rule: str = "text_length"
) -> Breach | None:
    """A text longer than `limit`: "The answer must be 5,000 characters or fewer"."""
    if characters(value) <= limit:
        return None
    return Breach(rule, (field,), text_length_message(name, limit))


def text_length_message(name: str, limit: int) -> str:
    return f"{name[:1].upper()}{name[1:]} must be {limit:,} characters or fewer"


def needs_parent(
    *, has_value: bool, parent_given: bool, fields: tuple[str, str], message: str, rule: str
) -> Breach | None:
    """An answer that only makes sense with another one (`fields`: the dependent, then its
    parent) given without it."""
    if has_value and not parent_given:
        return Breach(rule, fields, message)
    return None


def found(*breaches: Breach | None) -> list[Breach]:
    """The breaches a record's rules found (each rule returns one or None)."""
    return [b for b in breaches if b is not None]
