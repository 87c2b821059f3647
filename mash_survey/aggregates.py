"""Counts as correlated subqueries: one small query per outer row, over only the rows counted.

Two `Count(..., distinct=True)` over different to-many relations in one query join both, so
the database counts their product (a survey's returns times its questions) and throws most of
it away. Each count written as its own subquery reads only its own rows, and an index on the
relation's key answers it.

    Survey.objects.annotate(
        question_count=subquery_count(Question.objects.filter(survey=OuterRef("pk"))),
    )
"""

from typing import Any

from django.db.models import Count, Expression, F, IntegerField, QuerySet, Subquery, Value


def subquery_count(
    queryset: QuerySet[Any, Any],
    expression: str | Expression | None = None,
    *,
    distinct: bool = False,
) -> Subquery:
    """How many rows `queryset` has (filtered on `OuterRef`s to the annotated row), or with
    `expression` how many non-null values of it (`distinct`: different values): 0 for none.

    Grouped by a constant, which the database does not group by: one row whatever matches.
    Without `expression` it is COUNT(*), which an index on the filtered columns answers
    alone."""
    counted: Any
    if expression is None:
        counted = "*"
    else:
        counted = expression if isinstance(expression, Expression) else F(expression)
    return Subquery(
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count(counted, distinct=distinct))
        .values("n"),
        output_field=IntegerField(),
    )
