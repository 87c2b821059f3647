"""The codebook pages for project members: the list with its counts and downloads, a theme's
page, adding, changing, retiring, deleting and merging themes."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from findings import queries, sources
from findings.models import Coding, Finding, Theme, ThemeStatus
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat
from visits.models import Visit

from .coded import NOTES, code, draft
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db

CODEBOOK = reverse("findings:codebook")


def theme_url(theme: Theme, name: str = "findings:codebook_theme") -> str:
    return reverse(name, kwargs={"slug": theme.slug})


def _coded_theme(user: User) -> Theme:
    """A theme coded in two visits to three areas in two regions."""
    north, south = RegionFactory.create(), RegionFactory.create()
    a, b = LocalAuthorityFactory.create(region=north), LocalAuthorityFactory.create(region=north)
    c = LocalAuthorityFactory.create(region=south)
    theme = ThemeFactory.create(name="Co-location", definition="Teams sitting together.")
    code(sources.visit_source(approved_visit(authorities=[a, b], notes=NOTES)), user, theme)
    code(sources.visit_source(approved_visit(authorities=[c], notes=NOTES)), user, theme)
    return theme


# ----- The codebook ------------------------------------------------------------------------


def test_the_codebook_lists_each_theme_with_its_definition_and_counts(
    staff_client: Client, staff_user: User
) -> None:
    _coded_theme(staff_user)
    ThemeFactory.create(name="Unused theme", is_illustrative=True)

    html = staff_client.get(CODEBOOK).content.decode()

    assert "Co-location" in html and "Teams sitting together." in html
    # 2 excerpts, 2 visits, 3 areas, 2 regions.
    row = html[html.index("Teams sitting together.") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:5]]
    assert cells == ["2", "2", "3", "2"]
    assert "Unused theme" in html and "Illustrative" in html


def test_the_codebook_downloads_as_csv_with_the_counts(
    staff_client: Client, staff_user: User
) -> None:
    _coded_theme(staff_user)

    response = staff_client.get(reverse("findings:codebook_download", args=["csv"]))

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="codebook.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Theme", "Web address"]
    assert rows[1][0] == "Co-location"
    assert rows[1][5] == "Teams sitting together."
    assert rows[1][6:] == ["2", "2", "3", "2", "0"]


def test_the_codebook_downloads_as_xlsx_with_numbers_as_numbers(
    staff_client: Client, staff_user: User
) -> None:
    _coded_theme(staff_user)
    ThemeFactory.create(name="=HYPERLINK(1)", slug="formula")

    response = staff_client.get(reverse("findings:codebook_download", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content))["Codebook"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Theme"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Co-location"][6:] == [2, 2, 3, 2, 0]
    assert "'=HYPERLINK(1)" in by_name  # a name that looks like a formula stays text


def test_the_codebook_pages_list_each_main_theme_followed_by_its_sub_themes(
    staff_client: Client, settings: Settings
) -> None:
    settings.LIST_PAGE_SIZE = 3
    later = ThemeFactory.create(name="Governance", order=2)
    first = ThemeFactory.create(name="Front door", order=1)
    ThemeFactory.create(name="Triage", parent=first, order=2)
    ThemeFactory.create(name="Co-location", parent=first, order=1)
    ThemeFactory.create(name="Agreements", parent=later)
    ThemeFactory.create(name="Retired", order=3, status=ThemeStatus.RETIRED)

    pages = [staff_client.get(CODEBOOK, {"page": n}).content.decode() for n in ("1", "2")]

    def names(html: str) -> list[str]:
        return re.findall(r'href="/findings/codebook/(?!new/)[\w-]+/">([^<]+)</a>', html)

    assert names(pages[0]) == ["Front door", "Co-location", "Triage"]
    assert names(pages[1]) == ["Governance", "Agreements", "Retired"]
    assert "Showing 4 to 6 of 6 themes" in pages[1]
    assert [t.name for t in queries.codebook(include_retired=False)] == [
        "Front door",
        "Co-location",
        "Triage",
        "Governance",
        "Agreements",
    ]


def test_a_download_in_another_format_is_not_found(staff_client: Client) -> None:
    assert staff_client.get(reverse("findings:codebook_download", args=["pdf"])).status_code == 404


def test_the_codebook_and_a_theme_page_take_the_same_queries_however_much_is_coded(
    staff_client: Client, staff_user: User
) -> None:
    theme = _coded_theme(staff_user)
    draft(theme, staff_user, list(theme.excerpts.all()))

    def grow() -> None:
        for _ in range(3):
            area = LocalAuthorityFactory.create()
            other = ThemeFactory.create()
            excerpt = code(
                sources.visit_source(approved_visit(authorities=[area], notes=NOTES)),
                staff_user,
                theme,
                other,
            )
            draft(theme, staff_user, [excerpt])

    def pages() -> None:
        assert staff_client.get(CODEBOOK).status_code == 200
        assert staff_client.get(theme_url(theme)).status_code == 200

    assert_query_count_flat(pages, grow, message="the codebook and a theme page")


# ----- A theme's page ----------------------------------------------------------------------


def test_a_theme_page_shows_its_excerpts_flagging_stale_ones_and_its_findings(
    staff_client: Client, staff_user: User
) -> None:
    theme = _coded_theme(staff_user)
    draft(theme, staff_user, headline="Sitting together is faster")
    changed = Visit.objects.filter(excerpts__themes=theme).first()
    assert changed is not None
    Visit.objects.filter(pk=changed.pk).update(notes="The hub closed.")  # as the admin might

    html = staff_client.get(theme_url(theme)).content.decode()

    assert html.count("<q>Co-location was the key success factor</q>") == 2
    assert "2 excerpts coded to this theme" in html
    assert html.count("Stale") == 1
    assert sources.STALE_LABELS[sources.GONE] in html
    assert "Sitting together is faster" in html and "Draft" in html
    assert "Coded in 2 excerpts from 2 visits: 3 of the 3 areas visited, in 2 regions" in html


def test_an_unknown_theme_is_not_found(staff_client: Client) -> None:
    assert staff_client.get("/findings/codebook/no-such-theme/").status_code == 404


# ----- Adding and changing themes ----------------------------------------------------------


def test_a_member_adds_a_sub_theme(staff_client: Client) -> None:
    parent = ThemeFactory.create(name="Structure")

    response = staff_client.post(
        reverse("findings:theme_create"),
        {
            "name": "Co-location",
            "definition": "Teams sit together.",
            "parent": parent.pk,
            "order": "2",
        },
    )

    theme = Theme.objects.get(name="Co-location")
    assert response.status_code == 302 and response["Location"] == theme_url(theme)
    assert theme.parent == parent and theme.order == 2 and theme.slug == "co-location"
    assert theme.history.first().history_change_reason == "Created"


def test_adding_a_theme_without_a_name_or_with_a_taken_name_says_what_to_fix(
    staff_client: Client,
) -> None:
    ThemeFactory.create(name="Structure")
    url = reverse("findings:theme_create")

    empty = staff_client.post(url, {"name": "", "definition": "", "order": "0"}).content.decode()
    taken = staff_client.post(
        url, {"name": "structure", "definition": "Anything.", "order": "0"}
    ).content.decode()

    assert "<title>Error: " in empty and "There is a problem" in empty
    assert 'href="#id_name">Enter the theme&#x27;s name' in empty
    assert "Enter what belongs in the theme" in empty
    assert "There is already a theme called Structure: choose another name" in taken
    assert Theme.objects.count() == 1


def test_changing_a_theme_from_an_old_version_is_refused(staff_client: Client) -> None:
    theme = ThemeFactory.create(name="Structure")
    url = theme_url(theme, "findings:theme_edit")
    form = {"name": "Structure and governance", "definition": "New.", "order": "0"}

    saved = staff_client.post(url, {**form, "version": theme.version})
    again = staff_client.post(url, {**form, "name": "Other", "version": theme.version})

    assert saved.status_code == 302
    assert "changed by someone else" in again.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Structure and governance"


def test_a_reviewer_retires_a_theme_and_staff_cannot(
    staff_client: Client, reviewer_client: Client
) -> None:
    theme = ThemeFactory.create()
    url = theme_url(theme, "findings:theme_retire")

    assert staff_client.post(url, {"version": theme.version}).status_code == 403
    response = reviewer_client.post(url, {"version": theme.version}, follow=True)

    theme.refresh_from_db()
    assert theme.status == ThemeStatus.RETIRED
    assert "is retired" in response.content.decode()


def test_a_theme_in_use_is_not_deleted_and_an_unused_one_is(
    reviewer_client: Client, staff_user: User
) -> None:
    used = _coded_theme(staff_user)
    unused = ThemeFactory.create(name="Never used")

    refused = reviewer_client.post(theme_url(used, "findings:theme_delete"), follow=True)
    deleted = reviewer_client.post(theme_url(unused, "findings:theme_delete"))

    assert "retire it instead" in refused.content.decode()
    assert Theme.objects.filter(pk=used.pk).exists()
    assert deleted["Location"] == CODEBOOK
    assert not Theme.objects.filter(pk=unused.pk).exists()


def test_a_reviewer_merges_a_theme_into_another(reviewer_client: Client, staff_user: User) -> None:
    theme = _coded_theme(staff_user)
    finding = draft(theme, staff_user)
    into = ThemeFactory.create(name="Structure")
    url = theme_url(theme, "findings:theme_merge")

    page = reviewer_client.get(url).content.decode()
    missing = reviewer_client.post(url, {}).content.decode()
    response = reviewer_client.post(url, {"into": into.pk})

    assert "A merge cannot be undone" in page
    assert "Select the theme to merge into" in missing
    assert response["Location"] == theme_url(into)
    theme.refresh_from_db()
    assert theme.status == ThemeStatus.RETIRED and theme.merged_into == into
    assert Coding.objects.filter(theme=into).count() == 2
    assert Finding.objects.get(pk=finding.pk).theme == into


def test_a_theme_history_shows_each_change(staff_client: Client, staff_user: User) -> None:
    theme = ThemeFactory.create(name="Structure")
    staff_client.post(
        theme_url(theme, "findings:theme_edit"),
        {
            "name": "Structure",
            "definition": "Changed words.",
            "order": "0",
            "version": theme.version,
        },
    )

    html = staff_client.get(theme_url(theme, "findings:theme_history")).content.decode()

    assert "History of the theme" in html and "Changed words." in html
