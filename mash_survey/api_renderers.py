"""Pagination and CSV output shared by every API endpoint."""

from typing import Any

from django.conf import settings
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param
from rest_framework_csv.renderers import CSVRenderer
from rest_framework_csv.renderers import PaginatedCSVRenderer as _PaginatedCSVRenderer

#: Characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Stop a spreadsheet running a text cell as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain_url(value: Any) -> Any:
    """A link without the `format` parameter the request chose CSV with: DRF's links keep
    the caller's `?format=`, but a link in a CSV cell is the resource itself."""
    if isinstance(value, str) and value.startswith(("http://", "https://")) and "format=" in value:
        return remove_query_param(value, settings.REST_FRAMEWORK["URL_FORMAT_OVERRIDE"])
    return value


class Pagination(PageNumberPagination):
    """Every list's pages: `count`, `next`, `previous` and `results`, 50 a page by default.

    A `page_size` that is not a whole number from 1 to 500 is a 400 (DRF would quietly use
    the default); a page past the last is a 404. Either sent empty is the same as left out.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "A page number (1 is the first); a page past the last is a 404."
    page_size_query_description = "Results a page, from 1 to 500 (50 if left out)."

    def get_page_size(self, request: Request) -> int | None:
        value = request.query_params.get(self.page_size_query_param)
        if not value:  # left out, or sent empty as a form leaves it
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Send page_size as a whole number from 1 to {self.max_page_size}, "
                        "or leave it out."
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


class PaginatedCSVRenderer(_PaginatedCSVRenderer):
    """CSV of one page of results (use `page_size` up to 500), formula-safe, its links plain.

    A single record (a detail, or an error's message) is one row.
    """

    results_field = "results"

    def render(
        self,
        data: Any,
        media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
        writer_opts: Any = None,
    ) -> Any:
        context = dict(renderer_context or {})
        if isinstance(data, dict) and self.results_field not in data:
            response = context.get("response")
            if response is not None and response.status_code >= 400:
                context.pop("header", None)  # an error's own fields, not the records'
            data = [data]
        return super().render(data, media_type, context, writer_opts)

    def tablize(self, data: Any, header: Any = None, labels: Any = None) -> Any:
        for row in super().tablize(data, header=header, labels=labels):
            yield [neutralise_formula(plain_url(cell)) for cell in row]


class CSVColumnsInFieldOrder:
    """A viewset mix-in: CSV columns in the serializer's field order, not alphabetical."""

    def get_renderer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_renderer_context()  # type: ignore[misc]
        renderer = getattr(self.request, "accepted_renderer", None)  # type: ignore[attr-defined]
        if isinstance(renderer, CSVRenderer):  # building a serializer costs a JSON answer
            context["header"] = list(self.get_serializer().fields)  # type: ignore[attr-defined]
        return context


class CSVCellsMixin(serializers.Serializer):
    """Joins each list field into one text cell when the context says `flat` (CSV).

    A nested serializer says how one item reads in a cell with `csv_cell`, a format string
    over its fields, and may set `csv_separator` (items are separated by "; " otherwise).
    """

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not self.context.get("flat"):
            return data
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(value, list):
                child = getattr(field, "child", None)
                cell = getattr(child, "csv_cell", None)
                data[name] = getattr(child, "csv_separator", "; ").join(
                    cell.format(**item) if cell and isinstance(item, dict) else str(item)
                    for item in value
                )
        return data


class FlatForCSV:
    """A viewset mix-in: tells the serializer (`flat` in its context) when the answer is CSV,
    so that a `CSVCellsMixin` serializer joins its lists into cells."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        renderer = getattr(self.request, "accepted_renderer", None)  # type: ignore[attr-defined]
        context["flat"] = renderer is not None and renderer.format == "csv"
        return context
