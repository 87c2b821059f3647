"""The sitemap and robots.txt. Each app lists its own public pages (`<app>/sitemaps.py`, by
the same rules as its public lists: nothing unpublished); `mash_survey/urls.py` puts them
together with the service's fixed pages below."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

#: The fixed public pages, by URL name.
PAGES = (
    "home",
    "about_data",
    "accessibility",
    "areas:region_list",
    "surveys:index",
    "case_studies:index",
    "findings:index",
    "findings:editions",
    "findings:themes",
)

#: Kept out of crawlers' way: signing in, staff pages, the admin and the API.
DISALLOWED = (
    "/accounts/",
    "/search/",
    "/admin/",
    "/audit/",
    "/api/",
    "/visits/",
    "/case-studies/manage/",
    "/findings/manage/",
    "/findings/codebook/",
    "/findings/code/",
    "/findings/excerpts/",
    "/findings/needs-attention/",
    "/findings/reports/",
    "/findings/editions/manage/",
    "/survey/*/returns/",
    "/survey/*/import/",
    "/survey/*/selection/",
)


class PageSitemap(Sitemap):
    def items(self) -> tuple[str, ...]:
        return PAGES

    def location(self, item: str) -> str:
        return reverse(item)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
