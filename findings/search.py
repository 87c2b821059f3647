"""Findings in search: agreed findings and published report pages for everyone; every finding
and coded excerpts for project members (excerpts that still stand for partner keys). The rules
are `queries.visible_findings`, `visible_excerpts` and `visible_editions`."""

import json
import logging
import re

from django.urls import reverse

from mash_survey.markdown import markdown_to_text
from mash_survey.search import Document, Kind, register

from . import queries
from .editions import render, store
from .models import (
    Coding,
    EditionFile,
    EditionStatus,
    Excerpt,
    Finding,
    FindingStatus,
    ReportEdition,
    Theme,
)

logger = logging.getLogger(__name__)

#: Shortcodes are figures drawn at publication, not words to search.
SHORTCODE = re.compile(r"\{\{.*?\}\}")


def _text(markdown: str) -> str:
    return markdown_to_text(SHORTCODE.sub(" ", markdown or ""))


def finding_documents(finding: Finding) -> list[Document]:
    theme = finding.theme
    agreed = finding.status == FindingStatus.AGREED
    url = (
        f"{theme.get_absolute_url()}#finding-{finding.pk}"
        if agreed
        else reverse("findings:finding", kwargs={"pk": finding.pk})
    )
    return [
        Document(
            url=url,
            title=finding.headline,
            summary=f"Finding on {theme.name}",
            body=_text(finding.statement),
            date=finding.agreed_at.date() if finding.agreed_at else None,
            is_illustrative=finding.is_illustrative,
        )
    ]


def _source(excerpt: Excerpt) -> tuple[str, str]:
    """What the excerpt was quoted from, and the model seen there."""
    if excerpt.visit_id:
        visit = excerpt.visit
        return str(visit), visit.model_seen  # type: ignore[union-attr]
    if excerpt.feedback_id:
        visit = excerpt.feedback.visit  # type: ignore[union-attr]
        return f"Detailed feedback: {visit}", visit.model_seen
    if excerpt.section_id:
        study = excerpt.section.case_study  # type: ignore[union-attr]
        return f"Case study: {study.title}", study.model
    answer = excerpt.answer
    area = answer.response.local_authority  # type: ignore[union-attr]
    return f"{area.name}'s answer to {answer.question.code}", ""  # type: ignore[union-attr]


def excerpt_documents(excerpt: Excerpt) -> list[Document]:
    source, model = _source(excerpt)
    areas = sorted(a.name for a in queries.areas_of_excerpt(excerpt))
    themes = ", ".join(sorted(t.name for t in excerpt.themes.all()))
    return [
        Document(
            url=reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
            title=f"Excerpt from {source}",
            summary=f"Coded to {themes}" if themes else "Not coded to a theme yet",
            body=excerpt.quote,
            date=excerpt.coded_at.date(),
            places=", ".join(areas),
            model=model,
            regions=sorted({r.pk for r in queries.regions_of_excerpt(excerpt)}),
            is_illustrative=excerpt.is_illustrative,
        )
    ]


def edition_documents(edition: ReportEdition) -> list[Document]:
    """The current edition's pages as they were frozen (its stored snapshot), not as the
    findings read now. A superseded edition's pages stay at their addresses but leave search
    (its amendment says the same and more)."""
    stored = EditionFile.objects.filter(edition=edition, path=render.SNAPSHOT).first()
    if edition.status != EditionStatus.PUBLISHED or stored is None:
        return []
    try:
        snapshot = json.loads(store.read(stored))
    except OSError:  # its files are not where MEDIA_ROOT says (a release job without them)
        logger.warning("Edition %s: stored snapshot not found; not indexed", edition.slug)
        return []
    texts = snapshot["edition"]
    when = edition.published_at.date() if edition.published_at else None
    common = {"date": when, "is_illustrative": edition.is_illustrative}
    themes = snapshot["themes"]
    pages = [
        Document(
            url=reverse("findings:edition", kwargs={"edition": edition.slug}),
            title=texts["title"],
            summary=texts["summary"],
            body="\n".join(
                [_text(texts[name]) for name in ("introduction", "method", "caveats")]
                + [theme["name"] for theme in themes]
            ),
            **common,  # type: ignore[arg-type]
        )
    ]
    for theme in themes:
        findings = [f"{f['headline']}\n{_text(f['statement'])}" for f in theme["findings"]]
        pages.append(
            Document(
                url=reverse(
                    "findings:edition_theme",
                    kwargs={"edition": edition.slug, "theme": theme["slug"]},
                ),
                title=f"{theme['name']}: {texts['title']}",
                summary=theme.get("definition", ""),
                body="\n".join(findings),
                part=theme["slug"],
                **common,  # type: ignore[arg-type]
            )
        )
    return pages


register(
    Kind(
        "finding",
        "Finding",
        Finding,
        finding_documents,
        queries.visible_findings,
        parts={Theme: lambda theme: theme.findings.all()},
        read=lambda findings: findings.select_related("theme"),
        order=30,
    )
)
register(
    Kind(
        "edition",
        "Report page",
        ReportEdition,
        edition_documents,
        queries.visible_editions,
        order=31,
    )
)
register(
    Kind(
        "excerpt",
        "Coded excerpt",
        Excerpt,
        excerpt_documents,
        queries.visible_excerpts,
        parts={Coding: lambda coding: [coding.excerpt]},
        read=lambda excerpts: queries.excerpts_with_sources().filter(pk__in=excerpts.values("pk")),
        order=70,
    )
)
