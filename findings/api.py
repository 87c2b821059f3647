"""The codebook, the findings, the coded excerpts and the report's figures in the API:
read-only.

- Themes: everyone, with their evidence counts.
- Findings: anonymous callers and partner keys see agreed findings only; signed-in project
  members see every finding. A finding's quotes are its cited excerpts as the public may
  read them (`queries.public_quote`): cleared, still standing, attributed only as far as
  their clearance allows, whoever is asking.
- Excerpts: project members and partner keys. A partner key sees excerpts that still stand
  in a source that may be cited, and of each only what its clearance allows: the quote only
  when cleared for publication, the region only when cleared to name it, the areas and the
  source only when cleared to name the area; never a memo. Its region filter counts only
  excerpts cleared to name their region, so a filter cannot reveal more than a row would.
- Figures: everyone, with their current values (`figures.py`), under disclosure control;
  `?edition=<slug>` gives the values frozen in a published edition (`api_editions.py`).

As CSV, each field is one column in field order; a list is joined into one cell, its items
separated by "; ".
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from areas.api import AreaSerializer, region_filter
from areas.models import Region
from mash_survey.api_auth import ReadOnly, StaffOrPartnerKey, is_staff_request
from mash_survey.api_filters import ApiFilterSet, KnownValueFilter, region_q
from mash_survey.api_renderers import (
    CSVCellsMixin,
    CSVColumnsInFieldOrder,
    FlatForCSV,
    Pagination,
)
from mash_survey.api_schema import NamedEnumField
from mash_survey.markdown import render_markdown
from mash_survey.page_cache import KeptList
from visits.models import ModelSeen

from . import figures, queries, reports, sources
from .api_editions import published_snapshot
from .editions import snapshot
from .models import (
    Clearance,
    Excerpt,
    Finding,
    FindingStatus,
    SourceType,
    Theme,
    ThemeStatus,
)

COUNTS = ["excerpt_count", "visit_count", "area_count", "visited_area_count", "region_count"]


def _count(what: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, help_text=f"How many {what}.")


# ----- Enums ---------------------------------------------------------------------------


class ThemeStatusField(NamedEnumField):
    enum_name = "ThemeStatusEnum"
    enum_values = ThemeStatus.values
    enum_description = "Active, or retired (no new coding; a merged theme is retired)."


class FindingStatusField(NamedEnumField):
    enum_name = "FindingStatusEnum"
    enum_values = FindingStatus.values
    enum_description = (
        "Draft, agreed by a reviewer, or retired. Anyone but a signed-in project member sees "
        "agreed findings only."
    )


class SourceTypeField(NamedEnumField):
    enum_name = "SourceTypeEnum"
    enum_values = SourceType.values
    enum_description = (
        "What the excerpt was coded from: a visit's notes, a free-text field of detailed "
        "feedback, a case study section, or a free-text survey answer."
    )


class ClearanceField(NamedEnumField):
    enum_name = "ClearanceEnum"
    enum_values = Clearance.values
    enum_description = (
        "How far the quote may go: not for publication (private), quote without "
        "attribution, quote with the region, or quote with the area's name."
    )


# ----- Themes --------------------------------------------------------------------------


class ThemeSerializer(CSVCellsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:theme-detail", lookup_field="slug", help_text="This theme in the API."
    )
    slug = serializers.SlugField(read_only=True, help_text="The theme's stable name in URLs.")
    name = serializers.CharField(read_only=True, help_text="The theme's name.")
    # A field named as Field's own `parent`: the serializer's metaclass takes it off the class.
    parent = serializers.SlugRelatedField[Theme](  # type: ignore[assignment]
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the main theme this is a sub-theme of, or null.",
    )
    order = serializers.IntegerField(read_only=True, help_text="Its place in the codebook.")
    status = ThemeStatusField(help_text="Whether the theme is still used for coding.")
    excerpt_count = _count("excerpts are coded to it")
    visit_count = _count("distinct visits those excerpts come from")
    area_count = _count("distinct local authorities those excerpts come from")
    visited_area_count = _count("of those local authorities were visited (approved visits)")
    region_count = _count("distinct regions those excerpts come from")
    finding_count = serializers.IntegerField(
        read_only=True, help_text="How many agreed findings it has."
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When it last changed (see the `updated_since` filter)."
    )
    is_illustrative = serializers.BooleanField(
        read_only=True, help_text="Made up to show how the service works: not the project's data."
    )

    class Meta:
        model = Theme
        fields = [
            "slug",
            "url",
            "name",
            "definition",
            "parent",
            "order",
            "status",
            *COUNTS,
            "finding_count",
            "updated_at",
            "is_illustrative",
        ]
        extra_kwargs = {
            "definition": {"help_text": "What belongs in the theme and what does not."},
        }


def theme_filter(help_text: str, **kwargs: Any) -> KnownValueFilter:
    return KnownValueFilter(
        values=queries.theme_slugs,
        invalid="Send theme as a theme's slug, as in /api/v1/themes/, or leave it out.",
        help_text=help_text,
        **kwargs,
    )


class ThemeFilter(ApiFilterSet):
    status = filters.ChoiceFilter(choices=ThemeStatus.choices, help_text="The theme's status.")

    class Meta:
        model = Theme
        fields = ["status"]


class ThemeViewSet(KeptList, FlatForCSV, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """The codebook: each theme with its definition and how much evidence is coded to it
    (excerpts, and the distinct visits, local authorities and regions they come from)."""

    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    ordering_fields = ["order", "name", "updated_at"]
    permission_classes = [ReadOnly]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Theme]:
        return reports.theme_list_for_api()


# ----- Findings ------------------------------------------------------------------------


class QuoteSerializer(serializers.Serializer):
    csv_cell = "“{text}” ({attribution})"
    text = serializers.CharField(read_only=True, help_text="The words quoted.")
    attribution = serializers.CharField(
        read_only=True,
        help_text="Whose words, as far as the quote's clearance allows: “An area visited”, "
        "“An area in <region>”, or the areas' names.",
    )


class CitedQuestionSerializer(serializers.Serializer):
    csv_cell = "{survey} {code}"
    survey = serializers.CharField(
        source="survey.slug", read_only=True, help_text="The survey's slug."
    )
    code = serializers.CharField(read_only=True, help_text="The question's code, such as Q12.")
    text = serializers.CharField(read_only=True, help_text="What the question asks.")


class FindingSerializer(CSVCellsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text="The finding's number.")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:finding-detail", help_text="This finding in the API."
    )
    theme = serializers.SlugRelatedField[Theme](
        slug_field="slug", read_only=True, help_text="The slug of the finding's theme."
    )
    theme_name = serializers.CharField(
        source="theme.name", read_only=True, help_text="The theme's name."
    )
    headline = serializers.CharField(read_only=True, help_text="The finding in one sentence.")
    statement = serializers.CharField(read_only=True, help_text="The finding, in Markdown.")
    statement_html = serializers.SerializerMethodField(
        help_text="The statement as sanitised HTML with GOV.UK classes."
    )
    status = FindingStatusField(help_text="Where the finding is in its review.")
    order = serializers.IntegerField(read_only=True, help_text="Its place among the theme's.")
    agreed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When a reviewer agreed it (null if never)."
    )
    excerpt_count = _count("excerpts it cites")
    visit_count = _count("distinct visits its cited excerpts come from")
    area_count = _count("distinct local authorities its cited excerpts come from")
    visited_area_count = _count("of those local authorities were visited (approved visits)")
    region_count = _count("distinct regions its cited excerpts come from")
    quotes = serializers.SerializerMethodField(
        help_text="The cited excerpts cleared for publication and still standing, each "
        "attributed only as far as its clearance allows."
    )
    questions = serializers.SerializerMethodField(
        help_text="The survey questions it cites: their answers are its quantitative evidence."
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When it last changed (see the `updated_since` filter)."
    )
    is_illustrative = serializers.BooleanField(
        read_only=True, help_text="Made up to show how the service works: not the project's data."
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "url",
            "theme",
            "theme_name",
            "headline",
            "statement",
            "statement_html",
            "status",
            "order",
            "agreed_at",
            *COUNTS,
            "quotes",
            "questions",
            "updated_at",
            "is_illustrative",
        ]

    @extend_schema_field(serializers.CharField())
    def get_statement_html(self, finding: Finding) -> str:
        return str(render_markdown(finding.statement))

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, finding: Finding) -> list[dict[str, str]]:
        quotes = []
        for evidence in finding.evidence.all():
            excerpt = evidence.excerpt
            if excerpt is None:
                continue
            quote = queries.public_quote(
                excerpt,
                standing=excerpt.stale == sources.STANDS,  # type: ignore[attr-defined]
            )
            if quote is not None:
                quotes.append({"text": quote.text, "attribution": quote.attribution})
        return quotes

    @extend_schema_field(CitedQuestionSerializer(many=True))
    def get_questions(self, finding: Finding) -> list[dict[str, str]]:
        questions = [e.question for e in finding.evidence.all() if e.question is not None]
        return list(CitedQuestionSerializer(questions, many=True).data)


def _evidence_in_region(request: Request, value: str) -> QuerySet[Excerpt]:
    """Excerpts from the region (ONS code or slug). For anyone but project members, only
    excerpts cleared to name their region."""
    regions = Region.objects.filter(region_q(value, path="")).values("pk")
    cleared = None if is_staff_request(request) else reports.REGION_CLEARED
    return reports.excerpts_where(Q(region__in=regions), clearances=cleared)


REGION_HELP = (
    "A region's ONS code (E12…) or slug. Without signing in as a project member, only "
    "evidence cleared to be quoted with its region counts."
)


class FindingFilter(ApiFilterSet):
    theme = theme_filter("A theme's slug.", field_name="theme__slug")
    status = filters.ChoiceFilter(
        choices=FindingStatus.choices,
        help_text="The status. Anyone but a signed-in project member sees agreed findings "
        "only, so any other gives none.",
    )
    region = region_filter("Findings citing evidence from this region. " + REGION_HELP)
    model = filters.ChoiceFilter(
        choices=ModelSeen.choices,
        method="filter_model",
        help_text="Findings citing evidence from areas with this model seen.",
    )

    class Meta:
        model = Finding
        fields = ["theme", "status", "region", "model"]

    def filter_region(
        self, queryset: QuerySet[Finding], name: str, value: str
    ) -> QuerySet[Finding]:
        evidence = _evidence_in_region(self.request, value)
        return queryset.filter(pk__in=evidence.values("cited_by__finding"))

    def filter_model(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        evidence = reports.excerpts_where(Q(model=value))
        return queryset.filter(pk__in=evidence.values("cited_by__finding"))


class FindingViewSet(KeptList, FlatForCSV, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """What the project concludes, theme by theme, with how much evidence each finding rests
    on and its quotes cleared for publication.

    Anyone may read agreed findings; signed-in project members see drafts and retired
    findings too.
    """

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["agreed_at", "updated_at"]
    permission_classes = [ReadOnly]

    def get_queryset(self) -> QuerySet[Finding]:
        return reports.finding_list_for_api(agreed_only=not is_staff_request(self.request))


# ----- Excerpts ------------------------------------------------------------------------


class ExcerptSerializer(CSVCellsMixin, serializers.ModelSerializer):
    """An excerpt as the caller may see it: project members see all of it; a partner key
    sees each part only as far as the excerpt's clearance allows (null beyond it)."""

    id = serializers.IntegerField(read_only=True, help_text="The excerpt's number.")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:excerpt-detail", help_text="This excerpt in the API."
    )
    themes = serializers.SlugRelatedField[Theme](
        slug_field="slug", many=True, read_only=True, help_text="The slugs of its themes."
    )
    source_type = SourceTypeField(help_text="What kind of source it was coded from.")
    source_type_label = serializers.SerializerMethodField(help_text="The source type in words.")
    clearance = ClearanceField(help_text="How far the quote may be published.")
    clearance_label = serializers.CharField(
        source="get_clearance_display", read_only=True, help_text="The clearance in words."
    )
    quote = serializers.SerializerMethodField(
        help_text="The passage quoted. Partner keys: null unless cleared for publication."
    )
    attribution = serializers.SerializerMethodField(
        help_text="Whose words, as a published quote would say: null when it is not cleared "
        "for publication or is stale."
    )
    # A field named as Field's own `source`: the serializer's metaclass takes it off the class.
    source = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The record and text it was coded from. Partner keys: null unless cleared "
        "to name the area."
    )
    regions = serializers.SerializerMethodField(
        help_text="The names of the regions it comes from. Partner keys: empty unless cleared "
        "to name the region."
    )
    local_authorities = serializers.SerializerMethodField(
        help_text="The local authorities it comes from. Partner keys: empty unless cleared to "
        "name the area."
    )
    model = serializers.SerializerMethodField(
        help_text="The model seen where it comes from ("
        + ", ".join(ModelSeen.values)
        + "); null for a survey answer."
    )
    start = serializers.IntegerField(
        read_only=True, help_text="Where the passage starts in the source text (0 is the first)."
    )
    end = serializers.IntegerField(
        read_only=True, help_text="Where the passage ends in the source text (not included)."
    )
    memo = serializers.SerializerMethodField(help_text="The coder's note. Null for partner keys.")
    stale = serializers.SerializerMethodField(
        help_text="Why the excerpt no longer stands: moved (the source changed and the passage "
        "is elsewhere in it), gone (no longer in it) or not_citable (the source was returned, "
        "reopened or withdrawn); empty when it stands. Partner keys see standing excerpts only."
    )
    coded_at = serializers.DateTimeField(read_only=True, help_text="When it was coded.")
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When it last changed (see the `updated_since` filter)."
    )
    is_illustrative = serializers.BooleanField(
        read_only=True, help_text="Made up to show how the service works: not the project's data."
    )

    class Meta:
        model = Excerpt
        fields = [
            "id",
            "url",
            "themes",
            "source_type",
            "source_type_label",
            "clearance",
            "clearance_label",
            "quote",
            "attribution",
            "source",
            "regions",
            "local_authorities",
            "model",
            "start",
            "end",
            "memo",
            "stale",
            "coded_at",
            "updated_at",
            "is_illustrative",
        ]

    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    def _shows(self, excerpt: Excerpt, cleared: tuple[str, ...]) -> bool:
        return self._staff() or excerpt.clearance in cleared

    @extend_schema_field(serializers.CharField())
    def get_source_type_label(self, excerpt: Excerpt) -> str:
        return str(SourceType(excerpt.source_type).label)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_quote(self, excerpt: Excerpt) -> str | None:
        if self._staff():
            return excerpt.quote
        public = self._public(excerpt)
        return public.text if public else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attribution(self, excerpt: Excerpt) -> str | None:
        public = self._public(excerpt)
        return public.attribution if public else None

    def _public(self, excerpt: Excerpt) -> queries.Quote | None:
        return queries.public_quote(excerpt, standing=excerpt.stale == sources.STANDS)  # type: ignore[attr-defined]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_source(self, excerpt: Excerpt) -> str | None:
        if not self._shows(excerpt, reports.AREA_CLEARED):
            return None
        source = sources.source_of(excerpt)
        return f"{source.record}: {source.label}"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_regions(self, excerpt: Excerpt) -> list[str]:
        if not self._shows(excerpt, reports.REGION_CLEARED):
            return []
        return sorted({r.name for r in queries.regions_of_excerpt(excerpt)})

    @extend_schema_field(AreaSerializer(many=True))
    def get_local_authorities(self, excerpt: Excerpt) -> list[dict[str, Any]]:
        if not self._shows(excerpt, reports.AREA_CLEARED):
            return []
        areas = sorted(queries.areas_of_excerpt(excerpt), key=lambda a: a.name)
        return list(AreaSerializer(areas, many=True).data)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_model(self, excerpt: Excerpt) -> str | None:
        return reports.model_seen_of_excerpt(excerpt)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_memo(self, excerpt: Excerpt) -> str | None:
        return excerpt.memo if self._staff() else None

    @extend_schema_field(serializers.CharField())
    def get_stale(self, excerpt: Excerpt) -> str:
        return str(excerpt.stale)  # type: ignore[attr-defined]  # annotated


