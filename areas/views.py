from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries
from .maps import ShapeSpec, build_map_if_drawable
from .panels import area_panels


def region_list(request: HttpRequest) -> HttpResponse:
    regions = list(queries.region_list_with_authorities())
    england = build_map_if_drawable(
        layer="regions",
        title="Map of England's nine regions",
        shapes={
            region.code: ShapeSpec(
                href=region.get_absolute_url(),
                value_label=f"{region.authority_count} local authorities",  # type: ignore[attr-defined]
            )
            for region in regions
        },
        map_id="regions-map",
    )
    return render(
        request,
        "areas/region_list.html",
        {
            "regions": regions,
            "map": england,
            "authority_total": sum(r.authority_count for r in regions),  # type: ignore[attr-defined]
        },
    )


def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = queries.region_detail(slug=slug)
    authorities = list(region.authorities.all())
    region_map = build_map_if_drawable(
        layer="authorities",
        title=f"Map of the local authorities in {region.name}",
        shapes={
            authority.gss_code: ShapeSpec(href=authority.get_absolute_url())
            for authority in authorities
        },
        show_labels=False,
        map_id="authorities-map",
    )
    return render(
        request,
        "areas/region_detail.html",
        {"region": region, "authorities": authorities, "map": region_map},
    )


def authority_detail(request: HttpRequest, slug: str) -> HttpResponse:
    authority = queries.authority_detail(slug=slug)
    return render(
        request,
        "areas/authority_detail.html",
        {"authority": authority, "panels": area_panels(request, authority)},
    )
