"""What the coding pages need beyond the queries: each kind of source found from its URL, with
the page it belongs to, and a source's text as HTML whose text is the stored text exactly.

The browser maps a selection to offsets by counting the characters before it in that element,
so the element's text must be the stored text character for character: no added whitespace,
and a carriage return written as `&#13;` (the HTML parser would otherwise turn CR LF into LF).
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from case_studies.models import Section
from surveys.models import Answer
from visits.models import DetailedFeedback, Visit

from . import sources
from .models import Excerpt, SourceType
from .sources import Source


@dataclass(frozen=True)
class CodingPage:
    """A source with what its coding page shows around it."""

    source: Source
    record_label: str  # "Visit to Leeds, 3 March 2025"
    record_url: str  # the source's own staff page
    section: tuple[str, str]  # (label, URL) of the list the record belongs to, for breadcrumbs
    coding_url: str
    is_illustrative: bool


def visit_page(pk: int) -> CodingPage:
    visit = get_object_or_404(
        Visit.objects.select_related("region").prefetch_related("local_authorities"), pk=pk
    )
    return CodingPage(
        sources.visit_source(visit),
        str(visit),
        visit.get_absolute_url(),
        ("Visits", reverse("visits:index")),
        reverse("findings:code_visit", kwargs={"pk": pk}),
        visit.is_illustrative,
    )


def feedback_page(pk: int, field: str) -> CodingPage:
    if field not in DetailedFeedback.TEXT_FIELDS:
        raise Http404("Detailed feedback has no free-text field of that name.")
    feedback = get_object_or_404(
        DetailedFeedback.objects.select_related("visit__region").prefetch_related(
            "visit__local_authorities"
        ),
        pk=pk,
    )
    return CodingPage(
        sources.feedback_source(feedback, field),
        f"Detailed feedback: {feedback.visit}",
        feedback.get_absolute_url(),
        ("Visits", reverse("visits:index")),
        reverse("findings:code_feedback", kwargs={"pk": pk, "field": field}),
        feedback.visit.is_illustrative,
    )


def section_page(pk: int) -> CodingPage:
    section = get_object_or_404(Section.objects.select_related("case_study"), pk=pk)
    case_study = section.case_study
    return CodingPage(
        sources.section_source(section),
        case_study.title,
        case_study.get_absolute_url(),
        ("Case studies", reverse("case_studies:manage")),
        reverse("findings:code_section", kwargs={"pk": pk}),
        case_study.is_illustrative,
    )


def answer_page(pk: int) -> CodingPage:
    answer = get_object_or_404(
        Answer.objects.select_related("question", "response__survey", "response__local_authority"),
        pk=pk,
    )
    response = answer.response
    survey, area = response.survey, response.local_authority
    return CodingPage(
        sources.answer_source(answer),
        f"{area.name}: return to {survey.title}",
        reverse("surveys:return_detail", kwargs={"slug": survey.slug, "area": area.slug}),
        ("Returns", reverse("surveys:return_list", kwargs={"slug": survey.slug})),
        reverse("findings:code_answer", kwargs={"pk": pk}),
        survey.is_illustrative,
    )


def page_of(excerpt: Excerpt) -> CodingPage:
    """The coding page of the excerpt's source."""
    kind = excerpt.source_type
    if kind == SourceType.VISIT:
        return visit_page(excerpt.visit_id)  # type: ignore[arg-type]
    if kind == SourceType.FEEDBACK:
        return feedback_page(excerpt.feedback_id, excerpt.feedback_field)  # type: ignore[arg-type]
    if kind == SourceType.CASE_STUDY:
        return section_page(excerpt.section_id)  # type: ignore[arg-type]
    return answer_page(excerpt.answer_id)  # type: ignore[arg-type]


def coding_url(excerpt: Excerpt) -> str:
    """The address of the coding page of the excerpt's source (no query)."""
    if excerpt.feedback_id:
        kwargs: dict[str, object] = {"pk": excerpt.feedback_id, "field": excerpt.feedback_field}
        return reverse("findings:code_feedback", kwargs=kwargs)
    name = {"visit": "code_visit", "section": "code_section", "answer": "code_answer"}
    field = next(f for f in name if getattr(excerpt, f"{f}_id"))
    return reverse(f"findings:{name[field]}", kwargs={"pk": getattr(excerpt, f"{field}_id")})


def with_sources(excerpts: list[Excerpt]) -> list[Excerpt]:
    """The excerpts, each with `source_label` (its kind of source) and `coding_url`."""
    for excerpt in excerpts:
        excerpt.source_label = SourceType(excerpt.source_type).label  # type: ignore[attr-defined]
        excerpt.coding_url = coding_url(excerpt)  # type: ignore[attr-defined]
    return excerpts


# ----- The text with its coded passages ------------------------------------------------


def _text_html(text: str) -> str:
    return escape(text).replace("\r", "&#13;")


def highlighted(text: str, excerpts: list[Excerpt]) -> SafeString:
    """The text as HTML whose text content is `text` exactly, each stretch coded by one or
    more of `excerpts` (those still at their offsets) wrapped in a <mark>. The first stretch
    of each excerpt carries the id `passage-<pk>`, for links to it."""
    standing = [e for e in excerpts if getattr(e, "stale", "") == sources.STANDS]
    cuts = sorted({0, len(text), *(e.start for e in standing), *(e.end for e in standing)})
    parts: list[str] = []
    started: set[int] = set()
    for start, end in pairwise(cuts):
        covering = [e for e in standing if e.start <= start and end <= e.end]
        piece = _text_html(text[start:end])
        if not covering:
            parts.append(piece)
            continue
        first = next((e.pk for e in covering if e.pk not in started), None)
        started.update(e.pk for e in covering)
        themes = sorted({t.name for e in covering for t in e.themes.all()})
        parts.append(
            format_html(
                '<mark class="app-coded"{} title="Coded to {}">{}</mark>',
                format_html(' id="passage-{}"', first) if first else "",
                ", ".join(themes),
                mark_safe(piece),  # noqa: S308  # escaped by _text_html
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # each part is escaped above


def in_context(text: str, start: int, end: int, width: int = 60) -> str:
    """The passage text[start:end] with up to `width` characters either side, for telling
    occurrences apart: …before “passage” after…"""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return (
        f"{'…' if start > width else ''}{before}“{text[start:end]}”{after}"
        f"{'…' if end + width < len(text) else ''}"
    )


def same_text(one: str, other: str) -> bool:
    """Whether two texts are the same once line breaks are written alike (a browser sends
    every line break in a form as CR LF)."""
    return re.sub(r"\r\n?", "\n", one) == re.sub(r"\r\n?", "\n", other)


def theme_links(excerpt: Excerpt) -> SafeString:
    """The excerpt's themes, each linked to its page."""
    return format_html_join(
        ", ",
        '<a class="govuk-link" href="{}">{}</a>',
        (
            (reverse("findings:codebook_theme", kwargs={"slug": t.slug}), t.name)
            for t in excerpt.themes.all()
        ),
    )
