"""The survey in the API.

Public: the surveys, their questions, and their statistics (the same aggregates as the
statistics page, under the same disclosure control; no free text and nothing by area).
Partner keys and project members: the returns themselves, with each answer keyed by its
question code; partner keys see submitted returns only.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from areas.api import authority_filter, region_filter
from areas.models import AuthorityType
from mash_survey.api_auth import ReadOnly, StaffOrPartnerKey
from mash_survey.api_filters import (
    ApiFilterSet,
    KnownValueFilter,
    authority_code_q,
    region_q,
)
from mash_survey.api_renderers import CSVCellsMixin, CSVColumnsInFieldOrder
from mash_survey.audience import audience_of
from mash_survey.disclosure import Hidden, is_small, min_areas
from mash_survey.page_cache import KeptList
from mash_survey.rules import EARLIEST_DATE

from . import queries
from .models import Choice, Question, QuestionKind, Response, ResponseStatus, Survey
from .values import latest_date

# ----- Surveys and questions (public) --------------------------------------


class SurveySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:survey-detail", lookup_field="slug")
    question_count = serializers.IntegerField(read_only=True)
    submitted_count = serializers.SerializerMethodField(
        help_text="The number of submitted returns; null when fewer than the minimum number "
        "of areas published (see the statistics' minimum_areas)."
    )
    questions_url = serializers.HyperlinkedIdentityField(
        view_name="api:survey-questions", lookup_field="slug"
    )
    statistics_url = serializers.HyperlinkedIdentityField(
        view_name="api:survey-statistics", lookup_field="slug"
    )

    class Meta:
        model = Survey
        fields = [
            "url",
            "slug",
            "title",
            "description",
            "sent_on",
            "closes_on",
            "is_illustrative",
            "question_count",
            "submitted_count",
            "questions_url",
            "statistics_url",
            "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_submitted_count(self, survey: Survey) -> int | None:
        count: int = getattr(survey, "submitted_count", 0)
        return None if is_small(count) else count


class QuestionSerializer(CSVCellsMixin, serializers.ModelSerializer):
    choices = serializers.SlugRelatedField[Choice](
        many=True,
        read_only=True,
        slug_field="value",
        help_text="The allowed answers of a closed question, in order (Yes, No for yes/no).",
    )

    # The answer's rules, as the form and the import check them (`values.answer_breaches`).
    min_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Number questions: the lowest answer allowed (null for no limit).",
    )
    min_exclusive = serializers.BooleanField(
        read_only=True, help_text="Number questions: the answer must be more than min_value."
    )
    max_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Number questions: the highest answer allowed (null for no limit).",
    )
    unit = serializers.CharField(
        read_only=True, help_text="Number questions: what the number counts, if given."
    )
    earliest_date = serializers.SerializerMethodField(
        help_text="Date questions: the earliest date allowed (null for other questions)."
    )
    latest_date = serializers.SerializerMethodField(
        help_text="Date questions: the latest date allowed, the survey's closing date unless "
        "the date may be a plan (null for other questions)."
    )
    max_length = serializers.SerializerMethodField(
        help_text="Free-text questions: the most characters an answer may have (null for "
        "other questions)."
    )

    class Meta:
        model = Question
        fields = [
            "code",
            "text",
            "hint",
            "kind",
            "required",
            "order",
            "section",
            "choices",
            "min_value",
            "min_exclusive",
            "max_value",
            "unit",
            "earliest_date",
            "latest_date",
            "max_length",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_earliest_date(self, question: Question) -> dt.date | None:
        return EARLIEST_DATE if question.kind == QuestionKind.DATE else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_latest_date(self, question: Question) -> dt.date | None:
        return latest_date(question)[0] if question.kind == QuestionKind.DATE else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_max_length(self, question: Question) -> int | None:
        return question.text_limit if question.kind == QuestionKind.FREE_TEXT else None


# ----- Statistics (public aggregates) --------------------------------------


class NotShownField(serializers.CharField):
    """Why a figure is not shown: null when it is."""

    def __init__(self) -> None:
        super().__init__(
            source="hidden",
            read_only=True,
            allow_null=True,
            help_text="Why the figures are not shown (null when they are).",
        )

    def to_representation(self, value: str) -> str:
        return Hidden(value).notice()


class OverallRateSerializer(serializers.Serializer):
    returned = serializers.IntegerField(
        allow_null=True, help_text="Areas that submitted a return; null when not shown."
    )
    total = serializers.IntegerField(help_text="Areas asked (of the filter).")
    percent = serializers.FloatField(allow_null=True)
    not_shown = NotShownField()


class RateSerializer(OverallRateSerializer):
    code = serializers.CharField(source="key", help_text="The region's ONS code (E12…).")
    name = serializers.CharField()


class BarSerializer(serializers.Serializer):
    value = serializers.CharField(source="label")
    count = serializers.IntegerField(help_text="Areas that gave this answer.")
    percent = serializers.FloatField(help_text="Of the areas that answered the question.")


class DistributionSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField(
        allow_null=True, help_text="Areas that answered the question; null when not shown."
    )
    multiple = serializers.BooleanField(
        source="is_multiple",
        help_text="Areas could choose more than one answer: percentages add up to more than 100.",
    )
    choices = BarSerializer(
        many=True, source="bars", help_text="Closed questions only; empty when not shown."
    )
    mean = serializers.DecimalField(
        max_digits=14,
        decimal_places=1,
        allow_null=True,
        help_text="Number questions only. The lowest and highest are one area's answer, so "
        "they are not published.",
    )
    not_shown = NotShownField()


class StatisticsFiltersSerializer(serializers.Serializer):
    """The filters of the statistics: blank for every area."""

    region = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only areas of this region: its ONS code (E12…) or slug.",
    )
    type = serializers.ChoiceField(
        choices=AuthorityType.choices,
        required=False,
        allow_blank=True,
        help_text="Only areas of this type of local authority.",
    )

    def validate_region(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        for region in queries.region_choices():
            if value.upper() == region.code or value.lower() == region.slug:
                return region.code
        raise serializers.ValidationError(
            "Use a region's ONS code (E12000001 to E12000009) or its slug, such as london."
        )


class StatisticsSerializer(serializers.Serializer):
    survey = serializers.CharField(source="survey.slug")
    filters = StatisticsFiltersSerializer()
    minimum_areas = serializers.IntegerField(
        help_text="Figures over fewer areas than this, and any they could be worked out from, "
        "are not shown."
    )
    not_shown = serializers.CharField(
        allow_null=True,
        help_text="Why no figures are shown for this filter (null when they are).",
    )
    response_rate = OverallRateSerializer(source="rates.overall")
    response_rate_by_region = RateSerializer(many=True, source="by_region")
    questions = DistributionSerializer(
        many=True,
        help_text="Yes/no, choice and number questions; free-text answers are not published.",
    )


#: The statistics as CSV: one row per figure. `measure` says which: response_rate (all the
#: areas of the filter), response_rate_by_region, answer (one choice of a closed question)
#: or mean (a number question's).
STATISTICS_CSV_COLUMNS = [
    "survey",
    "region_filter",
    "type_filter",
    "measure",
    "code",
    "name",
    "value",
    "count",
    "total",
    "percent",
    "mean",
    "multiple",
    "not_shown",
]


def statistics_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The statistics (as `StatisticsSerializer` gives them) as the CSV's rows."""
    base = {
        "survey": data["survey"],
        "region_filter": data["filters"]["region"],
        "type_filter": data["filters"]["type"],
    }
    overall = data["response_rate"]
    rows = [
        {
            **base,
            "measure": "response_rate",
            "name": "All areas",
            "count": overall["returned"],
            "total": overall["total"],
            "percent": overall["percent"],
            "not_shown": overall["not_shown"] or data["not_shown"],
        }
    ]
    for rate in data["response_rate_by_region"]:
        rows.append(
            {
                **base,
                "measure": "response_rate_by_region",
                "code": rate["code"],
                "name": rate["name"],
                "count": rate["returned"],
                "total": rate["total"],
                "percent": rate["percent"],
                "not_shown": rate["not_shown"],
            }
        )
    for question in data["questions"]:
        about = {**base, "code": question["code"], "name": question["text"]}
        shared = {"total": question["answered"], "multiple": question["multiple"]}
        for bar in question["choices"]:
            rows.append(
                {
                    **about,
                    **shared,
                    "measure": "answer",
                    "value": bar["value"],
                    "count": bar["count"],
                    "percent": bar["percent"],
                }
            )
        if question["kind"] == QuestionKind.NUMBER:
            rows.append(
                {
                    **about,
                    **shared,
                    "measure": "mean",
                    "mean": question["mean"],
                    "not_shown": question["not_shown"],
                }
            )
        elif not question["choices"]:
            rows.append(
                {**about, **shared, "measure": "answer", "not_shown": question["not_shown"]}
            )
    return rows


