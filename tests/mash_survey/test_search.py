"""The search engine and its page and API: the query language, ranking, snippets, filters,
pagination and the query count, with the same results on SQLite (FTS5) and PostgreSQL
(tsvector). Who may see which record is tested elsewhere; here the records are public unless
a test needs a project member's view."""

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from areas.models import Region
from case_studies.models import CaseStudy
from mash_survey import search
from mash_survey.audience import Audience
from mash_survey.search import Filters, Term, parse
from tests.areas.pages import Element
from tests.areas.pages import parse as parse_html
from tests.module_data import module_atomic
from tests.queries import count_queries
from visits.models import ModelSeen

from . import search_data as data
from .search_data import Corpus

SEARCH = reverse("search")
API = reverse("api:search-list")

NORTH_BRIEFING, SOUTH_BRIEFING = "Daily briefings, north", "Daily briefings, south"
CASELOAD_PUBLIC = {
    "Caseload sizes fell",
    "Caseload checks are weekly",
    "Caseload review",
    "Q1. What is the average caseload of a social worker?",
}


@pytest.fixture(scope="module")
def module_corpus(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, register_rows: Any
) -> Iterator[Corpus]:
    with module_atomic(django_db_blocker):
        with django_db_blocker.unblock():
            data.load_register(register_rows)
            corpus = data.make_corpus()
        yield corpus


@pytest.fixture
def corpus(module_corpus: Corpus, db: None) -> Corpus:
    return module_corpus


def found(text: str, **filters: Any) -> list[str]:
    """The titles of the first page of results the public gets, best first."""
    results = search.search(text, audience=Audience.PUBLIC, filters=Filters(**filters))
    return [result.entry.title for result in results.results]


def page(client: Client, **params: Any) -> tuple[Element, str]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    html = response.content.decode()
    return parse_html(html), html


def result_items(document: Element) -> list[Element]:
    lists = document.find_all("ol", "app-search-results")
    return lists[0].find_all("li", "app-search-results__item") if lists else []


def page_titles(document: Element) -> list[str]:
    return [item.find("h2").text() for item in result_items(document)]


def by_id(document: Element, id: str) -> Element:
    return next(el for el in document.iter() if el.attrs.get("id") == id)


def counts_by_type(document: Element) -> list[str]:
    lists = [el for el in document.find_all("ul") if el.attrs.get("id") == "counts-by-type"]
    return [li.text() for li in lists[0].find_all("li")] if lists else []


def result_count(document: Element) -> str:
    """The line above the results, as read ("27 results for roster, page 2 of 2")."""
    return by_id(document, "result-count").text().replace(" ,", ",")


def link(document: Element, rel: str) -> str:
    return next(a.attrs["href"] for a in document.find_all("a") if a.attrs.get("rel") == rel)


def params_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def api(client: APIClient, **params: Any) -> Any:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


def api_titles(body: Any) -> list[str]:
    return [result["title"] for result in body["results"]]


# ----- The query language: parsing ----------------------------------------------------------


def test_a_query_is_read_as_words_phrases_exclusions_and_alternatives() -> None:
    query = parse('Sharing "strategy discussion" -police -"health visitors" or pilot')

    assert query.groups == (
        (
            Term(("sharing",)),
            Term(("strategy", "discussion")),
            Term(("police",), excluded=True),
            Term(("health", "visitors"), excluded=True),
        ),
        (Term(("pilot",)),),
    )
    assert query.words == ["sharing", "strategy", "discussion", "pilot"]


def test_stop_words_on_their_own_and_excluded_words_on_their_own_are_no_query() -> None:
    assert not parse("the and")
    assert not parse("-police -health")
    assert not parse("  ")
    assert parse("the pilot").groups == ((Term(("pilot",)),),)
    # An alternative of excluded words only is dropped; the other stands.
    assert parse("pilot or -police").groups == ((Term(("pilot",)),),)


def test_a_hyphenated_word_is_a_phrase_of_its_parts() -> None:
    assert parse("multi-agency").groups == ((Term(("multi", "agency")),),)


def test_stop_words_at_the_ends_of_a_term_are_left_out_and_kept_within_it() -> None:
    # As PostgreSQL reads a query, so that FTS5 finds the same.
    assert parse("children's").groups == ((Term(("children",)),),)
    assert parse("children\u2019s").groups == ((Term(("children",)),),)
    assert parse('"the pilot"').groups == ((Term(("pilot",)),),)
    assert parse("don't").groups == ()
    assert parse('"front of the house"').groups == ((Term(("front", "of", "the", "house")),),)


