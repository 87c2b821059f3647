"""Managing findings: writing one, choosing its evidence, agreeing it (by a reviewer who did
not write it; possible identifiers need a reason and a tick), retiring and reopening it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from findings import sources
from findings.models import Finding, FindingStatus
from tests.conftest import signed_in_client
from tests.factories import ReviewerFactory
from tests.surveys.factories import SurveyFactory, add_question
from visits.models import Visit

from .coded import NOTES, agreed, code, draft
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db


def url(name: str, finding: Finding) -> str:
    return reverse(name, kwargs={"pk": finding.pk})


def test_a_member_writes_a_finding_and_goes_on_to_its_evidence(staff_client: Client) -> None:
    theme = ThemeFactory.create(name="Co-location")

    form = staff_client.get(reverse("findings:finding_create") + f"?theme={theme.slug}")
    response = staff_client.post(
        reverse("findings:finding_create"),
        {
            "theme": theme.pk,
            "headline": "Sitting together helps",
            "statement": "It does.",
            "order": "0",
        },
    )

    assert f'<option value="{theme.pk}" selected>' in form.content.decode()
    finding = Finding.objects.get()
    assert response["Location"] == url("findings:finding_evidence", finding)
    assert finding.status == FindingStatus.DRAFT and finding.theme == theme


def test_a_finding_without_a_headline_or_theme_says_what_to_fix(staff_client: Client) -> None:
    html = staff_client.post(
        reverse("findings:finding_create"), {"headline": "", "statement": "", "order": "0"}
    ).content.decode()

    assert "<title>Error: " in html
    assert "Select the finding&#x27;s theme" in html
    assert "Enter the finding&#x27;s headline" in html
    assert "Enter the finding&#x27;s statement" in html
    assert not Finding.objects.exists()


def test_a_member_chooses_excerpts_of_the_theme_and_survey_questions(
    staff_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    other_theme_excerpt = code(
        sources.visit_source(approved_visit(notes=NOTES)), staff_user, ThemeFactory.create()
    )
    question = add_question(SurveyFactory.create(), "Q3", "yes_no", text="Are teams co-located?")
    finding = draft(theme, staff_user)
    page_url = url("findings:finding_evidence", finding)

    page = staff_client.get(page_url).content.decode()
    refused = staff_client.post(
        page_url, {"excerpts": [other_theme_excerpt.pk], "version": finding.version}
    ).content.decode()
    response = staff_client.post(
        page_url,
        {"excerpts": [excerpt.pk], "questions": [question.pk], "version": finding.version},
    )

    assert f'value="{excerpt.pk}"' in page and "Are teams co-located?" in page
    assert f'value="{other_theme_excerpt.pk}"' not in page
    assert "Select excerpts from the list" in refused
    assert response["Location"] == url("findings:finding", finding)
    cited = Finding.objects.get(pk=finding.pk).evidence.all()
    assert {(e.excerpt_id, e.question_id) for e in cited} == {
        (excerpt.pk, None),
        (None, question.pk),
    }
    detail = staff_client.get(url("findings:finding", finding)).content.decode()
    assert "Cited by 1 of 2 areas visited, in 1 region" in detail  # the other visit counts too


def test_the_author_cannot_agree_their_own_finding(staff_user: User) -> None:
    author = ReviewerFactory.create()
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = draft(theme, author, [excerpt])

    html = (
        signed_in_client(author)
        .post(url("findings:finding_agree", finding), {"version": finding.version})
        .content.decode()
    )

    assert (
        "Someone else must review this finding: you wrote it, changed it or sent it for review."
        in html
    )
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.DRAFT


def test_another_reviewer_agrees_a_finding_with_evidence(
    reviewer_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = draft(theme, staff_user, [excerpt])
    finding.refresh_from_db()

    page = reviewer_client.get(url("findings:finding_agree", finding)).content.decode()
    response = reviewer_client.post(
        url("findings:finding_agree", finding), {"version": finding.version}
    )

    assert "Co-location was the key success factor" in page
    assert 'name="confirm"' not in page  # nothing to confirm without identifiers
    assert response["Location"] == url("findings:finding", finding)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.AGREED and finding.agreed_at is not None


def test_a_finding_with_stale_or_no_evidence_is_not_agreed(
    reviewer_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    visit = approved_visit(notes=NOTES)
    excerpt = code(sources.visit_source(visit), staff_user, theme)
    bare = draft(theme, staff_user, headline="Nothing cited")
    stale = draft(theme, staff_user, [excerpt])
    stale.refresh_from_db()
    Visit.objects.filter(pk=visit.pk).update(notes="Rewritten.")

    no_evidence = reviewer_client.post(
        url("findings:finding_agree", bare), {"version": bare.version}
    ).content.decode()
    stale_page = reviewer_client.get(url("findings:finding_agree", stale)).content.decode()
    refused = reviewer_client.post(
        url("findings:finding_agree", stale), {"version": stale.version}
    ).content.decode()

    assert "Cite at least one piece of evidence" in no_evidence
    assert "Stale" in stale_page
    assert "Some of the evidence is stale" in refused
    assert not Finding.objects.filter(status=FindingStatus.AGREED).exists()


def test_agreeing_a_finding_with_possible_identifiers_needs_a_reason_and_a_tick(
    reviewer_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = draft(
        theme, staff_user, [excerpt], statement="Call the hub on 020 7946 0000 for advice."
    )
    finding.refresh_from_db()
    agree = url("findings:finding_agree", finding)

    page = reviewer_client.get(agree).content.decode()
    missing = reviewer_client.post(agree, {"version": finding.version}).content.decode()
    no_tick = reviewer_client.post(
        agree, {"version": finding.version, "override_reason": "It is the hub's helpline."}
    ).content.decode()
    response = reviewer_client.post(
        agree,
        {
            "version": finding.version,
            "override_reason": "It is the hub's public helpline, not a person's.",
            "confirm": "on",
        },
    )

    assert "govuk-warning-text" in page and "possible identifier" in page
    assert 'name="confirm"' in page and "020 7946 0000" in page
    assert "Enter why the possible identifiers can stay" in missing
    assert "Confirm that the possible identifiers do not identify anyone" in missing
    assert "Enter why" not in no_tick and "Confirm that the possible identifiers" in no_tick
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.AGREED
    assert finding.pii_override_reason == "It is the hub's public helpline, not a person's."


def test_a_reviewer_reopens_and_retires_an_agreed_finding_and_staff_cannot(
    staff_client: Client, reviewer_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = agreed(theme, staff_user, [excerpt])

    assert (
        staff_client.post(url("findings:finding_retire", finding), {"version": finding.version})
    ).status_code == 403
    reviewer_client.post(url("findings:finding_reopen", finding), {"version": finding.version})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DRAFT and finding.agreed_by is None
    reviewer_client.post(url("findings:finding_retire", finding), {"version": finding.version})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RETIRED


def test_only_a_draft_finding_can_be_changed(staff_client: Client, staff_user: User) -> None:
    theme = ThemeFactory.create()
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = agreed(theme, staff_user, [excerpt])

    response = staff_client.get(url("findings:finding_edit", finding), follow=True)

    assert "Only a draft finding can be changed. This one is agreed." in (response.content.decode())


def test_changing_a_finding_from_an_old_version_is_refused(
    staff_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    finding = draft(theme, staff_user)
    form = {"theme": theme.pk, "headline": "New words", "statement": "New.", "order": "0"}
    edit = url("findings:finding_edit", finding)

    staff_client.post(edit, {**form, "version": finding.version})
    again = staff_client.post(edit, {**form, "headline": "Lost", "version": finding.version})

    assert "changed by someone else" in again.content.decode()
    assert Finding.objects.get(pk=finding.pk).headline == "New words"


def test_the_list_and_the_history_show_every_finding_and_its_changes(
    staff_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create(name="Co-location")
    finding = draft(theme, staff_user, headline="Still a draft", is_illustrative=True)

    listing = staff_client.get(reverse("findings:manage")).content.decode()
    history = staff_client.get(url("findings:finding_history", finding)).content.decode()

    assert "Still a draft" in listing and "Co-location" in listing and "Illustrative" in listing
    assert "History of the finding" in history and "Created" in history


def test_the_list_narrows_to_one_theme_and_says_so(staff_client: Client, staff_user: User) -> None:
    theme, other = ThemeFactory.create(name="Co-location"), ThemeFactory.create(name="Triage")
    draft(theme, staff_user, headline="Sitting together is faster")
    draft(other, staff_user, headline="Red means within an hour")

    listing = staff_client.get(reverse("findings:manage"), {"theme": theme.slug})

    html = listing.content.decode()
    assert "Sitting together is faster" in html
    assert "Red means within an hour" not in html
    assert "1 finding on Co-location" in html
    assert "<title>Manage findings: Co-location" in html


def test_a_theme_not_in_the_list_says_what_to_do_and_lists_every_finding(
    staff_client: Client, staff_user: User
) -> None:
    draft(ThemeFactory.create(), staff_user, headline="Sitting together is faster")

    html = staff_client.get(reverse("findings:manage"), {"theme": "no-such-theme"}).content.decode()

    assert "<title>Error: Manage findings" in html
    assert "There is a problem" in html and "Select a theme from the list" in html
    assert "Sitting together is faster" in html


def test_a_finding_page_warns_of_possible_identifiers_in_its_saved_text(
    staff_client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    finding = draft(theme, staff_user, statement="Ring 020 7946 0000 for the duty worker.")

    page = staff_client.get(url("findings:finding", finding)).content.decode()
    listing = staff_client.get(reverse("findings:manage")).content.decode()

    assert "Possible identifier found" in page
    assert url("findings:finding_edit", finding) + "#id_statement" in page
    assert "Possible identifiers" in listing
