"""A survey re-import that changes or clears a coded free-text answer leaves its excerpt
stale (the import writes answers through its own path, with no hook for findings)."""

import pytest
from django.contrib.auth.models import User

from findings import services, sources
from findings.models import Excerpt
from surveys.imports import survey_import_apply
from surveys.models import Answer
from tests.surveys.import_files import GATESHEAD, HEADER, csv_file, make_setup

from .factories import ThemeFactory

pytestmark = pytest.mark.django_db

SHARED_IT = "Shared IT"


def _state(excerpt: Excerpt) -> str:
    rows = sources.with_state(Excerpt.objects.filter(pk=excerpt.pk))
    return str(rows.values_list("stale", flat=True).get())  # type: ignore[misc]  # annotated


def _coded_answer(user: User) -> Excerpt:
    setup = make_setup()
    survey_import_apply(
        survey=setup.survey, file_name="first.csv", content=csv_file([HEADER, GATESHEAD]), user=user
    )
    answer = Answer.objects.get(question__code="Q6")
    return services.excerpt_paste(
        source=sources.answer_source(answer),
        passage=SHARED_IT,
        themes=[ThemeFactory.create()],
        user=user,
    )


@pytest.mark.parametrize(
    ("q6", "state"),
    [("Separate systems, shared by email", sources.GONE), ("", sources.GONE)],
    ids=["changed", "cleared"],
)
def test_a_reimport_that_changes_the_answer_makes_its_excerpt_stale(
    staff_user: User, q6: str, state: str
) -> None:
    excerpt = _coded_answer(staff_user)
    assert _state(excerpt) == sources.STANDS
    survey = excerpt.answer.response.survey  # type: ignore[union-attr]

    survey_import_apply(
        survey=survey,
        file_name="second.csv",
        content=csv_file([HEADER, [*GATESHEAD[:-1], q6]]),
        user=staff_user,
    )

    assert _state(excerpt) == state
    assert Excerpt.objects.filter(pk=excerpt.pk).exists()
