"""The shared rule helpers: one message per rule, whichever end of a range is broken."""

import datetime as dt
from decimal import Decimal

import pytest

from mash_survey import rules


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (-1, {"minimum": 0}, "Enter a number of contacts of 0 or more"),
        (0, {"minimum": 0, "above_minimum": True}, "Enter a number of contacts more than 0"),
        (11, {"maximum": 10}, "Enter a number of contacts of 10 or less"),
        (-1, {"minimum": 0, "maximum": 10}, "Enter a number of contacts between 0 and 10"),
        (11, {"minimum": 0, "maximum": 10}, "Enter a number of contacts between 0 and 10"),
        (
            Decimal("0.25"),
            {"minimum": Decimal("0.5"), "maximum": Decimal(1200)},
            "Enter a number of contacts between 0.5 and 1,200",
        ),
    ],
)
def test_a_number_out_of_range_gets_one_message_for_its_rule(value, kwargs, message):
    breach = rules.number_range(value, field="n", noun="contacts", **kwargs)

    assert breach is not None
    assert (breach.rule, breach.fields, breach.message) == ("number_range", ("n",), message)


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [(0, {"minimum": 0}), (10, {"maximum": 10}), (None, {"minimum": 0}), (-5, {})],
)
def test_a_number_in_range_or_missing_breaks_nothing(value, kwargs):
    assert rules.number_range(value, field="n", **kwargs) is None


def test_without_a_noun_the_message_asks_for_a_number():
    breach = rules.number_range(-1, field="n", minimum=0)

    assert breach is not None and breach.message == "Enter a number of 0 or more"


def test_a_date_out_of_range_names_both_ends_and_why_the_latest():
    latest = dt.date(2012, 11, 30)

    early = rules.date_range(
        dt.date(1989, 1, 1), field="d", noun="a date", latest=latest, latest_is="when it closed"
    )
    late = rules.date_range(
        dt.date(2012, 12, 1), field="d", noun="a date", latest=latest, latest_is="when it closed"
    )

    message = "Enter a date between 1 January 1990 and 30 November 2012, when it closed"
    assert early is not None and late is not None
    assert early.message == late.message == message
    assert rules.date_range(latest, field="d", noun="a date", latest=latest) is None


def test_a_text_is_counted_as_the_character_count_counts_it():
    assert rules.characters("a\r\nb") == 3
    assert rules.text_length("a\r\nb", field="t", name="the text", limit=3) is None
    breach = rules.text_length("abcd", field="t", name="the text", limit=3)
    assert breach is not None and breach.message == "The text must be 3 characters or fewer"


def test_errors_block_and_warnings_do_not():
    error = rules.Breach("a", ("x",), "Fix it")
    warning = rules.Breach("b", ("x", "y"), "Check it", rules.Severity.WARNING)

    assert rules.errors([error, warning]) == [error]
    assert rules.warnings([error, warning]) == [warning]
    assert error.blocks and not warning.blocks
