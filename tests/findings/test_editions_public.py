"""Published editions: freezing stores every file with its SHA-256, later edits leave the
published pages byte-identical, drafts are never public, conditional requests get 304, an
amendment supersedes with a banner and an updates list, the diff between two editions, and
the staff preview."""

import hashlib
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import SUCCESS
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from findings import sources
from findings.editions import render, store
from findings.editions.freeze import freeze
from findings.figures import FigureError
from findings.models import (
    Clearance,
    EditionStatus,
    Finding,
    ReportEdition,
)
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory
from tests.queries import assert_query_count_flat
from visits.models import Visit

from .coded import NOTES, agreed, code
from .editions import coded_finding, make_edition, publish, stored_in
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    return stored_in(settings, tmp_path)


def edition_url(edition: ReportEdition) -> str:
    return reverse("findings:edition", kwargs={"edition": edition.slug})


def manifest(client: Client, edition: ReportEdition) -> dict[str, str]:
    response = client.get(reverse("findings:edition_manifest", kwargs={"edition": edition.slug}))
    assert response.status_code == 200
    return {row["path"]: row["sha256"] for row in json.loads(response.content)["files"]}


def stored_hashes(edition: ReportEdition) -> dict[str, str]:
    return {
        file.path: hashlib.sha256(store.read(file)).hexdigest()
        for file in edition.files.all()
        if file.path != store.MANIFEST
    }


def test_freezing_stores_every_file_with_the_sha256_its_manifest_gives(
    client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user)
    edition = publish(make_edition("early-findings", [finding]))

    listed = manifest(client, edition)

    assert edition.status == EditionStatus.PUBLISHED and edition.published_at is not None
    assert set(listed) == {
        "snapshot.json",
        "pages/index.html",
        "pages/themes/working-together.html",
        "edition.pdf",
        "data.zip",
    }
    assert stored_hashes(edition) == listed
    frozen = json.loads(store.read(store.stored(edition, "snapshot.json")))
    assert frozen["edition"]["published_at"] == edition.published_at.isoformat()
    assert frozen["edition"]["first_published_at"] == edition.published_at.isoformat()
    assert frozen["themes"][0]["findings"][0]["headline"] == "Co-location speeds up decisions"
    history = edition.history.first()
    assert history is not None and history.history_change_reason == "Published"


def test_later_edits_leave_a_published_edition_byte_identical(
    client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user)
    edition = publish(make_edition("early-findings", [finding]))
    page = client.get(edition_url(edition)).content
    theme_page = client.get(
        reverse(
            "findings:edition_theme", kwargs={"edition": edition.slug, "theme": "working-together"}
        )
    ).content
    listed = manifest(client, edition)
    figures_before = json.loads(store.read(store.stored(edition, "snapshot.json")))["figures"]

    visit = Visit.objects.get(excerpts__codings__theme=finding.theme)
    Visit.objects.filter(pk=visit.pk).update(notes="Everything was rewritten after publication.")
    Finding.objects.filter(pk=finding.pk).update(
        headline="A changed headline", statement="A changed statement."
    )
    approved_visit(notes=NOTES)  # one more visit: the live figures move

    assert client.get(edition_url(edition)).content == page
    assert (
        client.get(
            reverse(
                "findings:edition_theme",
                kwargs={"edition": edition.slug, "theme": "working-together"},
            )
        ).content
        == theme_page
    )
    assert "A changed headline" not in page.decode()
    assert stored_hashes(edition) == listed == manifest(client, edition)
    frozen = json.loads(store.read(store.stored(edition, "snapshot.json")))
    assert frozen["figures"] == figures_before
    # The same snapshot renders to the same bytes: what is stored can be proved.
    for path, (content, _) in render.files(frozen).items():
        assert hashlib.sha256(content).hexdigest() == listed[path]


