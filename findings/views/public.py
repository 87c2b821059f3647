"""The findings anyone may read: agreed findings by theme, with the counts computed from the
evidence and only the quotes cleared for publication (never beyond their clearance, never a
stale one). Draft and retired findings never appear here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mash_survey.markdown import render_markdown
from mash_survey.pagination import page_of

from .. import queries


def findings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "findings/index.html", {"themes": queries.public_themes()})


def theme_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, queries.public_themes())
    return render(
        request,
        "findings/public/themes.html",
        {"page": page, "themes": page.object_list, "areas_visited": queries.areas_visited()},
    )


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme, agreed = queries.public_theme(slug)
    page = page_of(request, agreed)
    findings = queries.public_findings(page.object_list)
    return render(
        request,
        "findings/public/theme.html",
        {
            "theme": theme,
            "page": page,
            "findings": [(item, render_markdown(item.finding.statement)) for item in findings],
            "areas_visited": queries.areas_visited(),
        },
    )
