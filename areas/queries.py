"""Reads of the register, shaped for pages, maps and the API."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import LocalAuthority, Region


def region_list_with_authorities() -> QuerySet[Region]:
    """The nine regions with their authorities (prefetched) and a count of them."""
    return Region.objects.annotate(authority_count=Count("authorities")).prefetch_related(
        Prefetch("authorities", queryset=LocalAuthority.objects.order_by("name"))
    )


def region_detail(*, slug: str) -> Region:
    return get_object_or_404(region_list_with_authorities(), slug=slug)


def authority_list() -> QuerySet[LocalAuthority]:
    return LocalAuthority.objects.select_related("region").order_by("name")


def authority_detail(*, slug: str) -> LocalAuthority:
    return get_object_or_404(authority_list(), slug=slug)


def authority_by_code(code: str) -> LocalAuthority | None:
    """Find an authority by its ONS code (current or before April 2013) or its DfE code."""
    code = code.strip().upper()
    if not code:
        return None
    return (
        authority_list()
        .filter(Q(gss_code=code) | Q(gss_code_before_april_2013=code) | Q(dfe_code=code))
        .first()
    )


def authority_by_code_or_name(value: str) -> LocalAuthority | None:
    """Find an authority by either ONS code, its DfE code or its exact name (any case)."""
    return authority_by_code(value) or authority_list().filter(name__iexact=value.strip()).first()


def region_keys() -> list[str]:
    """Every way the API's filters name a region: each region's ONS code, then its slug."""
    regions = list(Region.objects.order_by("code").values_list("code", "slug"))
    return [code for code, _ in regions] + [slug for _, slug in regions]


def authority_codes() -> list[str]:
    """Every code the API's filters name a local authority by: its current ONS code, its ONS
    code before April 2013 and its DfE code."""
    codes: list[str] = []
    rows = LocalAuthority.objects.order_by("gss_code").values_list(
        "gss_code", "gss_code_before_april_2013", "dfe_code"
    )
    for row in rows:
        codes.extend(code for code in row if code)
    return list(dict.fromkeys(codes))