@pytest.mark.parametrize(
    "text",
    ["NEAR(lighthouse police)", "lighthouse*", '"unbalanced', "a:b", "^x", "x AND (", "'", "\\"],
)
def test_syntax_characters_are_never_part_of_a_term(text: str) -> None:
    terms = [term for group in parse(text).groups for term in group]

    assert all(re.fullmatch(r"\w+", word) for term in terms for word in term.words)


def test_a_query_is_cut_at_the_longest_taken() -> None:
    assert parse("x" * 500).text == "x" * search.MAX_QUERY
    assert len(parse("pilot " * 100).text) == search.MAX_QUERY


# ----- The query language: what it finds ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Stemming.
        ("sharing", {"Chronologies are shared before every case conference"}),
        ("shares", {"Chronologies are shared before every case conference"}),
        ("referrals", {"One form for every request"}),
        # Exact phrases: side by side, not apart.
        ('"strategy discussion"', {"Talking before acting"}),
        ("strategy discussion", {"Talking before acting", "Weekly planning"}),
        ('"front of the house"', {"Duty desk placement"}),
        ("front house", {"Duty desk placement", "Garden entrance"}),
        ("multi-agency", {"Working as one team"}),
        ('"multi agency"', {"Working as one team"}),
        # A hyphenated word inside a longer phrase (PostgreSQL indexes the compound too).
        ('"a multi-agency team meets"', {"Working as one team"}),
        ('"multi-agency team meets"', {"Working as one team"}),
        # A possessive finds the word, with or without its 's, on both databases.
        ("probation's", {"Probation's role grew", "Probation staff joined"}),
        ("probation", {"Probation's role grew", "Probation staff joined"}),
        ('"the pilot ran"', {"The pilot ran for a year"}),
        # Excluded words and phrases.
        ("lighthouse", {NORTH_BRIEFING, SOUTH_BRIEFING}),
        ("lighthouse -police", {SOUTH_BRIEFING}),
        ("lighthouse -health", {NORTH_BRIEFING}),
        ('lighthouse -"health visitors"', {NORTH_BRIEFING}),
        ('lighthouse -"visitors health"', {NORTH_BRIEFING, SOUTH_BRIEFING}),
        # Alternatives.
        ("pilot or evaluated", {"The pilot ran for a year", "Q1. Has the hub been evaluated?"}),
        ("pilot OR evaluated", {"The pilot ran for a year", "Q1. Has the hub been evaluated?"}),
        ("pilot evaluated", set()),
        # Nothing to look for.
        ("the and", set()),
        ("-lighthouse", set()),
        ("-lighthouse -police", set()),
    ],
)
def test_the_query_language_finds_the_same_records_on_either_database(
    corpus: Corpus, text: str, expected: set[str]
) -> None:
    assert set(found(text)) == expected


