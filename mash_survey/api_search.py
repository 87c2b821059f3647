"""`/api/v1/search/`: the search page's results for partner systems, by the same rules
(`mash_survey.search`): anonymous callers find what the public pages show, partner keys also
what their key may read (approved visits and feedback, submitted returns' free-text answers,
excerpts that still stand), signed-in project members everything."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from areas.models import Region
from areas.queries import region_keys
from visits.models import ModelSeen

from . import search
from .api_filters import region_q
from .audience import Audience, audience_of


class SearchParameters(serializers.Serializer):
    q = serializers.CharField(
        max_length=search.MAX_QUERY,
        help_text='Words (stemmed: "sharing" finds "shared"), "exact phrases", -excluded '
        "words and `or` between alternatives.",
        error_messages={
            "required": "Send q, the words to search for.",
            "blank": "Send q, the words to search for.",
            "max_length": f"Send a q of {search.MAX_QUERY} characters or fewer.",
        },
    )
    type = serializers.ChoiceField(
        choices=[], required=False, help_text="One type of record (see `counts` for the types)."
    )
    region = serializers.ChoiceField(
        choices=[], required=False, help_text="A region's ONS code (E12…) or slug."
    )
    model = serializers.ChoiceField(
        choices=ModelSeen.choices, required=False, help_text="The model seen."
    )
    page = serializers.IntegerField(min_value=1, required=False, default=1)

    def __init__(self, *args: Any, audience: Audience = Audience.STAFF, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [k.key for k in search.visible_kinds(audience)]
        type_field: Any = self.fields["type"]
        type_field.choices = kinds
        type_field.error_messages["invalid_choice"] = (
            f"Send a type of {', '.join(kinds)} (or none for all)."
        )
        region_field: Any = self.fields["region"]
        region_field.choices = region_keys()
        region_field.error_messages["invalid_choice"] = "Send a region's ONS code (E12…) or slug."

    def to_internal_value(self, data: Any) -> Any:
        """As on every list: a filter sent empty is one left out, and a region's code or slug
        may come in any case."""
        params = {name: value for name, value in data.items() if value != "" or name == "q"}
        region = params.get("region")
        if isinstance(region, str):
            region = region.strip()
            params["region"] = (
                region.upper() if region.upper().startswith("E12") else region.lower()
            )
        return super().to_internal_value(params)

    def validate_region(self, value: str) -> int:
        region = Region.objects.filter(region_q(value, path="")).first()
        if region is None:
            raise serializers.ValidationError("Send a region's ONS code (E12…) or slug.")
        return region.pk


class SearchResultSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind.key")
    type_label = serializers.CharField(source="kind.label")
    title = serializers.CharField(source="entry.title")
    url = serializers.SerializerMethodField()
    snippet = serializers.CharField(help_text="HTML: the matched words are in <mark>.")
    date = serializers.DateField(source="entry.date", allow_null=True)
    places = serializers.CharField(source="entry.places")
    model = serializers.CharField(source="entry.model")
    is_illustrative = serializers.BooleanField(source="entry.is_illustrative")

    def get_url(self, result: search.Result) -> str:
        return self.context["request"].build_absolute_uri(result.entry.url)


# One page of results, not a list of them: the schema must not wrap it in an array.
@extend_schema_serializer(many=False, component_name="SearchResults")
class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Results of each type (before the type filter).",
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)


class SearchViewSet(viewsets.ViewSet):
    """Search across the service, best match first, 20 a page, with the number of results of
    each type. Nothing the caller may not read is found, counted or quoted."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[SearchParameters],
        responses=SearchResultsSerializer,
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        audience = audience_of(request)
        params = SearchParameters(data=request.query_params, audience=audience)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = search.Filters(
            kind=data.get("type", ""), region=data.get("region"), model=data.get("model", "")
        )
        found = search.search(data["q"], audience=audience, filters=filters, page=data["page"])
        page = found.page
        if page.number != data["page"]:
            pages = page.paginator.num_pages
            raise NotFound(f"There is no page {data['page']}: the results have {pages}.")
        url = request.build_absolute_uri()
        return Response(
            {
                "count": page.paginator.count,
                "counts": {kind.key: n for kind, n in found.counts},
                "next": replace_query_param(url, "page", page.next_page_number())
                if page.has_next()
                else None,
                "previous": (
                    remove_query_param(url, "page")
                    if page.number == 2
                    else replace_query_param(url, "page", page.previous_page_number())
                )
                if page.has_previous()
                else None,
                "results": SearchResultSerializer(
                    found.results, many=True, context={"request": request}
                ).data,
            }
        )