class SurveyViewSet(KeptList, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """The surveys sent to the areas, with the number of questions and submitted returns."""

    serializer_class = SurveySerializer
    lookup_field = "slug"
    ordering_fields = ["sent_on", "title", "updated_at"]

    def get_queryset(self) -> QuerySet[Survey]:
        return queries.survey_list()

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        if self.action == "questions":
            context["header"] = list(QuestionSerializer().fields)
        elif self.action == "statistics":
            context["header"] = STATISTICS_CSV_COLUMNS
        return context

    @extend_schema(responses=QuestionSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def questions(self, request: Request, slug: str, format: str | None = None) -> ApiResponse:
        """The survey's questions in order, with their choices: all of them, one survey's
        worth, so not paginated. As CSV, a question's choices are one cell, separated by "; "."""
        survey = self.get_object()
        context = {"flat": request.accepted_renderer.format == "csv"}
        return ApiResponse(
            QuestionSerializer(queries.survey_questions(survey), many=True, context=context).data
        )

    @extend_schema(
        parameters=[StatisticsFiltersSerializer],
        responses={
            200: StatisticsSerializer,
            400: OpenApiResponse(description="A filter has a value it does not know."),
        },
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def statistics(self, request: Request, slug: str, format: str | None = None) -> ApiResponse:
        """Response rates, overall and by region, and the answers to each yes/no, choice and
        number question, counted over submitted returns: the figures of the statistics page.

        Free-text answers and anything by area are never published. A figure over fewer than
        `minimum_areas` areas, or one that would let such a figure be worked out, is null
        (choices empty) with the reason in `not_shown`.

        As CSV, one row per figure (see `statistics_rows`): the response rates, then each
        question's answers and mean.
        """
        survey = self.get_object()
        params = StatisticsFiltersSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        returns = queries.ReturnFilter(
            region=params.validated_data.get("region", ""),
            authority_type=params.validated_data.get("type", ""),
        )
        statistics = queries.survey_statistics(survey, queries.survey_questions(survey), returns)
        figures = {
            "survey": survey,
            "filters": {"region": returns.region, "type": returns.authority_type},
            "minimum_areas": min_areas(),
            "not_shown": statistics.notice or None,
            "rates": statistics.rates,
            "by_region": [rate for rate in statistics.rates.by_region if rate.total],
            "questions": statistics.distributions,
        }
        data = StatisticsSerializer(figures).data
        if request.accepted_renderer.format == "csv":
            return ApiResponse(statistics_rows(data))
        return ApiResponse(data)


# ----- Returns (partner keys and project members) --------------------------


class SurveyResponseFilter(ApiFilterSet):
    survey = KnownValueFilter(
        values=queries.survey_slugs,
        invalid="Send survey as a survey's slug, as in /api/v1/surveys/, or leave it out.",
        field_name="survey__slug",
        help_text="The survey's slug.",
    )
    region = region_filter()
    authority = authority_filter(
        "The local authority's ONS code (current or before April 2013) or DfE code."
    )
    status = filters.ChoiceFilter(choices=ResponseStatus.choices, help_text="The status.")

    class Meta:
        model = Response
        fields = ["survey", "region", "authority", "status"]

    def filter_region(
        self, queryset: QuerySet[Response], name: str, value: str
    ) -> QuerySet[Response]:
        return queryset.filter(region_q(value, path="local_authority__region"))

    def filter_authority(
        self, queryset: QuerySet[Response], name: str, value: str
    ) -> QuerySet[Response]:
        return queryset.filter(authority_code_q(value, path="local_authority"))


class SurveyResponseSerializer(serializers.ModelSerializer):
    survey = serializers.CharField(source="survey.slug", help_text="The survey's slug.")
    local_authority = serializers.CharField(source="local_authority.name")
    gss_code = serializers.CharField(source="local_authority.gss_code", help_text="ONS code.")
    dfe_code = serializers.CharField(
        source="local_authority.dfe_code", help_text="DfE local authority code."
    )
    region_code = serializers.CharField(source="local_authority.region.code")
    region_name = serializers.CharField(source="local_authority.region.name")
    answers = serializers.SerializerMethodField(
        help_text="Each answered question's code → the answer as written in a file: several "
        "choices are separated by '; ', dates are YYYY-MM-DD."
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "local_authority",
            "gss_code",
            "dfe_code",
            "region_code",
            "region_name",
            "status",
            "submitted_at",
            "updated_at",
            "answers",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_answers(self, response: Response) -> dict[str, str]:
        answers: dict[int, dict[str, str]] = self.context["answers"]
        return answers.get(response.pk, {})


class SurveyResponseViewSet(KeptList, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The areas' returns with their answers, for partner systems (an API key) and project
    members. Partner keys see submitted returns only.

    As CSV, each question has its own column (`answers.Q1`, `answers.Q2`, … in question
    order): filter by `survey` to get that survey's columns only.
    """

    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    permission_classes = [ReadOnly, StaffOrPartnerKey]
    ordering_fields = ["local_authority__name", "submitted_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Response]:
        return queries.response_list_for_api(audience_of(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        return self.kept(request, self._page)

    def _page(self) -> ApiResponse:
        responses = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(responses)
        rows = list(page if page is not None else responses)
        context = {
            **self.get_serializer_context(),
            "answers": queries.response_answers_by_code(rows),
        }
        data = self.get_serializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else ApiResponse(data)

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            # One column per field, then one per question code, in question order.
            fields = [name for name in SurveyResponseSerializer().fields if name != "answers"]
            codes = queries.question_codes(survey=self.request.query_params.get("survey", ""))
            context["header"] = [*fields, *(f"answers.{code}" for code in codes)]
        return context
