"""The GOV.UK template pieces render the Design System's markup."""

from django.template import Context, Template


def test_a_table_head_has_one_column_header_a_heading_and_right_aligns_figures() -> None:
    html = Template('{% load govuk %}{% table_head "Region" "Local authorities|numeric" %}').render(
        Context()
    )
    assert '<th scope="col" class="govuk-table__header">Region</th>' in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
        "Local authorities</th>"
    ) in html
    assert html.count("<th ") == 2


def test_a_table_head_takes_a_list_for_columns_known_only_when_the_page_is_made() -> None:
    html = Template('{% load govuk %}{% table_head "Theme" regions %}').render(
        Context({"regions": ["North East|numeric", "London|numeric"]})
    )
    assert '<th scope="col" class="govuk-table__header">Theme</th>' in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">London</th>'
    ) in html
    assert html.count("<th ") == 3