def test_the_edition_page_shows_the_report_from_its_snapshot(
    client: Client, staff_client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user, statement="Areas that **sit together** decide faster.")
    edition = publish(make_edition("early-findings", [finding], is_illustrative=True))

    html = client.get(edition_url(edition)).content.decode()

    assert '<h1 class="govuk-heading-xl">Early findings</h1>' in html
    assert "Illustrative edition" in html
    assert "not been externally evaluated or validated" in html
    assert "No model of multi-agency working is endorsed" in html
    assert "statutory guidance" in html
    assert 'href="#theme-working-together"' in html
    assert "Co-location speeds up decisions" in html
    assert "<strong>sit together</strong>" in html
    assert "Cited by 1 of 1 area visited, in 1 region" in html
    assert "Co-location was the key success factor" in html and "An area visited" in html
    assert "The project made <a" in html  # the number, linked to how it was calculated
    assert "?edition=early-findings" in html  # figures link to their frozen values in the API
    assert "First published" in html and "Last updated" in html
    assert reverse("findings:edition_manifest", kwargs={"edition": edition.slug}) in html
    assert store.stored(edition, store.MANIFEST).sha256 in html
    # /findings/ shows the latest edition; staff also find their pages from there.
    index = client.get(reverse("findings:index")).content.decode()
    staff_index = staff_client.get(reverse("findings:index")).content.decode()
    assert "Co-location speeds up decisions" in index
    assert reverse("findings:codebook") not in index
    assert reverse("findings:codebook") in staff_index


@pytest.mark.parametrize("status", [EditionStatus.DRAFT, EditionStatus.IN_REVIEW])
def test_drafts_and_editions_in_review_are_never_public(
    client: Client, staff_client: Client, staff_user: User, status: str
) -> None:
    finding = coded_finding(staff_user)
    draft = make_edition("next-findings", [finding], status=status)
    urls = [
        edition_url(draft),
        reverse(
            "findings:edition_theme", kwargs={"edition": draft.slug, "theme": "working-together"}
        ),
        reverse("findings:edition_manifest", kwargs={"edition": draft.slug}),
        reverse("findings:edition_changes", kwargs={"edition": draft.slug}),
    ]

    for caller in (client, staff_client):
        for url in urls:
            assert caller.get(url).status_code == 404, url
        listing = caller.get(reverse("findings:editions")).content.decode()
        assert "next-findings" not in listing
    assert (
        "No edition has been published yet"
        in client.get(reverse("findings:editions")).content.decode()
    )
    # Until an edition is published, /findings/ lists the findings by theme.
    index = client.get(reverse("findings:index")).content.decode()
    assert "Findings by theme" in index and "next-findings" not in index


