"""The report's editions in the API, and an edition's frozen figures.

- `/api/v1/reports/`: the published and superseded editions, newest first, each with its
  dates, what it amends and why, the amendments published in its line (the first edition
  and every correction of it), links to its page, PDF, data release and manifest, and the
  SHA-256 of every file stored when it was frozen. Signed-in project members also see
  drafts and editions in review, with their status and no links: nothing of theirs is
  public. Anonymous callers and partner keys never see them.
- `/api/v1/reports/<slug>/findings/`: a published edition's findings as they were frozen,
  with the evidence counts and cleared quotes its pages print.
- `published_snapshot(slug)`: a published edition's stored snapshot, which the figures API
  reads for `?edition=<slug>`.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from mash_survey.api_auth import ReadOnly, is_staff_request
from mash_survey.api_schema import NamedEnumField
from mash_survey.page_cache import KeptList

from .editions import store
from .editions.data import PDF_CONTENT_TYPE, ZIP, edition_links
from .editions.snapshot import Snapshot
from .models import PUBLISHED_STATUSES, EditionFile, EditionStatus, ReportEdition


def published_snapshot(slug: str) -> Snapshot:
    """The snapshot stored when the edition `slug` was published (NotFound, saying so, for
    a draft or an edition that does not exist)."""
    edition = ReportEdition.objects.filter(slug=slug, status__in=PUBLISHED_STATUSES).first()
    file = EditionFile.objects.filter(edition=edition, path="snapshot.json").first()
    if edition is None or file is None:
        raise NotFound(
            f"There is no published edition “{slug}”. Use the slug of a published edition "
            "from /api/v1/reports/, or leave out `edition` for the current values."
        )
    snapshot: Snapshot = json.loads(store.read(file))
    return snapshot


@dataclass
class Lines:
    """The published editions by their pk, and which amend which: one query for a page."""

    editions: dict[int, ReportEdition] = field(default_factory=dict)
    amended_by: dict[int, list[ReportEdition]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls) -> "Lines":
        lines = cls()
        published = (
            ReportEdition.objects.filter(status__in=PUBLISHED_STATUSES)
            .select_related("amends")
            .only("slug", "amendment_reason", "published_at", "amends__slug")
        )
        for edition in published.order_by("published_at", "pk"):
            lines.editions[edition.pk] = edition
            if edition.amends_id is not None:
                lines.amended_by[edition.amends_id].append(edition)
        return lines

    def first(self, edition: ReportEdition) -> ReportEdition:
        """The edition its line starts with (itself, unless it amends one)."""
        while edition.amends_id in self.editions:
            edition = self.editions[edition.amends_id]
        return edition

    def line(self, edition: ReportEdition) -> list[ReportEdition]:
        """Every published edition in its line, oldest first."""
        found, waiting = [], [self.first(edition)]
        while waiting:
            current = waiting.pop()
            if current.pk in self.editions:
                found.append(current)
            waiting.extend(self.amended_by.get(current.pk, []))
        return sorted(found, key=lambda e: (e.published_at, e.pk))


class EditionStatusField(NamedEnumField):
    enum_name = "EditionStatusEnum"
    enum_values = EditionStatus.values
    enum_description = (
        "Draft, in review, published, or superseded by a later edition that corrects it. "
        "Anyone but a signed-in project member sees published and superseded editions only."
    )


class AmendmentSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="The correcting edition's slug.")
    published_at = serializers.DateTimeField(read_only=True, help_text="When it was published.")
    reason = serializers.CharField(
        source="amendment_reason", read_only=True, help_text="Why the report was corrected."
    )
    amends = serializers.SlugField(
        source="amends.slug", read_only=True, help_text="The slug of the edition it corrects."
    )


class StoredFileSerializer(serializers.Serializer):
    path = serializers.CharField(read_only=True, help_text="The file's name in the edition.")
    sha256 = serializers.CharField(read_only=True, help_text="The SHA-256 of its bytes.")
    size = serializers.IntegerField(read_only=True, help_text="Its size in bytes.")
    content_type = serializers.CharField(read_only=True, help_text="Its media type.")


def _sha(what: str) -> serializers.SerializerMethodField:
    return serializers.SerializerMethodField(
        help_text=f"The SHA-256 of {what} as stored when it was published (null if none)."
    )


URL_OR_NULL = serializers.URLField(allow_null=True)
SHA_OR_NULL = serializers.CharField(allow_null=True)


class ReportEditionSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="The edition's slug.")
    url = serializers.SerializerMethodField(help_text="This edition in the API.")
    title = serializers.CharField(read_only=True, help_text="The report's title.")
    summary = serializers.CharField(read_only=True, help_text="The report in a few sentences.")
    status = EditionStatusField(help_text="Where the edition is: only published ones are public.")
    is_illustrative = serializers.BooleanField(
        read_only=True, help_text="Made up to show how the service works: not the project's data."
    )
    published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When this edition was published."
    )
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text="When it last changed, as when a correction superseded it (see the "
        "`updated_since` filter).",
    )
    first_published_at = serializers.SerializerMethodField(
        help_text="When the first edition of this report (the one its line of corrections "
        "starts with) was published."
    )
    amends = serializers.SerializerMethodField(
        help_text="The slug of the edition this one corrects, or null."
    )
    amendment_reason = serializers.CharField(
        read_only=True, help_text="Why the edition it amends was corrected (empty if none)."
    )
    superseded_by = serializers.SerializerMethodField(
        help_text="The slug of the published edition that corrects this one, or null."
    )
    amendments = serializers.SerializerMethodField(
        help_text="Every published correction in this edition's line, oldest first, with its "
        "date and reason."
    )
    page_url = serializers.SerializerMethodField(
        help_text="The edition's page (null until published)."
    )
    pdf_url = serializers.SerializerMethodField(
        help_text="The report as a PDF (null until published)."
    )
    pdf_sha256 = _sha("the PDF")
    data_url = serializers.SerializerMethodField(
        help_text="The open data release, CSV files in a zip (null until published)."
    )
    data_sha256 = _sha("the data release")
    manifest_url = serializers.SerializerMethodField(
        help_text="The manifest: every stored file with its SHA-256 (null until published)."
    )
    manifest_sha256 = _sha("the manifest")
    files = serializers.SerializerMethodField(
        help_text="Every file stored when the edition was published, with its SHA-256."
    )

    def _lines(self) -> Lines:
        lines: Lines = self.context["lines"]
        return lines

    def _links(self, edition: ReportEdition) -> dict[str, str]:
        if edition.status not in PUBLISHED_STATUSES:
            return {}
        return edition_links(edition, self.context["request"])

    def _stored(self, edition: ReportEdition) -> list[EditionFile]:
        return list(edition.files.all()) if edition.status in PUBLISHED_STATUSES else []

    def _sha_of(self, edition: ReportEdition, *, path: str = "", kind: str = "") -> str | None:
        for file in self._stored(edition):
            if file.path == path or file.content_type == kind:
                return file.sha256
        return None

    @extend_schema_field(serializers.URLField())
    def get_url(self, edition: ReportEdition) -> str:
        path = reverse("api:report-detail", kwargs={"slug": edition.slug})
        return str(self.context["request"].build_absolute_uri(path))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_first_published_at(self, edition: ReportEdition) -> str | None:
        first = self._lines().first(edition)
        when = first.published_at if first.pk in self._lines().editions else None
        return serializers.DateTimeField().to_representation(when) if when else None

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_amends(self, edition: ReportEdition) -> str | None:
        return edition.amends.slug if edition.amends else None

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_superseded_by(self, edition: ReportEdition) -> str | None:
        later = self._lines().amended_by.get(edition.pk, [])
        return later[0].slug if later and edition.status in PUBLISHED_STATUSES else None

    @extend_schema_field(AmendmentSerializer(many=True))
    def get_amendments(self, edition: ReportEdition) -> list[dict[str, Any]]:
        if edition.status not in PUBLISHED_STATUSES:
            return []
        line = self._lines().line(edition)
        return list(AmendmentSerializer([e for e in line if e.amends_id], many=True).data)

    @extend_schema_field(URL_OR_NULL)
    def get_page_url(self, edition: ReportEdition) -> str | None:
        return self._links(edition).get("page")

    @extend_schema_field(URL_OR_NULL)
    def get_pdf_url(self, edition: ReportEdition) -> str | None:
        return self._links(edition).get("pdf")

    @extend_schema_field(SHA_OR_NULL)
    def get_pdf_sha256(self, edition: ReportEdition) -> str | None:
        return self._sha_of(edition, kind=PDF_CONTENT_TYPE)

    @extend_schema_field(URL_OR_NULL)
    def get_data_url(self, edition: ReportEdition) -> str | None:
        return self._links(edition).get("data")

    @extend_schema_field(SHA_OR_NULL)
    def get_data_sha256(self, edition: ReportEdition) -> str | None:
        return self._sha_of(edition, path=ZIP)

    @extend_schema_field(URL_OR_NULL)
    def get_manifest_url(self, edition: ReportEdition) -> str | None:
        return self._links(edition).get("manifest")

    @extend_schema_field(SHA_OR_NULL)
    def get_manifest_sha256(self, edition: ReportEdition) -> str | None:
        return self._sha_of(edition, path=store.MANIFEST)

    @extend_schema_field(StoredFileSerializer(many=True))
    def get_files(self, edition: ReportEdition) -> list[dict[str, Any]]:
        return list(StoredFileSerializer(self._stored(edition), many=True).data)


class FrozenQuoteSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The words, as cleared for publication.")
    attribution = serializers.CharField(help_text="Whose they are, at the quote's clearance.")


class FrozenFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The finding's number.")
    theme = serializers.CharField(help_text="The theme's name.")
    theme_slug = serializers.CharField(help_text="The theme's slug.")
    headline = serializers.CharField(help_text="The finding in a sentence.")
    statement = serializers.CharField(help_text="The finding's statement (Markdown).")
    excerpt_count = serializers.IntegerField(help_text="Coded passages it cites.")
    visit_count = serializers.IntegerField(help_text="Distinct visits they come from.")
    area_count = serializers.IntegerField(help_text="Distinct areas they come from.")
    visited_area_count = serializers.IntegerField(
        help_text="Distinct areas among those visited (the N of “cited by N of M areas "
        "visited”; M is `areas_visited`)."
    )
    region_count = serializers.IntegerField(help_text="Distinct regions they come from.")
    quotes = FrozenQuoteSerializer(many=True, help_text="Quotes cleared for publication.")


class FrozenFindingsSerializer(serializers.Serializer):
    areas_visited = serializers.IntegerField(
        help_text="The distinct areas of the approved visits when the edition was published."
    )
    findings = FrozenFindingSerializer(many=True, help_text="In the edition's order.")


class ReportEditionViewSet(
    KeptList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The editions of the findings report: published and superseded ones for everyone, with
    their dates, corrections and reasons, links to the page, PDF and open data release, and
    the SHA-256 of every stored file. Signed-in project members also see drafts and editions
    in review (status only, no links)."""

    serializer_class = ReportEditionSerializer
    permission_classes = [ReadOnly]
    lookup_field = "slug"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    ordering_fields = ["published_at", "updated_at"]

    def get_queryset(self) -> QuerySet[ReportEdition]:
        editions = ReportEdition.objects.select_related("amends").prefetch_related("files")
        if not is_staff_request(self.request):
            editions = editions.filter(status__in=PUBLISHED_STATUSES)
        return editions.order_by(F("published_at").desc(nulls_last=True), "-pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lines": Lines.load()}

    @extend_schema(responses=FrozenFindingsSerializer)
    @action(detail=True, serializer_class=FrozenFindingsSerializer, pagination_class=None)
    def findings(self, request: Request, slug: str, format: str | None = None) -> Response:
        """A published edition's findings as frozen when it was published: each with its
        theme, the evidence counts its pages print and the quotes cleared for publication."""
        frozen = published_snapshot(slug)
        rows = [
            {**finding, "theme": theme["name"], "theme_slug": theme["slug"]}
            for theme in frozen["themes"]
            for finding in theme["findings"]
        ]
        return Response(
            FrozenFindingsSerializer(
                {"areas_visited": frozen["areas_visited"], "findings": rows}
            ).data
        )
