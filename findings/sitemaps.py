"""The findings' public pages in the sitemap: each published (or superseded) report edition and
its theme pages, dated when it was published; the themes with agreed findings; the figures'
"how this was calculated" pages. Drafts and editions in review are never listed."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import figures, queries
from .editions import render
from .models import PUBLISHED_STATUSES, EditionFile, Theme


@dataclass(frozen=True)
class Page:
    url: str
    modified: datetime | None = None


class EditionSitemap(Sitemap):
    def items(self) -> list[Page]:
        """Each edition's page and its stored theme pages (one query)."""
        pages = []
        stored = EditionFile.objects.filter(
            edition__status__in=PUBLISHED_STATUSES, path__startswith="pages/"
        ).select_related("edition")
        for file in stored.order_by("-edition__published_at", "path"):
            edition = file.edition
            if file.path == render.INDEX:
                url = reverse("findings:edition", kwargs={"edition": edition.slug})
            else:
                theme = file.path.removeprefix("pages/themes/").removesuffix(".html")
                url = reverse(
                    "findings:edition_theme", kwargs={"edition": edition.slug, "theme": theme}
                )
            pages.append(Page(url, edition.published_at))
        return pages

    def location(self, item: Page) -> str:
        return item.url

    def lastmod(self, item: Page) -> datetime | None:
        return item.modified


class ThemeSitemap(Sitemap):
    def items(self) -> list[Theme]:
        return list(queries.public_themes())


class FigureSitemap(Sitemap):
    def items(self) -> list[str]:
        return [figure.key for figure in figures.figure_list()]

    def location(self, item: str) -> str:
        return reverse("findings:figure", kwargs={"key": item})
