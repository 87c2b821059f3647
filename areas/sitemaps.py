"""The register's public pages in the sitemap: every region and every local authority."""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import LocalAuthority, Region


class RegionSitemap(Sitemap):
    def items(self) -> QuerySet[Region]:
        return Region.objects.order_by("code")


class AuthoritySitemap(Sitemap):
    def items(self) -> QuerySet[LocalAuthority]:
        return LocalAuthority.objects.order_by("gss_code")
