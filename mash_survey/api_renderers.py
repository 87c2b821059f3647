"""Pagination and CSV output shared by every API endpoint."""

from typing import Any

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
