"""The survey's public statistics pages in the sitemap."""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import Survey


class SurveySitemap(Sitemap):
    def items(self) -> QuerySet[Survey]:
        return Survey.objects.order_by("-sent_on", "pk")