#: Characters that mean something to FTS5, to tsquery or to the parser, and odd input.
AWKWARD = [
    ("NEAR(", set()),
    ("NEAR(lighthouse police)", set()),
    ("*", set()),
    ("lighthouse*", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ('"unbalanced', set()),
    ('"lighthouse', {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ('lighthouse "', {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ('""', set()),
    ("a:b", set()),
    ("summary:lighthouse", set()),
    ("lighthouse:*", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("^", set()),
    ("^lighthouse", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("+lighthouse", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("{lighthouse}", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("(lighthouse", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("lighthouse AND (", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("lighthouse NOT police", {NORTH_BRIEFING}),  # "not" is a stop word: lighthouse and police
    ("lighthouse & !police", {NORTH_BRIEFING}),  # "!police" is the word police
    ("lighthouse | <-> police", {NORTH_BRIEFING}),
    ("'", set()),
    ("-", set()),
    ("--lighthouse", set()),
    ("- - or or", set()),
    ("\\", set()),
    ("%_;", set()),
    ("'; DROP TABLE mash_survey_searchentry; --", set()),
    ("lighthouse's", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("lighthouse\u2019s", {NORTH_BRIEFING, SOUTH_BRIEFING}),
    ("O'Brien", set()),
]


@pytest.mark.parametrize(("text", "expected"), AWKWARD)
def test_syntax_characters_never_cause_an_error(
    corpus: Corpus, client: Client, api_client: APIClient, text: str, expected: set[str]
) -> None:
    assert set(found(text)) == expected

    document, _ = page(client, q=text)
    assert set(page_titles(document)) == expected
    assert set(api_titles(api(api_client, q=text))) == expected


def test_the_page_asks_for_a_word_when_the_query_has_none_to_search_for(
    corpus: Corpus, client: Client
) -> None:
    for text in ("the and", "-lighthouse", '""'):
        document, _ = page(client, q=text)

        assert result_count(document).startswith("Enter a word to search for.")
        assert page_titles(document) == []


def test_the_page_without_a_query_invites_one(corpus: Corpus, client: Client) -> None:
    document, html = page(client)

    assert "Enter words to search for." in document.text()
    assert page_titles(document) == [] and "There is a problem" not in html


def test_the_api_finds_nothing_for_a_query_with_no_word_to_search_for(
    corpus: Corpus, api_client: APIClient
) -> None:
    body = api(api_client, q="the and")

    assert body["count"] == 0 and body["results"] == [] and body["counts"] == {}


def test_an_over_long_query_is_a_form_error_on_the_page(corpus: Corpus, client: Client) -> None:
    longest = "lighthouse or " + "x" * (search.MAX_QUERY - len("lighthouse or "))
    document, _ = page(client, q=longest)
    assert set(page_titles(document)) == {NORTH_BRIEFING, SOUTH_BRIEFING}

    document, _ = page(client, q=longest + "x")

    message = "Enter a search of 200 characters or fewer"
    assert document.find("title").text().startswith("Error:")
    summary = document.find("div", "govuk-error-summary")
    assert "There is a problem" in summary.text()
    assert summary.find("a").attrs["href"] == "#id_q" and summary.find("a").text() == message
    assert message in document.find("p", "govuk-error-message").text()
    assert page_titles(document) == []


def test_an_over_long_query_is_refused_by_the_api_with_a_message(
    corpus: Corpus, api_client: APIClient
) -> None:
    response = api_client.get(API, {"q": "lighthouse " + "x" * search.MAX_QUERY})

    assert response.status_code == 400
    assert response.json() == {"q": ["Send a q of 200 characters or fewer."]}


def test_the_api_asks_for_q(corpus: Corpus, api_client: APIClient) -> None:
    for params in ({}, {"q": ""}):
        response = api_client.get(API, params)

        assert response.status_code == 400
        assert response.json() == {"q": ["Send q, the words to search for."]}


# ----- Ranking ------------------------------------------------------------------------------


def test_a_title_match_outranks_a_summary_match_which_outranks_a_body_match(
    corpus: Corpus, client: Client, api_client: APIClient
) -> None:
    best_first = ["Escalation routes", "Routes upward", "Routes onward"]

    assert found("escalation") == best_first
    assert page_titles(page(client, q="escalation")[0]) == best_first
    assert api_titles(api(api_client, q="escalation")) == best_first


def test_results_come_best_first_by_the_whole_query(
    corpus: Corpus,
) -> None:
    # "routes" is in every title, "escalation" in one of them too: that one comes first.
    assert found("routes or escalation")[0] == "Escalation routes"
    ranked = search.search("routes or escalation", audience=Audience.PUBLIC).results
    ranks = [result.entry.rank for result in ranked]  # type: ignore[attr-defined]  # extra()
    assert ranks == sorted(ranks, reverse=True)


# ----- Snippets -----------------------------------------------------------------------------


def test_matched_words_are_marked_in_titles_and_snippets(corpus: Corpus, client: Client) -> None:
    document, _ = page(client, q="sharing")
    (item,) = result_items(document)
    title = item.find("h2").find("a")

    assert title.find("mark").text() == "shared"  # the word as written, found by its stem
    assert title.text() == "Chronologies are shared before every case conference"

    document, _ = page(client, q="referrals")
    (item,) = result_items(document)
    snippet = item.find("p", "app-search-results__snippet")
    assert [mark.text() for mark in snippet.find_all("mark")] == ["referral"]
    assert snippet.text() == "A single referral form replaced six."


def test_markup_in_a_record_is_shown_as_text_in_titles_and_snippets(
    corpus: Corpus, client: Client
) -> None:
    document, html = page(client, q="triage")
    by_title = {item.find("h2").text(): item for item in result_items(document)}

    assert set(by_title) == {data.TITLE_WITH_MARKUP, "Sorting desk"}
    assert "<script>alert" not in html  # nothing from the records runs
    # The title, marked and escaped, on either database.
    assert "<mark>Triage</mark> &amp; &lt;script&gt;alert(1)&lt;/script&gt; desk</a>" in html
    # A snippet from the summary, marked and escaped.
    assert "<mark>Triage</mark> &amp; &lt;script&gt;alert(2)&lt;/script&gt; at the door" in html
    # A snippet from the body (its key fact): the match marked, the text never markup.
    body = by_title[data.TITLE_WITH_MARKUP].find("p", "app-search-results__snippet")
    assert [mark.text() for mark in body.find_all("mark")] == ["triage"]
    assert "alert(3)" in body.text() and [el.tag for el in body.iter()] == ["mark"]


def test_a_query_with_markup_is_shown_as_text(corpus: Corpus, client: Client) -> None:
    document, html = page(client, q="<script>alert(4)</script> & lighthouse")

    assert "<script>alert(4)" not in html
    assert "&lt;script&gt;alert(4)&lt;/script&gt; &amp; lighthouse" in html
    assert page_titles(document) == []  # "script alert 4 script" is a phrase no record has


def test_the_api_gives_titles_as_text_and_snippets_as_escaped_html(
    corpus: Corpus, api_client: APIClient
) -> None:
    body = api(api_client, q="triage")
    by_title = {result["title"]: result for result in body["results"]}

    assert set(by_title) == {data.TITLE_WITH_MARKUP, "Sorting desk"}
    assert by_title["Sorting desk"]["snippet"] == (
        "<mark>Triage</mark> &amp; &lt;script&gt;alert(2)&lt;/script&gt; at the door"
    )
    snippet = by_title[data.TITLE_WITH_MARKUP]["snippet"]
    assert "<mark>triage</mark>" in snippet and "alert(3)" in snippet
    assert "<script" not in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0  # no markup but the marks
    result = by_title["Sorting desk"]
    assert result["type"] == "case_study" and result["type_label"] == "Case study"
    study = CaseStudy.objects.get(title="Sorting desk")
    assert result["url"] == f"http://testserver{study.get_absolute_url()}"


# ----- Filters ------------------------------------------------------------------------------


def test_the_page_counts_results_by_type_before_the_type_filter(
    corpus: Corpus, client: Client
) -> None:
    document, _ = page(client, q="caseload")

    assert set(page_titles(document)) == CASELOAD_PUBLIC
    assert result_count(document) == "4 results for caseload"
    counts = ["Case study (1)", "Finding (2)", "Survey question (1)"]
    assert counts_by_type(document) == counts

    document, _ = page(client, q="caseload", type="finding")

    assert set(page_titles(document)) == {"Caseload sizes fell", "Caseload checks are weekly"}
    assert result_count(document) == "2 results for caseload matching your filters"
    assert counts_by_type(document) == counts
    counts_list = by_id(document, "counts-by-type")
    assert counts_list.find("strong").text() == "Finding (2)"  # the type shown: not a link
    case_studies = next(a for a in counts_list.find_all("a") if "Case study" in a.text())
    assert params_of(case_studies.attrs["href"]) == {"q": ["caseload"], "type": ["case_study"]}


def test_project_members_count_the_kinds_only_they_see(
    corpus: Corpus, staff_client: Client
) -> None:
    document, _ = page(staff_client, q="caseload")

    assert counts_by_type(document) == [
        "Case study (2)",
        "Finding (2)",
        "Survey question (1)",
        "Visit notes (1)",
    ]
    document, _ = page(staff_client, q="caseload", type="visit")
    assert [title.startswith("Visit to") for title in page_titles(document)] == [True]


def test_the_api_counts_results_by_type_before_the_type_filter(
    corpus: Corpus, api_client: APIClient
) -> None:
    counts = {"case_study": 1, "finding": 2, "question": 1}
    body = api(api_client, q="caseload")
    assert body["count"] == 4 and body["counts"] == counts
    assert set(api_titles(body)) == CASELOAD_PUBLIC

    body = api(api_client, q="caseload", type="finding")

    assert body["count"] == 2 and body["counts"] == counts
    assert {result["type"] for result in body["results"]} == {"finding"}


def test_the_region_filter_keeps_records_in_that_region(
    corpus: Corpus, client: Client, api_client: APIClient
) -> None:
    everywhere = {"Huddle in the north east", "Huddle in the capital", "Huddles help everywhere"}
    assert set(found("huddle")) == everywhere
    north_east = Region.objects.get(code=data.NORTH_EAST)
    assert found("huddle", region=north_east.pk) == ["Huddle in the north east"]
    assert found("huddle", model=ModelSeen.CO_LOCATED) == ["Huddle in the capital"]
    assert found("huddle", kind="finding") == ["Huddles help everywhere"]

    document, _ = page(client, q="huddle", region="north-east")
    assert page_titles(document) == ["Huddle in the north east"]
    assert result_count(document) == "1 result for huddle matching your filters"
    for region in (data.NORTH_EAST, "north-east", "e12000001"):
        assert api_titles(api(api_client, q="huddle", region=region)) == [
            "Huddle in the north east"
        ]
    assert api_titles(api(api_client, q="huddle", region="london")) == ["Huddle in the capital"]


def test_the_model_filter_keeps_records_of_that_model(
    corpus: Corpus, client: Client, api_client: APIClient
) -> None:
    document, _ = page(client, q="huddle", model=ModelSeen.CO_LOCATED)
    assert page_titles(document) == ["Huddle in the capital"]

    body = api(api_client, q="huddle", model=ModelSeen.MASH)
    assert api_titles(body) == ["Huddle in the north east"]
    assert body["results"][0]["model"] == ModelSeen.MASH


def test_clear_filters_keeps_the_query(corpus: Corpus, client: Client) -> None:
    document, _ = page(client, q="huddle", region="london")

    clear = next(a for a in document.find_all("a") if a.text() == "Clear filters")
    assert params_of(clear.attrs["href"]) == {"q": ["huddle"]}
    assert "Clear filters" not in page(client, q="huddle")[0].text()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"type": "nonsense"}, "type", "Select a type from the list"),
        ({"type": "visit"}, "type", "Select a type from the list"),  # not the public's
        ({"region": "atlantis"}, "region", "Select a region from the list"),
        ({"region": "E12000001"}, "region", "Select a region from the list"),  # slugs here
        ({"model": "unicorn"}, "model", "Select a model from the list"),
    ],
)
def test_a_bad_filter_is_a_govuk_error_on_the_page(
    corpus: Corpus, client: Client, params: dict[str, str], field: str, message: str
) -> None:
    document, _ = page(client, q="caseload", **params)

    assert document.find("title").text().startswith("Error:")
    summary = document.find("div", "govuk-error-summary")
    assert "There is a problem" in summary.text()
    assert [(a.attrs["href"], a.text()) for a in summary.find_all("a")] == [
        (f"#id_{field}", message)
    ]
    inline = document.find("p", "govuk-error-message")
    assert inline.attrs["id"] == f"{field}-error" and message in inline.text()
    assert page_titles(document) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"type": "nonsense"}, "type", "Send a type of"),
        ({"type": "visit"}, "type", "Send a type of"),  # not the public's
        ({"region": "atlantis"}, "region", "Send a region's ONS code (E12…) or slug."),
        ({"model": "unicorn"}, "model", ""),
        ({"page": "0"}, "page", ""),
        ({"page": "two"}, "page", ""),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter_in_the_api(
    corpus: Corpus, api_client: APIClient, params: dict[str, str], field: str, message: str
) -> None:
    response = api_client.get(API, {"q": "caseload", **params})

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert body[field][0].startswith(message)


# ----- Pagination ---------------------------------------------------------------------------


def test_the_page_shows_20_results_a_page_and_its_links_keep_the_query_and_filters(
    corpus: Corpus, client: Client
) -> None:
    first, _ = page(client, q="roster", type="finding")

    assert len(page_titles(first)) == 20
    assert result_count(first) == "25 results for roster matching your filters, page 1 of 2"
    following = link(first, "next")
    assert params_of(following) == {"q": ["roster"], "type": ["finding"], "page": ["2"]}

    response = client.get(SEARCH + following)
    second = parse_html(response.content.decode())

    assert len(page_titles(second)) == 5
    assert set(page_titles(first)) | set(page_titles(second)) == set(corpus.roster_findings)
    assert second.find("ol", "app-search-results").attrs["start"] == "21"
    assert params_of(link(second, "prev")) == {
        "q": ["roster"],
        "type": ["finding"],
        "page": ["1"],
    }
    numbered = [a for a in second.find_all("a", "govuk-pagination__link") if a.text() == "1"]
    assert params_of(numbered[0].attrs["href"]) == {
        "q": ["roster"],
        "type": ["finding"],
        "page": ["1"],
    }


def test_the_type_counts_link_to_the_first_page(corpus: Corpus, client: Client) -> None:
    document, _ = page(client, q="roster", page=2)

    assert result_count(document) == "27 results for roster, page 2 of 2"
    assert len(page_titles(document)) == 7
    assert counts_by_type(document) == ["Case study (2)", "Finding (25)"]
    counts = by_id(document, "counts-by-type")
    assert [params_of(a.attrs["href"]) for a in counts.find_all("a")] == [
        {"q": ["roster"], "type": ["case_study"]},
        {"q": ["roster"], "type": ["finding"]},
    ]


def test_the_api_pages_with_next_and_previous_links(corpus: Corpus, api_client: APIClient) -> None:
    first = api(api_client, q="roster", type="finding")

    assert first["count"] == 25 and len(first["results"]) == 20 and first["previous"] is None
    assert params_of(first["next"]) == {"q": ["roster"], "type": ["finding"], "page": ["2"]}

    second = api_client.get(first["next"]).json()

    assert len(second["results"]) == 5 and second["next"] is None
    assert set(api_titles(first)) | set(api_titles(second)) == set(corpus.roster_findings)
    assert params_of(second["previous"]) == {"q": ["roster"], "type": ["finding"]}
    assert api_client.get(second["previous"]).json()["results"] == first["results"]


def test_an_api_page_out_of_range_is_not_found_with_a_message(
    corpus: Corpus, api_client: APIClient
) -> None:
    response = api_client.get(API, {"q": "roster", "type": "finding", "page": "3"})

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 3: the results have 2."}
    assert api_client.get(API, {"q": "nothingmatches", "page": "2"}).status_code == 404
    assert api(api_client, q="nothingmatches")["results"] == []


# ----- The header search box ----------------------------------------------------------------


def header_search_form(document: Element) -> Element:
    (form,) = [
        form
        for form in document.find_all("form")
        if form.attrs.get("role") == "search"
        and form.attrs.get("action") == SEARCH
        and "app-header__search" in form.classes
    ]
    return form


@pytest.mark.parametrize("where", ["home", "case study"])
def test_every_page_has_a_search_box_that_works_without_javascript(
    corpus: Corpus, client: Client, where: str
) -> None:
    url = (
        reverse("home")
        if where == "home"
        else CaseStudy.objects.get(title=NORTH_BRIEFING).get_absolute_url()
    )
    response = client.get(url)
    assert response.status_code == 200
    form = header_search_form(parse_html(response.content.decode()))

    assert form.attrs["method"] == "get"
    (box,) = [el for el in form.find_all("input") if el.attrs.get("name") == "q"]
    (label,) = [el for el in form.find_all("label") if el.attrs.get("for") == box.attrs["id"]]
    assert label.text() == "Search this service"

    # What the browser sends when the form is submitted: a plain GET with q.
    document, _ = page(client, q="lighthouse")
    assert set(page_titles(document)) == {NORTH_BRIEFING, SOUTH_BRIEFING}
    (box,) = [el for el in document.find_all("input") if el.attrs.get("id") == "id_q"]
    assert box.attrs["value"] == "lighthouse"


# ----- Query count --------------------------------------------------------------------------


def _bulletins(n: int) -> None:
    for i in range(n):
        data.case_study(f"Bulletin study {i}", authorities=[])
        data.case_study(f"Bulletin draft {i}", published=False)
        data.finding(f"Bulletin finding {i}", "The bulletin goes out on Fridays.")
        data.question(f"Does the bulletin reach schools ({i})?")
        data.visit(f"A weekly bulletin, visit {i}.", model=ModelSeen.SPECIALIST)


def test_a_page_of_results_takes_the_same_queries_however_many_match(
    db: None, client: Client, staff_client: Client
) -> None:
    calls: dict[str, Callable[[], Any]] = {
        "page": lambda: client.get(SEARCH, {"q": "bulletin"}),
        "staff page": lambda: staff_client.get(SEARCH, {"q": "bulletin"}),
        "staff page filtered": lambda: staff_client.get(
            SEARCH, {"q": "bulletin", "model": "specialist"}
        ),
        "api": lambda: APIClient().get(API, {"q": "bulletin"}),
        "api filtered": lambda: APIClient().get(API, {"q": "bulletin", "type": "finding"}),
    }
    _bulletins(4)
    assert result_count(page(client, q="bulletin")[0]) == "12 results for bulletin"
    before = {name: count_queries(call) for name, call in calls.items()}

    _bulletins(8)
    assert result_count(page(client, q="bulletin")[0]) == "36 results for bulletin, page 1 of 2"
    after = {name: count_queries(call) for name, call in calls.items()}

    assert after == before
