"""The staff workflow of report editions: starting and changing a draft (its address checked,
two people editing at once refused), the pre-publish checklist (each error blocks, with a
link to where it is fixed; warnings do not), review and publishing by a reviewer who had no
hand in the edition, the freeze job (at once, and on a real Redis queue with a real rq
worker), and amending a published edition with a public reason."""

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from redis import Redis
from rq import Queue, SimpleWorker

from case_studies import services as case_study_services
from case_studies.models import CaseStudyStatus
from findings import services as finding_services
from findings import sources
from findings.editions import checklist, jobs, services
from findings.editions.services import EditionError
from findings.models import (
    Clearance,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Excerpt,
    FreezeState,
    ReportEdition,
    Theme,
)
from mash_survey import history
from mash_survey.errors import ServiceError
from mash_survey.models import AuditEvent, AuditKind
from tests.case_studies.factories import CaseStudyFactory
from tests.conftest import signed_in_client
from tests.factories import LocalAuthorityFactory, ReviewerFactory
from visits.models import Visit

from .coded import NOTES, PASSAGE, agreed, code
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db

CAVEATS = (
    "These are the views of the areas visited, not evaluated or validated. No model is "
    "endorsed; read them alongside statutory guidance."
)


def url(name: str, edition: ReportEdition) -> str:
    return reverse(f"findings:{name}", kwargs={"slug": edition.slug})


def evidence(author: User, theme: Theme, **kwargs: Any) -> Any:
    return code(sources.visit_source(approved_visit(notes=NOTES)), author, theme, **kwargs)


def ready(author: User, **fields: Any) -> ReportEdition:
    """A draft with one theme and one agreed finding that nothing blocks."""
    theme = ThemeFactory.create(name="Co-location")
    finding = agreed(theme, author, [evidence(author, theme)])
    edition = services.create_draft(
        user=author, slug="early-findings", summary="What the visits found.", caveats=CAVEATS
    )
    return change(edition, author, themes=[theme], findings=[finding], **fields)


def change(edition: ReportEdition, user: User, **fields: Any) -> ReportEdition:
    """The edition changed through the service, with `fields` replacing what it has."""
    edition.refresh_from_db()
    values: dict[str, Any] = {
        "title": edition.title,
        "slug": edition.slug,
        "summary": edition.summary,
        "introduction": edition.introduction,
        "method": edition.method,
        "caveats": edition.caveats,
        "amendment_reason": edition.amendment_reason,
        **fields,
    }
    return services.update(edition=edition, user=user, seen_version=edition.version, **values)


def publish(edition: ReportEdition) -> ReportEdition:
    """Sent for review by its author and published by an independent reviewer."""
    edition = services.submit(edition=edition, user=edition.created_by)  # type: ignore[arg-type]
    return services.publish(edition=edition, user=ReviewerFactory.create())


def blocked(
    edition: ReportEdition,
    message: str,
    link: str,
    refusal: str = "must be fixed before the edition is published",
) -> None:
    """The checklist has an error containing `message`, linking to `link`, and publishing is
    refused (saying `refusal`)."""
    found = checklist.check(edition)
    assert any(message in item.message and item.url == link for item in found.errors), [
        (item.message, item.url) for item in found.errors
    ]
    edition = services.submit(edition=edition, user=edition.created_by)  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match=refusal):
        services.publish(edition=edition, user=ReviewerFactory.create())
    edition.refresh_from_db()
    assert edition.status == EditionStatus.IN_REVIEW and edition.freeze_state == ""


# ----- The list of editions -------------------------------------------------------------------


def test_the_list_shows_the_editions_not_yet_published_first_then_the_latest_published(
    staff_client: Client,
) -> None:
    def edition(slug: str, status: str, days_ago: int | None = None) -> None:
        published_at = None if days_ago is None else timezone.now() - dt.timedelta(days=days_ago)
        ReportEdition.objects.create(
            slug=slug, summary="An edition.", status=status, published_at=published_at
        )

    edition("first", EditionStatus.SUPERSEDED, days_ago=30)
    edition("draft", EditionStatus.DRAFT)
    edition("latest", EditionStatus.PUBLISHED, days_ago=1)
    edition("in-review", EditionStatus.IN_REVIEW)

    html = staff_client.get(reverse("findings:edition_manage")).content.decode()

    slugs = re.findall(r'href="/findings/editions/(?!manage/|new/)([\w-]+)/"', html)
    assert slugs == ["in-review", "draft", "latest", "first"]
    assert "4 editions" in html