class ExcerptFilter(ApiFilterSet):
    theme = theme_filter("Excerpts coded to the theme with this slug.", method="filter_theme")
    source_type = filters.ChoiceFilter(
        choices=SourceType.choices, method="filter_source_type", help_text="The source type."
    )
    clearance = filters.ChoiceFilter(choices=Clearance.choices, help_text="The clearance.")
    region = region_filter("Excerpts from this region. " + REGION_HELP)
    model = filters.ChoiceFilter(
        choices=ModelSeen.choices,
        method="filter_model",
        help_text="Excerpts from areas with this model seen.",
    )

    class Meta:
        model = Excerpt
        fields = ["theme", "source_type", "clearance", "region", "model"]

    def filter_theme(self, queryset: QuerySet[Excerpt], name: str, value: str) -> QuerySet[Excerpt]:
        return queryset.filter(pk__in=Excerpt.objects.filter(themes__slug=value).values("pk"))

    def filter_source_type(
        self, queryset: QuerySet[Excerpt], name: str, value: str
    ) -> QuerySet[Excerpt]:
        return queryset.alias(kind=reports.kind_of()).filter(kind=value)

    def filter_region(
        self, queryset: QuerySet[Excerpt], name: str, value: str
    ) -> QuerySet[Excerpt]:
        return queryset.filter(pk__in=_evidence_in_region(self.request, value).values("pk"))

    def filter_model(self, queryset: QuerySet[Excerpt], name: str, value: str) -> QuerySet[Excerpt]:
        return queryset.filter(pk__in=reports.excerpts_where(Q(model=value)).values("pk"))


