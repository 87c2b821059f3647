"""What every API list's filters share.

- The conditions of a filter by region or by local authority: each builds a `Q` over the
  lookup path from the filtered rows to the region or the authority, so the filter sets
  differ only in that path.
- `ApiFilterSet`, the base of every list's filters: `updated_since`, and a 400 naming the
  parameter for a value it does not know (`KnownValueFilter` for lists read from the
  database).
- `FilterBackend` and `Ordering`, the list endpoints' filter backends (settings).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from django_filters.fields import ChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter, SearchFilter


def _lookup(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def region_q(value: str, *, path: str = "region") -> Q:
    """Rows whose region has this ONS code (E12…) or slug, in any case.

    `path` leads from the row to its region: "region", "local_authority__region"…
    """
    value = value.strip()
    return Q(**{_lookup(path, "code"): value.upper()}) | Q(**{_lookup(path, "slug"): value.lower()})


def authority_code_q(value: str, *, path: str = "") -> Q:
    """Rows whose local authority has this code: its ONS code, its ONS code before April
    2013 or its DfE code, in any case.

    `path` leads from the row to its authority: "" for authorities themselves,
    "local_authority"…
    """
    value = value.strip().upper()
    return (
        Q(**{_lookup(path, "gss_code"): value})
        | Q(**{_lookup(path, "gss_code_before_april_2013"): value})
        | Q(**{_lookup(path, "dfe_code"): value})
    )


# ----- What every list shares: updated_since, known values, ordering ---------------------------

#: How `updated_since` is written, in the 400 message and the schema.
UPDATED_SINCE_FORMAT = "an ISO 8601 date and time, such as 2013-03-31T09:00:00Z"


class UpdatedSinceField(forms.Field):
    """An ISO 8601 date and time; without a UTC offset it is UK time (the service's zone).

    Dates far outside the data (year 1 with a positive offset, year 9999 with a negative
    one) cannot be converted to UTC, so they stand for the earliest or latest time there is:
    a partner sending them gets every record, or none, rather than an error.
    """

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": f"Send updated_since as {UPDATED_SINCE_FORMAT}.",
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            # A date alone is not a time: say which moment, as the format asks.
            when = parse_datetime(value) if len(value) > len("2013-03-31") else None
        except ValueError:
            when = None
        if when is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        try:
            return when.astimezone(dt.UTC)
        except OverflowError:
            earliest = when.year == dt.MINYEAR
            return (dt.datetime.min if earliest else dt.datetime.max).replace(tzinfo=dt.UTC)


class UpdatedSinceFilter(filters.Filter):
    field_class = UpdatedSinceField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            "Only records changed at or after this time, for incremental sync: "
            f"{UPDATED_SINCE_FORMAT} (without an offset, UK time). Each record's "
            "`updated_at` says when it last changed.",
        )
        super().__init__(**kwargs)

    # drf-spectacular reads the parameter's schema from here.
    _spectacular_annotation: ClassVar[dict[str, Any]] = {
        "field": {"type": "string", "format": "date-time"}
    }


class _AnyCaseChoiceField(ChoiceField):
    """A choice whose value may come in any case and with spaces around it (codes, slugs)."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            value = value.strip()
            for choice, _label in self.choices:
                if isinstance(choice, str) and choice.lower() == value.lower():
                    return choice
        return value


class KnownValueFilter(filters.ChoiceFilter):
    """A filter whose value must be one of a list read from the database when asked (the
    register's codes, the codebook's slugs), in any case. Any other value is a 400 saying
    what to send, rather than an empty list that looks like "nothing matched", and the
    schema lists the values as an enum.

    `values` returns the allowed values; `invalid` is the 400's message.
    """

    field_class = _AnyCaseChoiceField

    def __init__(self, *, values: Callable[[], Iterable[str]], invalid: str, **kwargs: Any) -> None:
        self.values = values
        super().__init__(
            choices=lambda: [(value, value) for value in values()],
            error_messages={"invalid_choice": invalid},
            **kwargs,
        )

    @property
    def _spectacular_annotation(self) -> dict[str, Any]:
        """The parameter's schema for drf-spectacular: the values as they are now (none
        before the register is loaded: any value is then refused)."""
        schema: dict[str, Any] = {
            "type": "string",
            "description": str(self.extra.get("help_text", "")),
        }
        values = list(dict.fromkeys(self.values()))
        if values:
            schema["enum"] = values
        return {"field": schema}


class ApiFilterSet(filters.FilterSet):
    """The base of every list's filters.

    - `updated_since` on `updated_at`, for incremental sync.
    - A value a filter does not know is a 400 naming the parameter and saying what to send
      (DjangoFilterBackend turns the form's errors into the 400); a closed list's message
      lists its values.
    """

    updated_since = UpdatedSinceFilter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, filters.ChoiceFilter) and "error_messages" not in filter_.extra:
                values = ", ".join(str(value) for value, _label in filter_.extra["choices"])
                filter_.extra["error_messages"] = {
                    "invalid_choice": f"Send {name} as one of {values}, or leave it out."
                }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with `ApiFilterSet` for a view that declares no filters, so
    every list takes `updated_since`."""

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None or queryset is None:
            return filterset_class
        model = queryset.model

        class Meta:
            pass

        Meta.model = model  # type: ignore[attr-defined]
        Meta.fields = []  # type: ignore[attr-defined]
        return type(f"{model.__name__}Filter", (ApiFilterSet,), {"Meta": Meta})


class Search(SearchFilter):
    """`search`, on the lists that say what it searches (`search_fields`) and only there."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        if not getattr(view, "search_fields", None):
            return []
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        return parameters


class Ordering(OrderingFilter):
    """`ordering`: one of the view's `ordering_fields`, or the same with "-" for descending.

    Any other value is a 400 listing the allowed ones, where DRF would quietly ignore it, and
    the schema lists them as an enum. Records that sort alike keep a fixed order (by id), so
    pages do not overlap.
    """

    ordering_description = (
        "How to sort the results: a field, or the field with '-' in front for descending."
    )

    def allowed(self, view: Any) -> list[str]:
        fields = getattr(view, "ordering_fields", None) or []
        return [value for field in fields for value in (field, f"-{field}")]

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        value = request.query_params.get(self.ordering_param)
        if not value:  # left out, or sent empty as a form leaves it
            return self.get_default_ordering(view)
        allowed = self.allowed(view)
        if value.strip() not in allowed:
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Send ordering as one of {', '.join(allowed)}."]}
            )
        return [value.strip(), "-pk" if value.strip().startswith("-") else "pk"]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        allowed = self.allowed(view)
        if not allowed:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": self.ordering_description,
                "schema": {"type": "string", "enum": allowed},
            }
        ]