# ----- Starting and changing a draft ---------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Early Findings!", "can only use lower-case letters, numbers and single hyphens"),
        ("themes", "/findings/themes/ is a page of its own: choose another web address"),
        ("new", "/findings/new/ is a page of its own"),
        ("taken", "Another edition already uses the web address taken"),
        ("", "Enter the edition&#x27;s web address"),
    ],
)
def test_a_bad_web_address_says_what_to_fix(
    staff_client: Client, staff_user: User, slug: str, message: str
) -> None:
    services.create_draft(user=staff_user, slug="taken", summary="An earlier draft.")

    html = staff_client.post(
        reverse("findings:edition_create"),
        {"title": "Early findings", "slug": slug, "summary": "What the visits found."},
    ).content.decode()

    assert "<title>Error: " in html
    assert message.replace("'", "&#x27;") in html
    assert ReportEdition.objects.count() == 1


def test_a_member_starts_a_draft_and_chooses_what_it_includes(
    staff_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create(name="Co-location")
    empty_theme = ThemeFactory.create(name="Consent")
    finding = agreed(theme, staff_user, [evidence(staff_user, theme)])
    second = agreed(theme, staff_user, [evidence(staff_user, theme)], headline="Second finding")
    study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=[LocalAuthorityFactory.create()],
        title="A hub by the sea",
    )

    created = staff_client.post(
        reverse("findings:edition_create"),
        {"title": "", "slug": "early-findings", "summary": "What the visits found."},
    )
    edition = ReportEdition.objects.get()
    form = staff_client.get(url("edition_edit", edition)).content.decode()
    saved = staff_client.post(
        url("edition_edit", edition),
        {
            "title": "Early findings",
            "slug": "early-findings",
            "summary": "What the visits found.",
            "caveats": CAVEATS,
            "version": edition.version,
            "themes": [empty_theme.pk],
            "findings": [finding.pk, second.pk],
            f"findings-order-{finding.pk}": "2",
            f"findings-order-{second.pk}": "1",
            "case_studies": [study.pk],
        },
    )

    assert created["Location"] == url("edition_edit", edition)
    assert edition.title == "Early findings" and edition.created_by == staff_user
    assert "A hub by the sea" in form and finding.headline in form
    assert saved["Location"] == url("edition_detail", edition)
    # The findings' theme is included after the one chosen; the findings in the order given.
    assert [r.theme.name for r in EditionTheme.objects.filter(edition=edition)] == [
        "Consent",
        "Co-location",
    ]
    assert [r.finding for r in EditionFinding.objects.filter(edition=edition)] == [
        second,
        finding,
    ]
    assert list(edition.case_studies.all()) == [study]
    detail = staff_client.get(url("edition_detail", edition)).content.decode()
    assert "Second finding" in detail
    assert f'href="/findings/editions/{edition.slug}/preview/"' in detail
    assert history.record_history(edition).versions[0].record.history_change_reason == "Changed"


def test_an_order_that_is_not_a_number_says_what_to_fix(
    staff_client: Client, staff_user: User
) -> None:
    edition = ready(staff_user)
    theme = edition.themes.get()

    html = staff_client.post(
        url("edition_edit", edition),
        {
            "slug": edition.slug,
            "summary": edition.summary,
            "version": edition.version,
            "themes": [theme.pk],
            f"themes-order-{theme.pk}": "first",
        },
    ).content.decode()

    assert "Enter the place of Co-location as a whole number, such as 2" in html


def test_an_edit_started_before_someone_elses_save_is_refused(
    staff_client: Client, staff_user: User
) -> None:
    edition = services.create_draft(user=staff_user, slug="early-findings", summary="First.")
    seen = edition.version
    change(edition, ReviewerFactory.create(), summary="Changed by someone else.")

    html = staff_client.post(
        url("edition_edit", edition),
        {"slug": edition.slug, "summary": "My change.", "version": seen},
    ).content.decode()

    assert "This report edition was changed by someone else while you were editing it" in html
    edition.refresh_from_db()
    assert edition.summary == "Changed by someone else."