class ExcerptViewSet(KeptList, FlatForCSV, CSVColumnsInFieldOrder, viewsets.ReadOnlyModelViewSet):
    """The passages coded from the project's sources, with their themes and clearance.

    Project members see every excerpt, stale ones included, with its quote, places and memo.
    Partner keys see excerpts that still stand, each only as far as its clearance allows:
    the quote when it is cleared for publication, the region when cleared to name it, the
    areas and source when cleared to name the area.
    """

    serializer_class = ExcerptSerializer
    filterset_class = ExcerptFilter
    ordering_fields = ["coded_at", "updated_at"]
    permission_classes = [ReadOnly, StaffOrPartnerKey]

    def get_queryset(self) -> QuerySet[Excerpt]:
        return reports.excerpt_list_for_api(staff=is_staff_request(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["staff"] = is_staff_request(self.request)
        return context


# ----- Figures -------------------------------------------------------------------------


class FigureRowSerializer(serializers.Serializer):
    # A field named as Field's own `label`: the serializer's metaclass takes it off the class.
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text="What the row counts."
    )
    key = serializers.CharField(
        read_only=True, help_text="A region's ONS code, a model seen or a theme's slug, or empty."
    )
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        read_only=True,
        help_text="One value a column, in the order of `columns`; all null when not shown.",
    )
    not_shown = serializers.SerializerMethodField(
        help_text="Why the row's values are not shown (too few areas), or null."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_not_shown(self, row: figures.FigureRow) -> str | None:
        return row.hidden.notice() if row.hidden else None


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="The figure's key, as shortcodes use.")
    url = serializers.URLField(read_only=True, help_text="This figure in the API.")
    how_calculated_url = serializers.URLField(
        read_only=True, help_text="The public page saying how it was calculated."
    )
    title = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True, help_text="What the values count.")
    # A field named as Field's own `source`: the serializer's metaclass takes it off the class.
    source = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text="Where the data comes from."
    )
    description = serializers.CharField(read_only=True, help_text="How it is calculated.")
    columns = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The headings of the values."
    )
    rows = FigureRowSerializer(many=True, read_only=True)
    base = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="What the figure is out of, or null."
    )
    base_label = serializers.CharField(read_only=True, help_text="What the base counts.")
    headline = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The figure's one number (`{{ number KEY }}`), or null if it has none.",
    )
    text = serializers.CharField(read_only=True, help_text="The figure in one sentence.")
    error = serializers.CharField(
        read_only=True, allow_null=True, help_text="Why the figure cannot be computed, or null."
    )

    def to_representation(self, instance: Any) -> Any:
        """A figure's current values or, with `edition` in the context, the values frozen in
        that edition (`instance` is then `snapshot.frozen_figure` of them, and `headlines`
        the keys that had a headline number)."""
        figure: figures.Figure = instance
        try:
            result: figures.FigureResult | None = figure.compute()
            error = None
        except figures.FigureError as exc:
            result, error = None, str(exc)
        request = self.context.get("request")
        edition = self.context.get("edition", "")
        has_headline = figure.key in self.context["headlines"] if edition else figure.has_headline
        links = {}
        for name, view in (("url", "api:figure-detail"), ("how_calculated_url", "findings:figure")):
            path = reverse(view, kwargs={"key": figure.key})
            if edition and name == "url":
                path = f"{path}?{urlencode({'edition': edition})}"
            links[name] = request.build_absolute_uri(path) if request else path
        return {
            "key": figure.key,
            **links,
            "title": figure.title,
            "unit": figure.unit,
            "source": figure.source,
            "description": figure.description,
            "columns": list(result.columns) if result else [],
            "rows": FigureRowSerializer(result.rows if result else [], many=True).data,
            "base": result.base if result else None,
            "base_label": result.base_label if result else "",
            "headline": result.headline if result and has_headline else None,
            "text": result.text if result else "",
            "error": error,
        }