def test_a_repeated_request_with_the_etag_gets_304(
    client: Client, staff_client: Client, staff_user: User
) -> None:
    edition = publish(make_edition("early-findings", [coded_finding(staff_user)]))

    first = client.get(edition_url(edition))
    again = client.get(edition_url(edition), headers={"If-None-Match": first["ETag"]})
    since = client.get(edition_url(edition), headers={"If-Modified-Since": first["Last-Modified"]})
    signed_in = staff_client.get(edition_url(edition))

    assert first.status_code == 200 and first["ETag"]
    assert "public" in first["Cache-Control"]
    assert again.status_code == 304 and again.content == b""
    assert since.status_code == 304
    assert signed_in["ETag"] != first["ETag"] and "private" in signed_in["Cache-Control"]
    # A 304 reads nothing: the stored fragment is not opened.
    default_storage.delete(store.storage_name(edition, render.INDEX))
    assert (
        client.get(edition_url(edition), headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )


def test_an_amendment_supersedes_with_a_banner_and_the_updates_list(
    client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user)
    first = publish(make_edition("early-findings", [finding]))
    cached = client.get(edition_url(first))["ETag"]
    reason = "A count of areas was corrected after a visit was re-dated."
    second = publish(
        make_edition("early-findings-2", [finding], amends=first, amendment_reason=reason)
    )
    first.refresh_from_db()

    old_page = client.get(edition_url(first))
    new_page = client.get(edition_url(second)).content.decode()
    listing = client.get(reverse("findings:editions")).content.decode()

    assert first.status == EditionStatus.SUPERSEDED and second.status == EditionStatus.PUBLISHED
    superseded, published = first.history.first(), second.history.first()
    assert superseded is not None and published is not None
    assert superseded.history_change_reason == "Superseded by early-findings-2"
    assert superseded.history_change_id == published.history_change_id  # one change
    # A copy cached before the amendment is not current: the banner must show.
    assert old_page.status_code == 200 and old_page["ETag"] != cached
    assert client.get(edition_url(first), headers={"If-None-Match": cached}).status_code == 200
    assert "This is an earlier edition" in old_page.content.decode()
    assert f'href="{edition_url(second)}"' in old_page.content.decode()
    assert "This is an earlier edition" not in new_page
    assert reason in new_page and "first published" in new_page
    assert reason in listing and "early-findings" in listing and "Replaced" in listing
    frozen = json.loads(store.read(store.stored(second, "snapshot.json")))
    assert first.published_at is not None
    assert frozen["edition"]["first_published_at"] == first.published_at.isoformat()
    assert frozen["edition"]["amends"] == "early-findings"
    # /findings/ is the latest edition.
    assert "early-findings-2" in client.get(reverse("findings:index")).content.decode()


def test_the_diff_between_two_editions(
    client: Client, staff_user: User, settings: Settings
) -> None:
    settings.DISCLOSURE_MIN_AREAS = 1
    theme = ThemeFactory.create(name="Working together", slug="working-together")
    kept = coded_finding(staff_user, theme, headline="Kept as it was")
    reworded = coded_finding(
        staff_user, theme, headline="Reworded later", statement="Partners meet daily."
    )
    dropped = coded_finding(staff_user, theme, headline="Dropped later")
    first = publish(make_edition("early-findings", [kept, reworded, dropped]))

    Finding.objects.filter(pk=reworded.pk).update(statement="Partners meet twice a day.")
    added = coded_finding(staff_user, theme, headline="Added later")
    second = publish(
        make_edition(
            "early-findings-2",
            [kept, reworded, added],
            amends=first,
            amendment_reason="Findings were revised after a further visit.",
        )
    )

    html = client.get(reverse("findings:edition_changes", kwargs={"edition": second.slug}))
    text = html.content.decode()

    assert html.status_code == 200
    added_part = text.split("Findings added")[1].split("Findings removed")[0]
    removed_part = text.split("Findings removed")[1].split("Findings reworded")[0]
    reworded_part = text.split("Findings reworded")[1].split("Figures whose values moved")[0]
    assert "Added later" in added_part and "Kept as it was" not in added_part
    assert "Dropped later" in removed_part
    assert "Reworded later" in reworded_part and "Kept as it was" not in reworded_part
    assert "Removed: </span>Partners meet daily." in reworded_part
    assert "Added: </span>Partners meet twice a day." in reworded_part
    figures = text.split("Figures whose values moved")[1]
    models = figures.split("Models seen on the visits")[1].split("</table>")[0]
    cells = [cell.split(">")[-1] for cell in models.split("</td>")[:-1]]
    assert cells == ["Approved visits", "3", "4"]  # the fourth visit was approved in between
    # Comparing the other way round, by choice.
    back = client.get(
        reverse("findings:edition_changes", kwargs={"edition": first.slug}),
        {"from": second.slug},
    ).content.decode()
    assert "Added later" in back.split("Findings removed")[1]
    unknown = client.get(
        reverse("findings:edition_changes", kwargs={"edition": second.slug}), {"from": "nope"}
    )
    assert unknown.status_code == 400
    assert "Choose a published edition from the list" in unknown.content.decode()


def test_staff_preview_a_draft_and_see_a_figure_error(
    client: Client, staff_client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user)
    draft = make_edition("next-findings", [finding])
    broken = make_edition(
        "broken-findings", [finding], method="See {{ figure no-such-figure }} for the method."
    )
    preview = lambda edition: reverse(  # noqa: E731
        "findings:edition_preview", kwargs={"slug": edition.slug}
    )

    html = staff_client.get(preview(draft)).content.decode()
    theme = staff_client.get(preview(draft), {"theme": "working-together"}).content.decode()
    error = staff_client.get(preview(broken))

    assert "Preview — not published" in html
    assert "Co-location speeds up decisions" in html
    assert "not been externally evaluated or validated" in html
    assert "Preview — not published" in theme and "<h1" in theme
    assert error.status_code == 200
    assert "no-such-figure" in error.content.decode()
    assert "This edition cannot be shown" in error.content.decode()
    assert client.get(preview(draft)).status_code == 302  # to sign in
    # The preview is exactly what publishing stores.
    fragment = html.split('<div class="govuk-grid-row">', 1)[1]
    publish(draft)
    stored = store.read(store.stored(draft, render.INDEX)).decode()
    assert stored.split('<div class="govuk-grid-row">', 1)[1].split("</main>")[0] in fragment


def test_an_edition_page_takes_the_same_queries_at_two_sizes(
    client: Client, staff_user: User
) -> None:
    small = publish(make_edition("small", [coded_finding(staff_user)]))
    url = {"value": edition_url(small)}

    def grow() -> None:
        region = RegionFactory.create()
        findings = []
        for n in range(4):
            theme = ThemeFactory.create()
            for m in range(3):
                area = LocalAuthorityFactory.create(region=region)
                visit = approved_visit(authorities=[area], notes=NOTES)
                excerpt = code(
                    sources.visit_source(visit), staff_user, theme, clearance=Clearance.REGION
                )
                findings.append(agreed(theme, staff_user, [excerpt], headline=f"Finding {n}.{m}"))
        big = publish(
            make_edition(
                "big", findings, amends=small, amendment_reason="More findings were agreed."
            )
        )
        url["value"] = edition_url(big)

    count = assert_query_count_flat(
        lambda: client.get(url["value"]), grow, message="an edition's page"
    )
    assert count <= 4  # the edition, its chain, its files; and whether demo content is loaded


def test_freezing_reports_its_steps_and_publishes_nothing_when_a_step_fails(
    staff_user: User,
) -> None:
    finding = coded_finding(staff_user)
    steps: list[str] = []
    edition = freeze(
        make_edition("early-findings", [finding]),
        published_by=ReviewerFactory.create(),
        progress=steps.append,
    )
    broken = make_edition("broken", [finding], caveats="{{ figure no-such-figure }}")

    with pytest.raises(FigureError, match="no-such-figure"):
        publish(broken)

    assert steps[0] == "Reading the data" and steps[-1] == "Storing the files"
    broken.refresh_from_db()
    edition.refresh_from_db()
    assert broken.status == EditionStatus.DRAFT and broken.published_at is None
    assert not broken.files.exists()
    assert edition.status == EditionStatus.PUBLISHED  # not superseded by a failed attempt


def test_a_message_waiting_for_the_reader_is_shown_not_answered_with_304(
    reviewer_client: Client, staff_user: User
) -> None:
    edition = publish(make_edition("early-findings", [coded_finding(staff_user)]))
    etag = reviewer_client.get(edition_url(edition))["ETag"]
    # As the publish page leaves it for the edition's page it sends the reviewer to.
    storage, sent = CookieStorage(HttpRequest()), HttpResponse()
    storage.add(SUCCESS, "Edition published.")
    storage.update(sent)
    reviewer_client.cookies["messages"] = sent.cookies["messages"].value

    shown = reviewer_client.get(edition_url(edition), headers={"If-None-Match": etag})
    after = reviewer_client.get(edition_url(edition), headers={"If-None-Match": etag})

    assert shown.status_code == 200 and "Edition published." in shown.content.decode()
    assert after.status_code == 304


def test_each_findings_counts_link_to_how_they_are_calculated_and_to_their_frozen_values(
    client: Client, staff_user: User
) -> None:
    finding = coded_finding(staff_user)
    edition = publish(make_edition("early-findings", [finding]))
    api = reverse("api:report-findings", kwargs={"slug": edition.slug})
    page = client.get(edition_url(edition)).content.decode()

    assert f'href="{api}"' in page
    assert f'href="{reverse("about_data")}#finding-counts"' in page
    frozen = client.get(api).json()
    row = frozen["findings"][0]
    assert (row["id"], row["headline"]) == (finding.pk, finding.headline)
    assert f"Cited by {row['visited_area_count']} of {frozen['areas_visited']} area" in page

    Finding.objects.filter(pk=finding.pk).update(headline="A changed headline")
    approved_visit(notes=NOTES)  # the live count of areas visited moves
    assert client.get(api).json() == frozen

    make_edition("next-findings", [finding])
    draft = client.get(reverse("api:report-findings", kwargs={"slug": "next-findings"}))
    assert draft.status_code == 404
