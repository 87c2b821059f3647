"""Reading a data-quality page (`mash_survey.quality`) as a person reads it."""

from typing import Any

from tests.areas.pages import Element, parse


def problem_rows(response: Any) -> list[tuple[str, str, str, str, str]]:
    """Each problem listed: (record, field, value, its tag, the rule's message)."""
    assert response.status_code == 200, response
    page = parse(response.content)
    tables = page.find_all("table", "app-quality-table")
    if not tables:
        return []
    rows = []
    for row in tables[0].find("tbody").find_all("tr"):
        cells = [c for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")]
        problem = cells[3]
        rows.append(
            (
                cells[0].text(),
                cells[1].text(),
                cells[2].text(),
                problem.find("strong", "govuk-tag").text(),
                problem.find("p").text(),
            )
        )
    return rows


def tab_counts(response: Any) -> dict[str, int]:
    """The count beside each list's link: {"To fix or check": 3, "To fix": 1, …}."""
    page = parse(response.content)
    counts = {}
    for link in page.find("nav", "app-quality-tabs").find_all("a"):
        label, _, count = link.text().rpartition(" (")
        counts[label] = int(count.rstrip(")"))
    return counts


def mark_links(response: Any) -> list[str]:
    """The "Mark as checked" links' addresses, in the order of the rows."""
    page = parse(response.content)
    return [a.attrs["href"] for a in page.find_all("a") if a.text().startswith("Mark as checked")]
