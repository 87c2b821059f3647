"""The rules on what a visit and its detailed feedback record, in one place.

`feedback_breaches` reads the feedback's values by field name (the model's names, as the form's
`content()` and `feedback_save` shape them) and returns every rule they break
(`mash_survey.rules.Breach`): the form shows the errors at their fields, the service refuses
them, and the warnings (figures that look wrong but may be right) are shown on the pages after
the save goes through. `feedback_record_breaches` runs the same rules over a saved record, so
they can run over every record.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from mash_survey import rules
from mash_survey.rules import Breach, Severity

from .models import DetailedFeedback, Visit

#: The most characters each free text may have.
NOTES_LIMIT = 20_000
FEEDBACK_TEXT_LIMIT = 5_000
BOARD_CHAIR_LIMIT = 200  # the model's own limit

#: A month's contacts or referrals for a whole area: a few thousand in the largest.
MONTHLY_MAX = 100_000
#: Hours to complete the checks on a contact: more than 0, at most a year.
HOURS_MAX = 8_760
RATINGS = ("red", "amber", "green", "blue")

#: Each number: (its noun in messages, lowest, highest, must be more than the lowest).
NUMBERS: dict[str, tuple[str, int, int, bool]] = {
    "monthly_contacts": ("contacts a month", 0, MONTHLY_MAX, False),
    "monthly_referrals": ("referrals a month", 0, MONTHLY_MAX, False),
    **{f"{r}_hours": (f"hours for a {r} rating", 0, HOURS_MAX, True) for r in RATINGS},
}
#: Each date: its noun in messages. Neither is about plans: both are on or before the visit.
DATES = {
    "established_on": "a start date",
    "isa_signed_on": "the date it was signed",
}
#: Each free text and the name messages give it.
TEXTS = {
    "board_chair": ("the chair's role", BOARD_CHAIR_LIMIT),
    "isa_signatories": ("the agencies that signed", FEEDBACK_TEXT_LIMIT),
    "shared_it": ("the shared IT or case system", FEEDBACK_TEXT_LIMIT),
    "outcome_measures": ("the outcome measures", FEEDBACK_TEXT_LIMIT),
    "success_factors": ("the success factors", FEEDBACK_TEXT_LIMIT),
    "barriers": ("the barriers", FEEDBACK_TEXT_LIMIT),
    "costs_and_funding": ("the costs and funding", FEEDBACK_TEXT_LIMIT),
    "lessons": ("the lessons and next steps", FEEDBACK_TEXT_LIMIT),
}
TEXT_LIMITS = {name: limit for name, (_, limit) in TEXTS.items()}

#: An answer that only makes sense with "yes" to another: (its parent, the message).
DEPENDENTS = {
    "blue_hours": (
        "uses_blue_rating",
        "Select BRAG if the area uses a blue rating, or delete the blue hours",
    ),
    "board_chair": (
        "has_governance_board",
        "Select yes if there is a governance board, or delete who chairs it",
    ),
    "isa_signed_on": (
        "isa_signed",
        "Select yes if an information sharing agreement has been signed, or delete the date "
        "it was signed",
    ),
    "isa_signatories": (
        "isa_signed",
        "Select yes if an information sharing agreement has been signed, or delete the "
        "agencies that signed it",
    ),
}

#: Figures that should not be larger than another: (the larger, the smaller, their labels).
ORDERED = (
    ("monthly_referrals", "monthly_contacts", "Referrals a month", "contacts a month"),
    ("red_hours", "amber_hours", "Red hours", "amber hours"),
    ("amber_hours", "green_hours", "Amber hours", "green hours"),
)
ORDER_REASONS = {
    "monthly_referrals": "every referral starts as a contact",
    "red_hours": "red is more urgent than amber",
    "amber_hours": "amber is more urgent than green",
}


def latest_date(visit_date: dt.date | None, today: dt.date) -> tuple[dt.date, str]:
    """The latest date the feedback's dates may have, and what it is: the visit's date, or
    today for a visit dated later."""
    if visit_date is not None and visit_date <= today:
        return visit_date, "the date of the visit"
    return today, "today"


def _number(name: str, value: Any) -> Breach | None:
    noun, lowest, highest, above = NUMBERS[name]
    return rules.number_range(
        value,
        field=name,
        noun=noun,
        minimum=lowest,
        maximum=highest,
        above_minimum=above,
        rule=f"{name}_range",
    )


def _larger(
    larger: str, smaller: str, label: str, other: str, values: Mapping[str, Any]
) -> Breach | None:
    big, small = values.get(larger), values.get(smaller)
    if big is None or small is None or big <= small:
        return None
    return Breach(
        f"{larger}_over_{smaller}",
        (larger, smaller),
        f"{label} ({rules.number_text(big)}) is more than {other} ({rules.number_text(small)}). "
        f"Check both figures: {ORDER_REASONS[larger]}.",
        Severity.WARNING,
    )


def feedback_breaches(
    values: Mapping[str, Any], *, visit_date: dt.date | None, today: dt.date | None = None
) -> list[Breach]:
    """Every rule the feedback's values break, errors first: an answer without its parent,
    then dates, numbers and texts out of range; then the warnings.

    `values` holds the model's fields by name (a missing one counts as not answered); yes or
    no answers are True, False or None (not answered).
    """
    today = today or timezone.localdate()
    latest, latest_is = latest_date(visit_date, today)
    found: list[Breach | None] = []
    # An answer without its parent first: "delete the date" comes before the date's range.
    for name, (parent, message) in DEPENDENTS.items():
        found.append(
            rules.needs_parent(
                has_value=values.get(name) not in (None, ""),
                parent_given=values.get(parent) is True,
                fields=(name, parent),
                message=message,
                rule=f"{name}_needs_{parent}",
            )
        )
    for name, noun in DATES.items():
        found.append(
            rules.date_range(
                values.get(name),
                field=name,
                noun=noun,
                latest=latest,
                latest_is=latest_is,
                rule=f"{name}_range",
            )
        )
    found += [_number(name, values.get(name)) for name in NUMBERS]
    for name, (label, limit) in TEXTS.items():
        found.append(
            rules.text_length(
                values.get(name) or "", field=name, name=label, limit=limit, rule=f"{name}_length"
            )
        )
    found += [_larger(*order, values) for order in ORDERED]
    breaches = rules.found(*found)
    return rules.errors(breaches) + rules.warnings(breaches)


def feedback_record_breaches(
    feedback: DetailedFeedback, *, today: dt.date | None = None
) -> list[Breach]:
    """The rules a saved feedback record breaks now."""
    names = {*DATES, *NUMBERS, *TEXTS, *(parent for parent, _ in DEPENDENTS.values())}
    values = {name: getattr(feedback, name) for name in names}
    return feedback_breaches(values, visit_date=feedback.visit.visit_date, today=today)


def feedback_warnings(feedback: DetailedFeedback | None) -> list[Breach]:
    """What to ask people to check in a saved feedback record (none before its first save):
    its warnings, and any error in a record saved before the rule (a save now refuses it)."""
    if feedback is None:
        return []
    return feedback_record_breaches(feedback)


def visit_breaches(values: Mapping[str, Any]) -> list[Breach]:
    """Every rule a visit's values break (its notes' length)."""
    return rules.found(
        rules.text_length(
            values.get("notes") or "",
            field="notes",
            name="the notes",
            limit=NOTES_LIMIT,
            rule="notes_length",
        )
    )


def visit_record_breaches(visit: Visit) -> list[Breach]:
    return visit_breaches({"notes": visit.notes})
