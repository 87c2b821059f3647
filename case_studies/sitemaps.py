"""Published case studies in the sitemap (the same rule as their public list: drafts, those
in review and withdrawn ones are never listed)."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import CaseStudy
from .queries import published_case_study_list


class CaseStudySitemap(Sitemap):
    def items(self) -> QuerySet[CaseStudy]:
        return published_case_study_list()

    def lastmod(self, item: CaseStudy) -> datetime | None:
        return item.updated_at