def test_the_same_edit_sent_twice_is_saved_once_without_a_conflict(
    staff_client: Client, staff_user: User
) -> None:
    edition = ready(staff_user)
    theme = edition.themes.get()
    seen = edition.version
    form: dict[str, Any] = {
        "title": edition.title,
        "slug": edition.slug,
        "summary": "What the visits found, in brief.",
        "caveats": CAVEATS,
        "version": seen,
        "themes": [theme.pk],
        f"themes-order-{theme.pk}": "1",
    }

    first = staff_client.post(url("edition_edit", edition), form, follow=True)
    second = staff_client.post(url("edition_edit", edition), form, follow=True)

    assert first.redirect_chain == second.redirect_chain == [(url("edition_detail", edition), 302)]
    assert "Your changes to the edition are saved." in second.content.decode()
    edition.refresh_from_db()
    assert edition.version == seen + 1
    # The same form sent again after a different edit of mine is still a conflict.
    staff_client.post(url("edition_edit", edition), {**form, "version": edition.version})
    again = staff_client.post(url("edition_edit", edition), {**form, "summary": "Other."})
    assert "changed by someone else" in again.content.decode()


def test_only_a_draft_is_changed(staff_client: Client, staff_user: User) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)

    response = staff_client.get(url("edition_edit", edition))
    with pytest.raises(EditionError, match="Only a draft edition can be changed"):
        change(edition, staff_user, summary="Changed in review.")
    withdrawn = staff_client.post(url("edition_withdraw", edition), {"version": edition.version})

    assert response["Location"] == url("edition_detail", edition)
    assert withdrawn["Location"] == url("edition_detail", edition)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT


def test_a_finding_that_is_not_agreed_cannot_be_added(staff_user: User) -> None:
    theme = ThemeFactory.create()
    draft = finding_services.finding_create(
        user=staff_user, theme=theme, headline="Not yet agreed", statement="Draft."
    )
    edition = services.create_draft(user=staff_user, slug="early-findings", summary="First.")

    with pytest.raises(EditionError, match="Only agreed findings can be included"):
        change(edition, staff_user, findings=[draft])


# ----- The checklist: each error blocks ------------------------------------------------------


def test_a_finding_no_longer_agreed_blocks(staff_user: User) -> None:
    edition = ready(staff_user)
    finding = edition.findings.get()
    finding_services.finding_reopen(finding=finding, user=ReviewerFactory.create())

    blocked(
        edition,
        "“Co-location speeds up decisions” is draft, not agreed",
        reverse("findings:finding", kwargs={"pk": finding.pk}),
    )


def test_a_finding_without_evidence_blocks(staff_user: User) -> None:
    edition = ready(staff_user)
    finding = edition.findings.get()
    finding = finding_services.finding_reopen(finding=finding, user=ReviewerFactory.create())
    finding_services.finding_cite(finding=finding, user=staff_user, excerpts=[])

    blocked(
        edition,
        "The finding “Co-location speeds up decisions” cites no evidence",
        reverse("findings:finding", kwargs={"pk": finding.pk}),
    )


def test_a_stale_excerpt_blocks(staff_user: User) -> None:
    edition = ready(staff_user)
    excerpt = Excerpt.objects.get(cited_by__finding__in=edition.findings.all())
    visit = Visit.objects.get(excerpts=excerpt)
    visit.notes = "Corrected after the visit. " + visit.notes
    history.claim_version(visit, seen_version=None)
    history.save(visit, user=None, reason="Corrected")

    blocked(
        edition,
        f"Excerpt {excerpt.pk}, cited by an included finding, is stale",
        reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
    )


def test_a_finding_quoting_a_private_excerpt_blocks(staff_user: User) -> None:
    theme = ThemeFactory.create()
    private = evidence(staff_user, theme, clearance=Clearance.NOT_FOR_PUBLICATION)
    quoting = agreed(theme, staff_user, [private], statement=f"One area said: “{PASSAGE}”.")
    edition = ready(staff_user)
    edition = change(edition, staff_user, themes=[theme], findings=[quoting])

    blocked(
        edition,
        f"quotes excerpt {private.pk}, which is not cleared for publication",
        reverse("findings:excerpt", kwargs={"pk": private.pk}),
    )


