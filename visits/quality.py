"""The data-quality checks of visits and their detailed feedback (`mash_survey.quality` sorts
and shows them): every record run through `visits.rules`, the rules the forms and services
run, in two queries whatever the number of visits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mash_survey import rules
from mash_survey.history import field_label
from mash_survey.quality import Problem, Summary, report, summary
from mash_survey.rules import Breach

from .models import DetailedFeedback, Visit
from .rules import feedback_record_breaches, visit_record_breaches


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, int):
        return rules.number_text(value)
    if hasattr(value, "isoformat"):
        return rules.in_words(value)
    text = str(value)
    return f"{rules.characters(text):,} characters" if len(text) > 60 else text


def _value(record: models.Model, breach: Breach) -> str:
    """The values the breach is about: one on its own, several with their labels."""
    model = type(record)
    if len(breach.fields) == 1:
        return _shown(getattr(record, breach.fields[0]))
    return "; ".join(
        f"{field_label(model, name)}: {_shown(getattr(record, name)) or 'Not answered'}"
        for name in breach.fields
    )


def _anchor(model: type[models.Model], name: str) -> str:
    """The id of the form's input for the field (the first radio, the day of a date)."""
    field = model._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return f"id_{name}_1"
    if isinstance(field, models.DateField):
        return f"id_{name}_0"
    return f"id_{name}"


def _problems(record: Visit | DetailedFeedback, breaches: list[Breach], edit: str) -> list[Problem]:
    model = type(record)
    return [
        Problem(
            model=model,
            pk=record.pk,
            record=str(record),
            field=breach.fields[0],
            field_label=field_label(model, breach.fields[0]),
            value=_value(record, breach),
            breach=breach,
            fix_url=f"{edit}#{_anchor(model, breach.fields[0])}",
        )
        for breach in breaches
    ]


def visit_problems(*, of: User | None = None) -> list[Problem]:
    """Every visit's and every feedback record's problems, in the order of the visits; with
    `of`, only visits that person recorded or recorded the feedback of."""
    found: list[Problem] = []
    visits = Visit.objects.select_related("region", "feedback").prefetch_related(
        "local_authorities"
    )
    if of is not None:
        visits = visits.filter(Q(created_by=of) | Q(feedback__created_by=of))
    for visit in visits:
        found += _problems(
            visit,
            visit_record_breaches(visit),
            reverse("visits:edit", kwargs={"pk": visit.pk}),
        )
        feedback = getattr(visit, "feedback", None)
        if feedback is not None:
            found += _problems(
                feedback,
                feedback_record_breaches(feedback),
                reverse("visits:feedback_edit", kwargs={"pk": visit.pk}),
            )
    return found


def visit_summaries() -> list[Summary]:
    return [
        summary(
            "Visits and detailed feedback", reverse("visits:data_quality"), report(visit_problems())
        )
    ]
