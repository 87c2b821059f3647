"""Coding in the browser, without a browser: the coding page of each kind of source (selected
offsets checked against the stored text; a pasted passage found once, twice or not at all),
an excerpt's page and its actions, and the list of stale excerpts."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from findings import coding, services, sources
from findings.models import Clearance, Excerpt, Theme
from tests.queries import assert_query_count_flat
from tests.surveys.factories import add_question
from visits.models import DetailedFeedback, ReviewStatus, Visit

from .factories import (
    ThemeFactory,
    approved_feedback,
    approved_visit,
    published_section,
    submitted_answer,
)

pytestmark = pytest.mark.django_db

NOTES = (
    "Police and children's social care sit together in the hub. "
    "Co-location was the key success factor: decisions take hours, not days. "
    "Co-location was the key success factor for health too."
)
ONCE = "decisions take hours, not days"
TWICE = "Co-location was the key success factor"


def _url(visit: Visit) -> str:
    return reverse("findings:code_visit", kwargs={"pk": visit.pk})


def _text_content(page: str) -> str:
    """The text of the page's source element, as a browser's DOM would hold it."""
    match = re.search(r'<div class="app-source-text"[^>]*>(.*?)</div>', page, re.S)
    assert match, "the page shows no source text"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def _excerpt_at(visit: Visit, start: int, end: int, user: User, theme: Theme) -> Excerpt:
    return services.excerpt_create(
        source=sources.visit_source(visit), start=start, end=end, themes=[theme], user=user
    )


# ----- The coding page -------------------------------------------------------------------


def test_the_page_shows_the_stored_text_exactly_with_coded_passages_marked(
    staff_client: Client, staff_user: User
) -> None:
    notes = "First line.\r\nSecond <line> & more.\r\n\r\nCo-location 🙂 helps."
    visit = approved_visit(notes=notes)
    theme = ThemeFactory.create(name="Co-location")
    at = notes.index("Co-location")
    _excerpt_at(visit, at, len(notes), staff_user, theme)
    _excerpt_at(visit, 0, at + 5, staff_user, ThemeFactory.create())  # overlaps the first

    page = staff_client.get(_url(visit)).content.decode()

    assert _text_content(page) == notes  # carriage returns and all: offsets map one to one
    assert '<mark class="app-coded" id="passage-' in page
    assert "Co-location" in re.sub(r"<[^>]+>", "", page.split("Coded passages")[1])


def test_a_selected_passage_is_coded_at_its_offsets(staff_client: Client, staff_user: User) -> None:
    visit = approved_visit(notes=NOTES)
    theme = ThemeFactory.create(name="Co-location")
    start = NOTES.rindex(TWICE)  # the second of two: the offsets say which

    response = staff_client.post(
        _url(visit),
        {"passage": TWICE, "start": start, "end": start + len(TWICE), "themes": [theme.pk]},
    )

    assert response.status_code == 302
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.quote, excerpt.coded_by) == (start, TWICE, staff_user)
    assert list(excerpt.themes.all()) == [theme]
    page = staff_client.get(response["Location"]).content.decode()
    assert "The passage has been coded to Co-location" in page


def test_a_selection_whose_words_differ_from_the_text_at_its_offsets_is_refused(
    staff_client: Client,
) -> None:
    visit = approved_visit(notes=NOTES)
    theme = ThemeFactory.create()

    response = staff_client.post(
        _url(visit), {"passage": ONCE, "start": 0, "end": len(ONCE), "themes": [theme.pk]}
    )

    assert response.status_code == 200
    assert "The selected passage does not match the text" in response.content.decode()
    assert not Excerpt.objects.exists()


def test_a_selection_across_line_breaks_matches_however_the_browser_sent_them(
    staff_client: Client,
) -> None:
    notes = "One.\nTwo lines\nof text.\nThree."
    visit = approved_visit(notes=notes)
    passage = "Two lines\nof text."
    start = notes.index(passage)

    staff_client.post(
        _url(visit),
        {
            "passage": passage.replace("\n", "\r\n"),  # as a form sends it
            "start": start,
            "end": start + len(passage),
            "themes": [ThemeFactory.create().pk],
        },
    )

    assert Excerpt.objects.get().quote == passage


def test_a_pasted_passage_found_once_is_coded(staff_client: Client) -> None:
    visit = approved_visit(notes=NOTES)
    theme = ThemeFactory.create()

    response = staff_client.post(
        _url(visit), {"passage": f"  {ONCE} ", "themes": [theme.pk], "memo": "Speed"}
    )

    assert response.status_code == 302
    excerpt = Excerpt.objects.get()
    assert excerpt.start == NOTES.index(ONCE)
    assert (excerpt.quote, excerpt.memo) == (ONCE, "Speed")


def test_a_pasted_passage_on_several_lines_is_found_whatever_line_breaks_it_has(
    staff_client: Client,
) -> None:
    notes = "One.\r\nTwo lines\r\nof text.\r\nThree."  # as a browser's form stored it
    visit = approved_visit(notes=notes)

    staff_client.post(
        _url(visit), {"passage": "Two lines\nof text.", "themes": [ThemeFactory.create().pk]}
    )

    assert Excerpt.objects.get().quote == "Two lines\r\nof text."


def test_a_pasted_passage_found_twice_asks_which_one_then_codes_the_one_chosen(
    staff_client: Client,
) -> None:
    visit = approved_visit(notes=NOTES)
    theme = ThemeFactory.create()

    response = staff_client.post(_url(visit), {"passage": TWICE, "themes": [theme.pk]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The passage appears 2 times: select which one you mean" in page
    assert "Error: " in page.split("</title>")[0]
    assert "for health too" in page  # the second place, in the words around it
    assert not Excerpt.objects.exists()

    staff_client.post(_url(visit), {"passage": TWICE, "themes": [theme.pk], "occurrence": "2"})

    assert Excerpt.objects.get().start == NOTES.rindex(TWICE)


def test_a_pasted_passage_that_is_not_in_the_text_is_refused(staff_client: Client) -> None:
    visit = approved_visit(notes=NOTES)

    response = staff_client.post(
        _url(visit), {"passage": "Nobody said this", "themes": [ThemeFactory.create().pk]}
    )

    page = response.content.decode()
    assert "The passage is not in the notes. Copy it exactly from the text above" in page
    assert 'href="#id_passage"' in page  # the error summary links to the passage
    assert not Excerpt.objects.exists()


def test_a_passage_needs_a_theme(staff_client: Client) -> None:
    visit = approved_visit(notes=NOTES)

    response = staff_client.post(_url(visit), {"passage": ONCE})

    assert "Select at least one theme" in response.content.decode()
    assert not Excerpt.objects.exists()


def test_a_source_that_cannot_be_cited_shows_no_form_and_refuses_a_coding(
    staff_client: Client,
) -> None:
    visit = approved_visit(notes=NOTES)
    Visit.objects.filter(pk=visit.pk).update(status=ReviewStatus.RETURNED)

    page = staff_client.get(_url(visit)).content.decode()
    response = staff_client.post(
        _url(visit), {"passage": ONCE, "themes": [ThemeFactory.create().pk]}
    )

    assert "This cannot be coded now" in page
    assert "Save the coding" not in page
    assert "Only approved visits and feedback" in response.content.decode()
    assert not Excerpt.objects.exists()


def test_each_kind_of_source_has_a_coding_page(staff_client: Client) -> None:
    feedback = approved_feedback(barriers="Data protection worries slowed sharing.")
    section = published_section(body="Partners meet every morning.")
    answer = submitted_answer("We share a case system with health.")
    theme = ThemeFactory.create()

    for url, passage in (
        (
            reverse("findings:code_feedback", kwargs={"pk": feedback.pk, "field": "barriers"}),
            "Data protection worries",
        ),
        (reverse("findings:code_section", kwargs={"pk": section.pk}), "meet every morning"),
        (reverse("findings:code_answer", kwargs={"pk": answer.pk}), "a case system"),
    ):
        assert staff_client.get(url).status_code == 200
        staff_client.post(url, {"passage": passage, "themes": [theme.pk]})

    assert {e.source_type for e in Excerpt.objects.all()} == {"feedback", "case_study", "survey"}
    assert Excerpt.objects.get(feedback=feedback).feedback_field == "barriers"


def test_a_feedback_field_that_is_not_free_text_is_not_found(staff_client: Client) -> None:
    feedback = approved_feedback()

    url = reverse("findings:code_feedback", kwargs={"pk": feedback.pk, "field": "status"})

    assert staff_client.get(url).status_code == 404


def test_each_source_links_to_its_coding_page(staff_client: Client) -> None:
    visit = approved_visit(notes=NOTES)
    feedback = approved_feedback(visit, barriers="Data protection worries.")
    section = published_section(body="Partners meet every morning.")
    answer = submitted_answer("We share a case system with health.")
    response = answer.response

    visit_page = staff_client.get(visit.get_absolute_url()).content.decode()
    feedback_page = staff_client.get(feedback.get_absolute_url()).content.decode()
    case_study_page = staff_client.get(section.case_study.get_absolute_url()).content.decode()
    return_page = staff_client.get(
        reverse(
            "surveys:return_detail",
            kwargs={"slug": response.survey.slug, "area": response.local_authority.slug},
        )
    ).content.decode()

    assert _url(visit) in visit_page
    assert reverse("findings:code_feedback", kwargs={"pk": feedback.pk, "field": "barriers"}) in (
        feedback_page
    )
    assert reverse("findings:code_section", kwargs={"pk": section.pk}) in case_study_page
    assert reverse("findings:code_answer", kwargs={"pk": answer.pk}) in return_page


def test_a_draft_visit_offers_no_coding(staff_client: Client) -> None:
    visit = approved_visit(notes=NOTES)
    Visit.objects.filter(pk=visit.pk).update(status=ReviewStatus.DRAFT)
    DetailedFeedback.objects.filter(visit=visit).delete()

    assert _url(visit) not in staff_client.get(visit.get_absolute_url()).content.decode()


def test_a_return_links_only_its_free_text_answers(staff_client: Client) -> None:
    answer = submitted_answer("We share a case system with health.")
    response = answer.response
    add_question(response.survey, "Q13", "number", required=False)

    page = staff_client.get(
        reverse(
            "surveys:return_detail",
            kwargs={"slug": response.survey.slug, "area": response.local_authority.slug},
        )
    ).content.decode()

    assert page.count("Code this answer") == 1


def test_the_coding_page_takes_the_same_queries_however_much_is_coded(
    staff_client: Client, staff_user: User
) -> None:
    visit = approved_visit(notes=NOTES * 5)
    url = _url(visit)

    def grow() -> None:
        for n in range(4):
            theme = ThemeFactory.create()
            _excerpt_at(visit, n * 10, n * 10 + 30, staff_user, theme)

    _excerpt_at(visit, 0, 20, staff_user, ThemeFactory.create())
    assert_query_count_flat(lambda: staff_client.get(url), grow, message="the coding page")


# ----- An excerpt --------------------------------------------------------------------------


def _coded(user: User, notes: str = NOTES, passage: str = ONCE) -> Excerpt:
    visit = approved_visit(notes=notes)
    start = notes.index(passage)
    return _excerpt_at(visit, start, start + len(passage), user, ThemeFactory.create())


def _change_notes(excerpt: Excerpt, notes: str) -> None:
    Visit.objects.filter(excerpts=excerpt).update(notes=notes)


def test_the_excerpt_page_shows_the_quote_in_its_source(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)

    page = staff_client.get(reverse("findings:excerpt", kwargs={"pk": excerpt.pk})).content.decode()

    assert _text_content(page) == NOTES
    assert f'<mark class="app-coded" id="passage-{excerpt.pk}"' in page
    assert "Stale" not in page


def test_an_excerpt_s_themes_and_memo_can_be_changed(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    other = ThemeFactory.create()

    response = staff_client.post(
        reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
        {"themes": [other.pk], "memo": "Also about speed", "version": excerpt.version},
    )

    assert response.status_code == 302
    excerpt.refresh_from_db()
    assert list(excerpt.themes.all()) == [other]
    assert excerpt.memo == "Also about speed"


def test_a_changed_excerpt_seen_at_an_old_version_is_refused(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)

    response = staff_client.post(
        reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
        {"themes": [ThemeFactory.create().pk], "memo": "", "version": excerpt.version + 5},
    )

    assert "This excerpt was changed by someone else" in response.content.decode()


def test_an_edit_that_moves_the_quote_flags_it_and_re_anchoring_follows_it(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    _change_notes(excerpt, "A new first sentence. " + NOTES)
    url = reverse("findings:excerpt", kwargs={"pk": excerpt.pk})

    page = staff_client.get(url).content.decode()
    assert "Stale: The source has changed: the passage is now somewhere else in it" in page
    assert "Re-anchor the excerpt" in page

    staff_client.post(
        reverse("findings:excerpt_reanchor", kwargs={"pk": excerpt.pk}),
        {"version": excerpt.version},
    )

    excerpt.refresh_from_db()
    assert excerpt.start == len("A new first sentence. ") + NOTES.index(ONCE)
    assert "Stale" not in staff_client.get(url).content.decode()


def test_a_reworded_passage_is_re_confirmed_on_the_new_words(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    _change_notes(excerpt, NOTES.replace(ONCE, "decisions now take hours rather than days"))

    response = staff_client.post(
        reverse("findings:excerpt_reconfirm", kwargs={"pk": excerpt.pk}),
        {"passage": "decisions now take hours rather than days", "version": excerpt.version},
    )

    assert response.status_code == 302
    excerpt.refresh_from_db()
    assert excerpt.quote == "decisions now take hours rather than days"
    history = staff_client.get(reverse("findings:excerpt_history", kwargs={"pk": excerpt.pk}))
    assert "Re-confirmed on the changed source" in history.content.decode()


def test_re_confirming_on_words_that_are_not_in_the_source_is_refused(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    _change_notes(excerpt, "Everything was rewritten.")

    response = staff_client.post(
        reverse("findings:excerpt_reconfirm", kwargs={"pk": excerpt.pk}),
        {"passage": ONCE, "version": excerpt.version},
    )

    assert "The passage is not in the notes" in response.content.decode()
    excerpt.refresh_from_db()
    assert excerpt.quote == ONCE


def test_removing_an_excerpt_asks_first_then_goes_back_to_the_text(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    url = reverse("findings:excerpt_remove", kwargs={"pk": excerpt.pk})

    assert "Remove the excerpt" in staff_client.get(url).content.decode()
    response = staff_client.post(url)

    assert response["Location"] == reverse("findings:code_visit", kwargs={"pk": excerpt.visit_id})
    assert not Excerpt.objects.exists()


def test_only_a_reviewer_sets_a_quote_s_clearance(
    staff_client: Client, reviewer_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    url = reverse("findings:excerpt_clearance", kwargs={"pk": excerpt.pk})
    data = {"clearance": Clearance.REGION, "version": excerpt.version}

    refused = staff_client.post(url, data).content.decode()
    excerpt.refresh_from_db()
    assert "Only a reviewer can clear a quote for publication" in refused
    assert excerpt.clearance == Clearance.NOT_FOR_PUBLICATION
    assert (
        "Clearance for publication"
        not in staff_client.get(
            reverse("findings:excerpt", kwargs={"pk": excerpt.pk})
        ).content.decode()
    )

    reviewer_client.post(url, data)
    excerpt.refresh_from_db()
    assert excerpt.clearance == Clearance.REGION


def test_a_quote_with_an_identifier_is_refused_clearance_with_what_to_do(
    reviewer_client: Client, staff_user: User
) -> None:
    notes = "Call Mrs Jones on 07700 900123 about the referral."
    excerpt = _coded(staff_user, notes=notes, passage=notes)
    url = reverse("findings:excerpt_clearance", kwargs={"pk": excerpt.pk})

    refused = reviewer_client.post(url, {"clearance": Clearance.AREA, "version": excerpt.version})

    page = html.unescape(refused.content.decode())
    assert "The quote holds a possible name with a title and phone number" in page
    assert "Code a shorter passage without it" in page
    excerpt.refresh_from_db()
    assert excerpt.clearance == Clearance.NOT_FOR_PUBLICATION


def test_the_history_lists_themes_added_and_removed(staff_client: Client, staff_user: User) -> None:
    excerpt = _coded(staff_user)
    Theme.objects.filter(excerpts=excerpt).update(name="Speed")
    services.excerpt_update(
        excerpt=excerpt,
        user=staff_user,
        seen_version=excerpt.version,
        themes=[ThemeFactory.create(name="Workforce")],
        memo="",
    )

    page = staff_client.get(
        reverse("findings:excerpt_history", kwargs={"pk": excerpt.pk})
    ).content.decode()

    assert "Coded" in page
    assert "Workforce" in page
    assert "Speed" in page


# ----- Needs attention and the theme ------------------------------------------------------


def test_stale_excerpts_are_listed_with_why(staff_client: Client, staff_user: User) -> None:
    standing = _coded(staff_user)
    moved = _coded(staff_user)
    gone = _coded(staff_user)
    _change_notes(moved, "Now first. " + NOTES)
    _change_notes(gone, "Rewritten.")

    page = staff_client.get(reverse("findings:needs_attention")).content.decode()

    assert reverse("findings:excerpt", kwargs={"pk": moved.pk}) in page
    assert reverse("findings:excerpt", kwargs={"pk": gone.pk}) in page
    assert reverse("findings:excerpt", kwargs={"pk": standing.pk}) not in page
    assert "the passage is now somewhere else in it" in page
    assert "the passage is no longer in it" in page


def test_the_needs_attention_list_takes_the_same_queries_however_many(
    staff_client: Client, staff_user: User
) -> None:
    def grow() -> None:
        for _ in range(3):
            excerpt = _coded(staff_user)
            _change_notes(excerpt, "Rewritten.")

    grow()
    assert_query_count_flat(
        lambda: staff_client.get(reverse("findings:needs_attention")), grow, message="the list"
    )


def test_the_theme_page_lists_its_excerpts_with_stale_flags(
    staff_client: Client, staff_user: User
) -> None:
    excerpt = _coded(staff_user)
    _change_notes(excerpt, "Rewritten.")
    theme = excerpt.themes.get()

    page = staff_client.get(
        reverse("findings:codebook_theme", kwargs={"slug": theme.slug})
    ).content.decode()

    assert reverse("findings:excerpt", kwargs={"pk": excerpt.pk}) in page
    assert "Stale" in page


def test_highlighting_keeps_every_character_of_the_text() -> None:
    text = "a<b>\r\nc & d"

    shown = str(coding.highlighted(text, []))

    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == text
    assert "&#13;" in shown