def test_a_private_excerpt_cited_but_not_quoted_does_not_block(staff_user: User) -> None:
    edition = ready(staff_user)  # its only excerpt is not for publication, and not quoted

    assert checklist.check(edition).errors == []


def test_a_figure_that_fails_to_compute_blocks(staff_user: User) -> None:
    # There is no survey, so the survey figures cannot be computed.
    edition = ready(staff_user, introduction="{{ figure survey-response-rate }}")

    blocked(
        edition,
        "The introduction of the edition: There is no survey yet",
        url("edition_edit", edition) + "#id_introduction",
    )


def test_an_unknown_shortcode_blocks(staff_user: User) -> None:
    edition = ready(staff_user, method="See {{ chart visits-by-region }}.")

    blocked(
        edition,
        "The method of the edition: “{{ chart visits-by-region }}” is not a shortcode",
        url("edition_edit", edition) + "#id_method",
    )


def test_an_unknown_figure_key_blocks(staff_user: User) -> None:
    edition = ready(staff_user, summary="We visited {{ number no-such-figure }} areas.")

    blocked(
        edition,
        "The summary of the edition: ",
        url("edition_edit", edition) + "#id_summary",
    )
    assert "no-such-figure" in checklist.check(edition).errors[0].message


def test_identifiers_in_the_text_block(staff_user: User) -> None:
    edition = ready(staff_user, method="We met the child (NHS number 943 476 5919) at the hub.")

    blocked(
        edition,
        "Possible NHS number in the method",
        url("edition_edit", edition) + "#id_method",
        refusal="The edition has 1 possible identifier",
    )


def test_a_reviewer_who_had_no_hand_in_it_lets_identifiers_through(staff_user: User) -> None:
    edition = ready(staff_user, method="The helpline is 943 476 5919, as the hub advertises.")
    edition = services.submit(edition=edition, user=staff_user)
    reviewer = ReviewerFactory.create()

    edition = services.publish(
        edition=edition,
        user=reviewer,
        override_reason="The number is the hub's public helpline, not a person's NHS number.",
    )

    assert edition.status == EditionStatus.PUBLISHED
    assert edition.pii_override_reason.startswith("The number is the hub's public helpline")


def test_empty_caveats_block(staff_user: User) -> None:
    edition = ready(staff_user, caveats="")

    blocked(edition, "The caveats are empty", url("edition_edit", edition) + "#id_caveats")


def test_a_case_study_no_longer_published_blocks(staff_user: User) -> None:
    study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=[LocalAuthorityFactory.create()],
    )
    edition = ready(staff_user)
    edition = change(edition, staff_user, case_studies=[study])
    case_study_services.case_study_withdraw(
        case_study=study, user=ReviewerFactory.create(), notice="Withdrawn at the area's request."
    )

    blocked(
        edition,
        f"The case study “{study.title}” is withdrawn, not published",
        reverse("case_studies:edit", kwargs={"slug": study.slug}),
    )


def test_an_amendment_without_a_reason_of_a_sentence_blocks(staff_user: User) -> None:
    published = publish(ready(staff_user))
    amendment = services.amend(
        edition=published, user=staff_user, reason="A finding said more than its evidence."
    )
    amendment = change(amendment, staff_user, amendment_reason="Typo.")

    found = checklist.check(amendment)
    with pytest.raises(EditionError, match="reason for the amendment in at least a sentence"):
        services.submit(edition=amendment, user=staff_user)
    assert any(
        item.message == "The amendment needs a public reason of at least a sentence"
        and item.url == url("edition_edit", amendment) + "#id_amendment_reason"
        for item in found.errors
    )


def test_warnings_do_not_block(staff_user: User) -> None:
    edition = ready(staff_user)
    empty = ThemeFactory.create(name="Consent")
    edition = change(edition, staff_user, themes=[*edition.themes.all(), empty])

    found = checklist.check(edition)
    messages = [item.message for item in found.warnings]
    published = publish(edition)

    assert found.errors == []
    assert "The theme Consent has no findings in the edition" in messages
    assert (
        "The evidence for the finding “Co-location speeds up decisions” comes from a single area"
        in messages
    )
    assert "visits-by-region" in found.uncited
    assert any(m.startswith("No text cites these figures: ") for m in messages)
    assert published.status == EditionStatus.PUBLISHED


