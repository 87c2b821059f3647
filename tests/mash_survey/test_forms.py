"""The GOV.UK form base: the error summary's links, the date input and the hidden version."""

import datetime as dt

from crispy_forms_gds.layout import Field
from django import forms

from mash_survey.forms import GovukDateField, GovukForm, VersionField, seen_version


class ExampleForm(GovukForm):
    name = forms.CharField(label="Name", error_messages={"required": "Enter your name"})
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a colour"},
    )
    born_on = GovukDateField(name="Date of birth", required_message="Enter your date of birth")
    version = VersionField("Reload the page, then try again")

    def __init__(self, data: dict[str, str] | None = None) -> None:
        super().__init__(data)
        self.helper = self.make_helper(Field.text("name"), Field.radios("colour"), "born_on")


def test_the_error_summary_links_each_message_to_its_input_with_the_version_first() -> None:
    form = ExampleForm({"name": "", "born_on_0": "1", "born_on_1": "", "born_on_2": "2013"})
    assert not form.is_valid()
    assert form.error_links() == [
        ("", "Reload the page, then try again"),
        ("id_name", "Enter your name"),
        ("id_colour_1", "Select a colour"),
        ("id_born_on_1", "Date of birth must include a month"),
    ]


def test_a_problem_with_the_whole_form_has_no_link() -> None:
    form = ExampleForm({"name": "Sam", "colour": "red", "born_on_0": "1", "born_on_1": "2"})
    form.data = {**form.data, "born_on_2": "2013", "version": "1"}
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born_on"] == dt.date(2013, 2, 1)
    form.add_error(None, "This was changed by someone else")
    assert form.error_links() == [("", "This was changed by someone else")]


def test_a_preview_hides_the_problems() -> None:
    form = ExampleForm({})
    form.hide_errors()
    assert form.error_links() == []
    assert not form.shows_errors


def test_a_date_that_does_not_exist_and_a_short_year_say_what_to_fix() -> None:
    form = ExampleForm({"born_on_0": "31", "born_on_1": "2", "born_on_2": "2013"})
    assert form.is_valid() is False
    assert ("id_born_on_0", "Date of birth must be a real date") in form.error_links()
    form = ExampleForm({"born_on_0": "1", "born_on_1": "2", "born_on_2": "13"})
    form.is_valid()
    assert ("id_born_on_2", "Year must include 4 numbers") in form.error_links()


def test_a_posted_version_that_is_not_a_number_is_never_a_real_version() -> None:
    assert seen_version("3") == 3
    assert seen_version("") == -1
    assert seen_version(None) == -1
    assert seen_version("three") == -1
