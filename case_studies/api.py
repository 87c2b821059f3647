"""Case studies in the API: read-only, public for published case studies.

Anonymous callers and partner keys see published case studies only; signed-in project
members see every case study, whatever its status. Nothing here names a person: no author,
reviewer or reviewer's comment. Each section's body comes as Markdown (`body`) and as
sanitised HTML (`body_html`).
"""

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from areas.api import AreaSerializer, authority_filter, region_filter
from areas.models import LocalAuthority
from mash_survey.api_auth import ReadOnly, is_staff_request
from mash_survey.api_filters import ApiFilterSet, authority_code_q, region_q
from mash_survey.api_renderers import CSVCellsMixin, CSVColumnsInFieldOrder, FlatForCSV
from mash_survey.api_schema import NamedEnumField
from mash_survey.markdown import render_markdown
from mash_survey.page_cache import KeptList

from . import queries
from .models import CaseStudy, CaseStudyModel, CaseStudyStatus, KeyFact, Section


class CaseStudyStatusField(NamedEnumField):
    """The case study's status; one `CaseStudyStatusEnum` in the schema."""

    enum_name = "CaseStudyStatusEnum"
    enum_values = CaseStudyStatus.values
    enum_description = (
        "Draft, in review, published or withdrawn. Anyone but a signed-in project member sees "
        "published case studies only."
    )


class KeyFactSerializer(serializers.ModelSerializer):
    csv_cell = "{label}: {value}"

    class Meta:
        model = KeyFact
        fields = ["label", "value"]


class SectionSerializer(serializers.ModelSerializer):
    # In CSV, all the sections are one cell: each heading, then its text, in Markdown.
    csv_cell = "## {heading}\n\n{body}"
    csv_separator = "\n\n"
    body = serializers.CharField(read_only=True, help_text="The section, in Markdown.")
    body_html = serializers.SerializerMethodField(
        help_text="The section as sanitised HTML with GOV.UK classes."
    )

    class Meta:
        model = Section
        fields = ["heading", "body", "body_html"]

    @extend_schema_field(serializers.CharField())
    def get_body_html(self, section: Section) -> str:
        return str(render_markdown(section.body))


class CaseStudySerializer(CSVCellsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:casestudy-detail", lookup_field="slug"
    )
    page_url = serializers.SerializerMethodField(help_text="The case study's page on the site.")
    local_authorities = AreaSerializer(many=True, read_only=True)
    model = serializers.CharField(
        read_only=True,
        help_text="The model the area uses: " + ", ".join(CaseStudyModel.values) + ".",
    )
    model_label = serializers.CharField(source="get_model_display", read_only=True)
    key_facts = KeyFactSerializer(many=True, read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    status = CaseStudyStatusField()

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "url",
            "page_url",
            "title",
            "summary",
            "model",
            "model_label",
            "local_authorities",
            "key_facts",
            "sections",
            "status",
            "published_at",
            "updated_at",
            "is_illustrative",
        ]

    @extend_schema_field(serializers.URLField())
    def get_page_url(self, case_study: CaseStudy) -> str:
        request = self.context.get("request")
        path = case_study.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class CaseStudyFilter(ApiFilterSet):
    region = region_filter()
    authority = authority_filter(
        "A local authority covered: its ONS code (current or before April 2013) or DfE code."
    )
    model = filters.ChoiceFilter(choices=CaseStudyModel.choices, help_text="The model.")

    class Meta:
        model = CaseStudy
        fields = ["region", "authority", "model"]

    def filter_region(
        self, queryset: QuerySet[CaseStudy], name: str, value: str
    ) -> QuerySet[CaseStudy]:
        return _covering(queryset, region_q(value))

    def filter_authority(
        self, queryset: QuerySet[CaseStudy], name: str, value: str
    ) -> QuerySet[CaseStudy]:
        return _covering(queryset, authority_code_q(value))


def _covering(queryset: QuerySet[CaseStudy], areas: Q) -> QuerySet[CaseStudy]:
    """The case studies covering an authority that matches `areas` (each case study once)."""
    authorities = LocalAuthority.objects.filter(areas)
    matching = CaseStudy.objects.filter(local_authorities__in=authorities).values("pk")
    return queryset.filter(pk__in=matching)


class CaseStudyViewSet(KeptList, FlatForCSV, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """Case studies of local areas whose arrangements others could learn from.

    Anyone may read published case studies; signed-in project members see every case study
    whatever its status. Illustrative demo records say so in `is_illustrative`.
    """

    serializer_class = CaseStudySerializer
    filterset_class = CaseStudyFilter
    ordering_fields = ["published_at", "updated_at", "title"]
    permission_classes = [ReadOnly]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return queries.case_study_list_for_api(published_only=not is_staff_request(self.request))