def test_a_figure_cited_in_the_text_is_not_listed_as_uncited(staff_user: User) -> None:
    edition = ready(staff_user, introduction="{{ figure visits-by-region }}")

    found = checklist.check(edition)

    assert found.errors == []
    assert "visits-by-region" not in found.uncited and "models-seen" in found.uncited


# ----- Review and publishing ------------------------------------------------------------------


def test_the_publish_page_shows_what_blocks_with_links(
    reviewer_client: Client, staff_user: User
) -> None:
    edition = services.submit(edition=ready(staff_user, caveats=""), user=staff_user)

    html = reviewer_client.get(url("edition_publish", edition)).content.decode()

    assert "1 problem to fix before publishing" in html
    assert f'href="{url("edition_edit", edition)}#id_caveats"' in html
    assert "Publish the edition</button>" not in html


@pytest.mark.parametrize("who", ["author", "last editor", "submitter"])
def test_whoever_had_a_hand_in_it_cannot_publish(staff_user: User, who: str) -> None:
    hand = ReviewerFactory.create()
    author = hand if who == "author" else staff_user
    edition = ready(author)
    if who == "last editor":
        edition = change(edition, hand, summary="Reworded by a reviewer.")
    edition = services.submit(edition=edition, user=hand if who == "submitter" else author)
    client = signed_in_client(hand)

    page = client.get(url("edition_publish", edition)).content.decode()
    refused = client.post(url("edition_publish", edition))

    assert "Someone else must review this report edition" in page
    assert "Publish the edition</button>" not in page
    assert refused.status_code == 403
    assert "Someone else must review this report edition" in refused.content.decode()
    edition.refresh_from_db()
    assert edition.status == EditionStatus.IN_REVIEW


def test_project_staff_cannot_publish(staff_client: Client) -> None:
    edition = ready(ReviewerFactory.create())
    edition = services.submit(edition=edition, user=edition.created_by)  # type: ignore[arg-type]

    refused = staff_client.post(url("edition_publish", edition))

    assert refused.status_code == 403
    assert "Only a reviewer can publish an edition" in refused.content.decode()


def test_an_independent_reviewer_publishes_and_the_progress_page_says_so(
    staff_user: User, reviewer_client: Client, reviewer_user: User
) -> None:
    earlier = publish(ready(staff_user))
    amendment = services.amend(
        edition=earlier, user=staff_user, reason="A finding said more than its evidence shows."
    )
    amendment = services.submit(edition=amendment, user=staff_user)

    page = reviewer_client.get(url("edition_publish", amendment)).content.decode()
    response = reviewer_client.post(url("edition_publish", amendment))
    progress = reviewer_client.get(url("edition_progress", amendment)).content.decode()

    assert "Nothing blocks publication" in page and "Publish the edition</button>" in page
    assert response["Location"] == url("edition_progress", amendment)
    amendment.refresh_from_db()
    earlier.refresh_from_db()
    assert amendment.status == EditionStatus.PUBLISHED
    assert amendment.published_by == reviewer_user and amendment.published_at is not None
    assert earlier.status == EditionStatus.SUPERSEDED
    assert "Edition published" in progress
    assert f'href="/findings/{amendment.slug}/"' in progress
    assert 'http-equiv="refresh"' not in progress
    (event,) = AuditEvent.objects.filter(kind=AuditKind.PUBLISHED, object_id=str(amendment.pk))
    assert (event.user, event.path) == (reviewer_user, url("edition_publish", amendment))
    assert event.detail == {"step": "published", "amends": earlier.slug}


