"""Pagination and CSV output shared by every API endpoint."""

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework_csv.renderers import PaginatedCSVRenderer as _PaginatedCSVRenderer

#: Characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Stop a spreadsheet running a text cell as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class PaginatedCSVRenderer(_PaginatedCSVRenderer):
    """CSV of one page of results (use `page_size` up to 500), formula-safe."""

    results_field = "results"

    def tablize(self, data: Any, header: Any = None, labels: Any = None) -> Any:
        for row in super().tablize(data, header=header, labels=labels):
            yield [neutralise_formula(cell) for cell in row]


class CSVColumnsInFieldOrder:
    """A viewset mix-in: CSV columns in the serializer's field order, not alphabetical."""

    def get_renderer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_renderer_context()  # type: ignore[misc]
        context["header"] = list(self.get_serializer().fields)  # type: ignore[attr-defined]
        return context


class CSVCellsMixin(serializers.Serializer):
    """Joins each list field into one text cell when the context says `flat` (CSV).

    A nested serializer says how one item reads in a cell with `csv_cell`, a format string
    over its fields.
    """

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not self.context.get("flat"):
            return data
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(value, list):
                cell = getattr(getattr(field, "child", None), "csv_cell", None)
                data[name] = "; ".join(
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
