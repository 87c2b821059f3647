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