EDITION = OpenApiParameter(
    "edition",
    str,
    description="A published edition's slug (from /api/v1/reports/): the values frozen when "
    "it was published, not the current ones. An unknown or unpublished edition is a 404.",
)


class FrozenFigures:
    """The figures of a published edition, as stored in its snapshot."""

    def __init__(self, slug: str) -> None:
        stored = published_snapshot(slug)
        self.slug = slug
        self.figures = stored["figures"]
        self.errors = stored["figure_errors"]

    def context(self, request: Request) -> dict[str, Any]:
        headlines = {k for k, data in self.figures.items() if data["headline_text"] is not None}
        return {"request": request, "edition": self.slug, "headlines": headlines}

    def all(self) -> list[figures.Figure]:
        return [snapshot.frozen_figure(data) for data in self.figures.values()]

    def get(self, key: str) -> figures.Figure:
        if key in self.errors:
            raise NotFound(
                f"The figure “{key}” could not be computed when the edition {self.slug} was "
                f"published, so it has no values: {self.errors[key]}"
            )
        if key not in self.figures:
            raise NotFound(f"The edition {self.slug} has no figure called “{key}”.")
        return snapshot.frozen_figure(self.figures[key])


class FigureViewSet(KeptList, viewsets.ViewSet):
    """The report's figures with their current values, computed from the data: each a table
    of rows (a label and one value a column), what it is out of, and a sentence saying it.
    With `?edition=<slug>`, the values frozen in that published edition instead.

    A row over fewer areas than the disclosure threshold, or one that would let such a row be
    worked out, has null values and says why in `not_shown`. Figures keyed `question:<code>`
    are the answers to a closed question of the current survey.

    Paginated like every list. Figures are computed from the data when asked and have no
    `updated_at`, so this list takes no `updated_since` or `ordering` (they come in the
    report's order): fetch them again to sync."""

    permission_classes = [ReadOnly]
    pagination_class = Pagination
    lookup_field = "key"
    lookup_value_regex = r"[^/]+"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[EDITION],
        responses={
            200: FigureSerializer(many=True),
            404: OpenApiResponse(description="No such published edition."),
        },
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        return self.kept(request, lambda: self._page(request))

    def _page(self, request: Request) -> Response:
        slug = request.query_params.get("edition")
        if slug:
            frozen = FrozenFigures(slug)
            items, context = frozen.all(), frozen.context(request)
        else:
            items, context = list(figures.figure_list()), {"request": request}
        paginator = Pagination()
        # The paginator takes any sequence, as a list of figures here, not only a queryset.
        page: list[Any] = paginator.paginate_queryset(items, request, view=self) or []  # type: ignore[arg-type]
        with figures.computed_together():
            data = FigureSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        parameters=[EDITION],
        responses={
            200: FigureSerializer,
            404: OpenApiResponse(description="No such figure, or no such published edition."),
        },
    )
    def retrieve(self, request: Request, key: str, format: str | None = None) -> Response:
        slug = request.query_params.get("edition")
        if slug:
            frozen = FrozenFigures(slug)
            return Response(FigureSerializer(frozen.get(key), context=frozen.context(request)).data)
        try:
            figure = figures.figure_get(key)
        except figures.FigureError as exc:
            raise NotFound(str(exc)) from exc
        return Response(FigureSerializer(figure, context={"request": request}).data)