def test_the_progress_page_refreshes_while_publishing_and_shows_a_failure(
    staff_user: User, reviewer_client: Client
) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)
    ReportEdition.objects.filter(pk=edition.pk).update(
        freeze_state=FreezeState.RUNNING, freeze_progress="Rendering the PDF"
    )
    running = reviewer_client.get(url("edition_progress", edition)).content.decode()
    ReportEdition.objects.filter(pk=edition.pk).update(
        freeze_state=FreezeState.FAILED, freeze_progress="OSError: the disk is full"
    )
    failed = reviewer_client.get(url("edition_progress", edition)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in running
    assert "Rendering the PDF" in running
    assert "OSError: the disk is full" in failed and "Try publishing again" in failed
    assert 'http-equiv="refresh"' not in failed


def test_a_reviewer_tries_again_after_a_failure(staff_user: User, reviewer_client: Client) -> None:
    edition = ready(staff_user, method="The helpline is 943 476 5919, as the hub advertises.")
    edition = services.submit(edition=edition, user=staff_user)
    # An earlier attempt failed after a reviewer let the helpline number through.
    ReportEdition.objects.filter(pk=edition.pk).update(
        freeze_state=FreezeState.FAILED,
        freeze_progress="OSError: the disk is full",
        pii_override_reason="The number is the hub's public helpline, not a person's.",
    )

    response = reviewer_client.post(url("edition_publish", edition))

    assert response["Location"] == url("edition_progress", edition)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED


def test_a_failed_job_leaves_the_edition_in_review(staff_user: User) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)
    missing_user = 10**9  # the job fails: there is no such publisher

    jobs.run_freeze(edition.pk, missing_user)

    edition.refresh_from_db()
    assert edition.status == EditionStatus.IN_REVIEW


def test_the_job_refuses_what_the_checklist_blocks_by_the_time_it_runs(staff_user: User) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)
    excerpt = Excerpt.objects.get(cited_by__finding__in=edition.findings.all())
    visit = Visit.objects.get(excerpts=excerpt)
    visit.notes = "Corrected after the review. " + visit.notes  # the excerpt goes stale
    history.claim_version(visit, seen_version=None)
    history.save(visit, user=None, reason="Corrected")

    jobs.run_freeze(edition.pk, ReviewerFactory.create().pk)

    edition.refresh_from_db()
    assert edition.status == EditionStatus.IN_REVIEW and not edition.files.exists()
    assert edition.freeze_state == FreezeState.FAILED
    assert edition.freeze_progress.startswith("The checklist now finds 1 problem to fix first")
    assert f"Excerpt {excerpt.pk}" in edition.freeze_progress


# ----- Amending -------------------------------------------------------------------------------


def test_an_amendment_needs_a_reason_of_a_sentence(staff_client: Client, staff_user: User) -> None:
    published = publish(ready(staff_user))

    form = staff_client.get(url("edition_amend", published)).content.decode()
    empty = staff_client.post(
        url("edition_amend", published), {"slug": "early-findings-2", "reason": ""}
    ).content.decode()
    short = staff_client.post(
        url("edition_amend", published), {"slug": "early-findings-2", "reason": "Typo."}
    ).content.decode()
    made = staff_client.post(
        url("edition_amend", published),
        {"slug": "early-findings-2", "reason": "A finding's wording said more than its evidence."},
    )

    assert 'value="early-findings-2"' in form
    assert "Enter the reason for the amendment" in empty
    assert "in at least a sentence" in short
    amendment = ReportEdition.objects.get(amends=published)
    assert made["Location"] == url("edition_edit", amendment)
    assert amendment.status == EditionStatus.DRAFT
    assert amendment.summary == published.summary
    assert list(amendment.findings.all()) == list(published.findings.all())


def test_the_history_and_the_list_show_the_edition(staff_client: Client, staff_user: User) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)

    listed = staff_client.get(reverse("findings:edition_manage")).content.decode()
    page = staff_client.get(url("edition_history", edition)).content.decode()

    assert "Early findings (early-findings)" in listed and "In review" in listed
    assert "Sent for review" in page and "Created" in page


# ----- The job on a real Redis queue ----------------------------------------------------------

# `make test` runs its SQLite and PostgreSQL passes at once: each has a Redis database of its own.
_ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
REDIS_URL = f"redis://127.0.0.1:6379/{15 if _ON_SQLITE else 13}"


@override_settings(REDIS_URL=REDIS_URL)
def test_publishing_goes_through_the_redis_queue(staff_user: User) -> None:
    edition = services.submit(edition=ready(staff_user), user=staff_user)
    connection = Redis.from_url(REDIS_URL)
    queue = Queue(jobs.QUEUE, connection=connection)
    queue.empty()

    queued = services.publish(edition=edition, user=ReviewerFactory.create())
    waiting = queue.count
    SimpleWorker([queue], connection=connection).work(burst=True)

    assert queued.freeze_state == FreezeState.QUEUED and queued.status == EditionStatus.IN_REVIEW
    assert waiting == 1
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
    assert edition.freeze_state == FreezeState.NONE and edition.freeze_progress == "Published"
    assert queue.count == 0
