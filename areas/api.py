from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from mash_survey.api_filters import ApiFilterSet, KnownValueFilter, authority_code_q, region_q
from mash_survey.api_renderers import CSVColumnsInFieldOrder
from mash_survey.page_cache import KeptList

from . import queries
from .models import AuthorityType, LocalAuthority, Region


class RegionSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="code")
    authority_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["url", "code", "name", "slug", "authority_count", "updated_at"]


class LocalAuthoritySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:localauthority-detail", lookup_field="gss_code"
    )
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = LocalAuthority
        fields = [
            "url",
            "gss_code",
            "gss_code_before_april_2013",
            "dfe_code",
            "name",
            "slug",
            "type",
            "type_label",
            "region_code",
            "region_name",
            "updated_at",
        ]


def region_filter(help_text: str = "A region's ONS code (E12…) or slug.") -> KnownValueFilter:
    """The `region` filter of a list: its FilterSet's `filter_region` applies it."""
    return KnownValueFilter(
        values=queries.region_keys,
        invalid="Send region as a region's ONS code (E12000001 to E12000009) or its slug, "
        "such as london, or leave it out.",
        method="filter_region",
        help_text=help_text,
    )


def authority_filter(
    help_text: str = "A local authority's ONS code (current or before April 2013) or DfE code.",
    *,
    method: str = "filter_authority",
) -> KnownValueFilter:
    """The local authority filter of a list: its FilterSet's `method` applies it."""
    return KnownValueFilter(
        values=queries.authority_codes,
        invalid="No local authority has this code. Send a local authority's ONS code (current "
        "or before April 2013) or DfE code, as in /api/v1/local-authorities/, or leave it out.",
        method=method,
        help_text=help_text,
    )


# A local authority as other records (visits, case studies) list it: its codes and name.
# No docstring: it would become the schema component's description.
class AreaSerializer(serializers.ModelSerializer):
    csv_cell = "{name} ({gss_code})"

    class Meta:
        model = LocalAuthority
        fields = ["gss_code", "dfe_code", "name"]


class RegionViewSet(KeptList, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """England's nine regions (ONS E12 codes) with the number of authorities in each.

    The register changes rarely; `updated_since` works here as on every list, with each
    region's `updated_at`.
    """

    serializer_class = RegionSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name", "updated_at"]

    def get_queryset(self) -> QuerySet[Region]:
        return queries.region_list_with_authorities().order_by("code")


class LocalAuthorityFilter(ApiFilterSet):
    region = region_filter()
    type = filters.ChoiceFilter(choices=AuthorityType.choices, help_text="The type of authority.")
    code = authority_filter(
        "ONS code (current or before April 2013) or DfE LA code.", method="filter_code"
    )

    class Meta:
        model = LocalAuthority
        fields = ["region", "type", "code", "updated_since"]

    def filter_region(
        self, queryset: QuerySet[LocalAuthority], name: str, value: str
    ) -> QuerySet[LocalAuthority]:
        return queryset.filter(region_q(value))

    def filter_code(
        self, queryset: QuerySet[LocalAuthority], name: str, value: str
    ) -> QuerySet[LocalAuthority]:
        return queryset.filter(authority_code_q(value))


class LocalAuthorityViewSet(KeptList, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """The 152 upper-tier local authorities with children's services in 2013.

    Look one up by its current ONS code, its ONS code before April 2013 or its DfE code.
    """

    serializer_class = LocalAuthoritySerializer
    filterset_class = LocalAuthorityFilter
    search_fields = ["name", "gss_code", "gss_code_before_april_2013", "dfe_code"]
    ordering_fields = ["name", "gss_code", "dfe_code", "updated_at"]
    lookup_field = "gss_code"
    lookup_value_regex = "[A-Za-z0-9]+"

    def get_queryset(self) -> QuerySet[LocalAuthority]:
        return queries.authority_list()

    def get_object(self) -> LocalAuthority:
        from django.http import Http404

        code = self.kwargs[self.lookup_field]
        authority = queries.authority_by_code(code)
        if authority is None:
            raise Http404(f"No local authority has the code {code}.")
        self.check_object_permissions(self.request, authority)
        return authority
