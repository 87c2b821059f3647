"""Visits and detailed feedback in the API: read-only, for project members and partner keys.

Project members (signed in) see every record; partner keys see approved records only (and
feedback only when its visit is approved too); callers with neither are refused. Nothing
here names a person: no visiting team, author or reviewer, and no reviewer's comment.

As CSV, each field is one column in field order; a list (the areas, the agencies, the
staffing) is joined into one cell, its items separated by "; ".
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from areas.api import AreaSerializer, authority_filter, region_filter
from areas.models import LocalAuthority
from mash_survey.api_auth import ReadOnly, StaffOrPartnerKey, is_staff_request
from mash_survey.api_filters import ApiFilterSet, authority_code_q, region_q
from mash_survey.api_renderers import CSVCellsMixin, CSVColumnsInFieldOrder, FlatForCSV
from mash_survey.api_schema import NamedEnumField
from mash_survey.markdown import render_markdown
from mash_survey.page_cache import KeptList

from . import queries
from .models import (
    AgencyInvolvement,
    DetailedFeedback,
    FeedbackStaffing,
    ModelSeen,
    ReviewStatus,
    Visit,
)

# ----- Serializers ---------------------------------------------------------


class ReviewStatusField(NamedEnumField):
    """The review status; one `ReviewStatusEnum` in the schema."""

    enum_name = "ReviewStatusEnum"
    enum_values = ReviewStatus.values
    enum_description = (
        "Draft, submitted for review, returned with comments, or approved. Partner keys see "
        "approved records only."
    )


class AgencyInvolvementSerializer(serializers.ModelSerializer):
    csv_cell = "{agency}: {involvement_label}"
    agency = serializers.CharField(source="get_agency_type_display", read_only=True)
    involvement_label = serializers.CharField(source="get_involvement_display", read_only=True)

    class Meta:
        model = AgencyInvolvement
        fields = ["agency_type", "agency", "involvement", "involvement_label"]


class StaffingSerializer(serializers.ModelSerializer):
    csv_cell = "{agency}: {staff_fte}"
    agency = serializers.CharField(source="get_agency_type_display", read_only=True)

    class Meta:
        model = FeedbackStaffing
        fields = ["agency_type", "agency", "co_located", "staff_fte"]


class VisitSerializer(CSVCellsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:visit-detail")
    date = serializers.DateField(source="visit_date", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    local_authorities = AreaSerializer(many=True, read_only=True)
    model = serializers.CharField(
        source="model_seen",
        read_only=True,
        help_text="The model seen: " + ", ".join(ModelSeen.values) + ".",
    )
    model_label = serializers.CharField(source="get_model_seen_display", read_only=True)
    agencies = AgencyInvolvementSerializer(
        many=True, read_only=True, help_text="The partner agencies and how each took part."
    )
    notes = serializers.CharField(read_only=True, help_text="The visit notes, in Markdown.")
    notes_html = serializers.SerializerMethodField(
        help_text="The notes as sanitised HTML with GOV.UK classes."
    )
    status = ReviewStatusField()
    has_feedback = serializers.BooleanField(
        read_only=True,
        help_text="Detailed feedback was taken (and, for a partner key, approved).",
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "url",
            "date",
            "region_code",
            "region_name",
            "local_authorities",
            "model",
            "model_label",
            "agencies",
            "status",
            "notes",
            "notes_html",
            "has_feedback",
            "updated_at",
            "is_illustrative",
        ]

    @extend_schema_field(serializers.CharField())
    def get_notes_html(self, visit: Visit) -> str:
        return str(render_markdown(visit.notes))


class FeedbackSerializer(CSVCellsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:feedback-detail")
    visit = serializers.IntegerField(source="visit_id", read_only=True, help_text="The visit's id.")
    visit_url = serializers.HyperlinkedRelatedField[Visit](
        source="visit", view_name="api:visit-detail", read_only=True
    )
    visit_date = serializers.DateField(source="visit.visit_date", read_only=True)
    region_code = serializers.CharField(source="visit.region.code", read_only=True)
    region_name = serializers.CharField(source="visit.region.name", read_only=True)
    local_authorities = AreaSerializer(source="visit.local_authorities", many=True, read_only=True)
    staffing = StaffingSerializer(
        many=True,
        read_only=True,
        help_text="Staff in the arrangement by agency, in full-time equivalents.",
    )
    status = ReviewStatusField()
    is_illustrative = serializers.BooleanField(source="visit.is_illustrative", read_only=True)

    class Meta:
        model = DetailedFeedback
        fields = [
            "id",
            "url",
            "visit",
            "visit_url",
            "visit_date",
            "region_code",
            "region_name",
            "local_authorities",
            "status",
            "established_on",
            "monthly_contacts",
            "monthly_referrals",
            "uses_blue_rating",
            "red_hours",
            "amber_hours",
            "green_hours",
            "blue_hours",
            "staffing",
            "has_governance_board",
            "board_chair",
            "isa_signed",
            "isa_signed_on",
            *DetailedFeedback.TEXT_FIELDS[1:],  # the texts after the board's chair
            "updated_at",
            "is_illustrative",
        ]


# ----- Filters -------------------------------------------------------------


class _VisitFilterSet(ApiFilterSet):
    """The filters visits and feedback share; `visit_path` is the path from the row to its visit."""

    visit_path = ""

    region = region_filter()
    authority = authority_filter(
        "A local authority visited: its ONS code (current or before April 2013) or DfE code."
    )
    model = filters.ChoiceFilter(
        choices=ModelSeen.choices, method="filter_model", help_text="The model seen."
    )
    date_from = filters.DateFilter(
        method="filter_date_from", help_text="Visits on or after this date (YYYY-MM-DD)."
    )
    date_to = filters.DateFilter(
        method="filter_date_to", help_text="Visits on or before this date (YYYY-MM-DD)."
    )

    def _path(self, lookup: str) -> str:
        return f"{self.visit_path}__{lookup}" if self.visit_path else lookup

    def filter_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(region_q(value, path=self._path("region")))

    def filter_authority(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        areas = LocalAuthority.objects.filter(authority_code_q(value))
        visits = Visit.objects.filter(local_authorities__in=areas).values("pk")
        return queryset.filter(**{"visit__in" if self.visit_path else "pk__in": visits})

    def filter_model(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{self._path("model_seen"): value})

    def filter_date_from(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(**{self._path("visit_date__gte"): value})

    def filter_date_to(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(**{self._path("visit_date__lte"): value})


STATUS_HELP = "The review status. Partner keys see approved records only, so any other gives none."


class VisitFilter(_VisitFilterSet):
    status = filters.ChoiceFilter(
        choices=Visit._meta.get_field("status").choices, help_text=STATUS_HELP
    )

    class Meta:
        model = Visit
        fields = ["region", "authority", "model", "date_from", "date_to", "status"]


class FeedbackFilter(_VisitFilterSet):
    visit_path = "visit"

    status = filters.ChoiceFilter(
        choices=DetailedFeedback._meta.get_field("status").choices, help_text=STATUS_HELP
    )

    class Meta:
        model = DetailedFeedback
        fields = ["region", "authority", "model", "date_from", "date_to", "status"]


# ----- Viewsets ------------------------------------------------------------


class _InternalViewSet(KeptList, FlatForCSV, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadOnly, StaffOrPartnerKey]

    def approved_only(self) -> bool:
        """Partner keys (and anything but a signed-in project member) see approved records."""
        return not is_staff_request(self.request)


class VisitViewSet(_InternalViewSet):
    """The project's visits to local areas (January to March 2013), with their notes.

    Project members see every visit; partner keys see approved visits only. Illustrative
    demo records say so in `is_illustrative`.
    """

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["visit_date", "updated_at"]

    def get_queryset(self) -> QuerySet[Visit]:
        return queries.visit_list_for_api(approved_only=self.approved_only())


class FeedbackViewSet(_InternalViewSet):
    """The detailed feedback taken from some of the visits: volumes, triage timescales,
    staffing by agency, governance, information sharing, and what the area learnt.

    Project members see every record; partner keys see approved feedback on approved visits.
    The filters apply to the visit the feedback came from.
    """

    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["visit__visit_date", "updated_at"]

    def get_queryset(self) -> QuerySet[DetailedFeedback]:
        return queries.feedback_list_for_api(approved_only=self.approved_only())
