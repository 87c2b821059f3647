"""The codebook's counts on a small data set whose answers are known: excerpts, distinct
visits, distinct areas and distinct regions, across every kind of source."""

import pytest
from django.contrib.auth.models import User

from findings import queries, reports, services, sources
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat

from .coded import NOTES, agreed, code, draft
from .factories import (
    ThemeFactory,
    approved_feedback,
    approved_visit,
    published_section,
    submitted_answer,
)

pytestmark = pytest.mark.django_db

TEXT = "Co-location was the key success factor, with a shared triage scheme."


def _code(source: sources.Source, user: User, *themes: object) -> None:
    services.excerpt_paste(source=source, passage="Co-location", themes=themes, user=user)  # type: ignore[arg-type]


def test_counts_are_distinct_visits_areas_and_regions(staff_user: User) -> None:
    north, south = RegionFactory.create(), RegionFactory.create()
    a, b = LocalAuthorityFactory.create(region=north), LocalAuthorityFactory.create(region=north)
    c = LocalAuthorityFactory.create(region=south)
    d = LocalAuthorityFactory.create(region=south)  # returned the survey, never visited
    structure, other = ThemeFactory.create(name="Structure"), ThemeFactory.create(name="Other")
    joint_visit = approved_visit(authorities=[a, b], notes=TEXT)  # one visit to two areas
    _code(sources.visit_source(joint_visit), staff_user, structure, other)
    feedback = approved_feedback(visit=joint_visit, barriers=TEXT)  # the same visit again
    _code(sources.feedback_source(feedback, "barriers"), staff_user, structure)
    _code(
        sources.section_source(published_section(body=TEXT, authorities=[b])), staff_user, structure
    )
    _code(sources.answer_source(submitted_answer(TEXT, authority=d)), staff_user, structure)
    _code(sources.visit_source(approved_visit(authorities=[c], notes=TEXT)), staff_user, other)

    counts = {
        t.name: (
            t.excerpt_count,  # type: ignore[attr-defined]
            t.visit_count,  # type: ignore[attr-defined]
            t.area_count,  # type: ignore[attr-defined]
            t.visited_area_count,  # type: ignore[attr-defined]
            t.region_count,  # type: ignore[attr-defined]
        )
        for t in queries.codebook()
    }

    # Structure: 4 excerpts; 1 visit (the notes and the feedback are the same visit; the case
    # study has none; a survey answer is not a visit); areas a, b (visit) and d (answer), of
    # which a and b were visited.
    assert counts["Structure"] == (4, 1, 3, 2, 2)
    assert counts["Other"] == (2, 2, 3, 3, 2)
    assert queries.areas_visited() == 3


def test_the_codebook_takes_the_same_queries_however_much_is_coded(staff_user: User) -> None:
    themes = [ThemeFactory.create() for _ in range(3)]

    def grow() -> None:
        for _ in range(3):
            _code(sources.visit_source(approved_visit(notes=TEXT)), staff_user, *themes)

    grow()
    assert_query_count_flat(queries.codebook, grow=grow)
    theme = themes[0]
    assert_query_count_flat(lambda: list(queries.excerpts_of_theme(theme)), grow=grow)


def test_a_finding_counts_two_visits_to_one_area_as_one_area_and_its_question_once(
    staff_user: User,
) -> None:
    area = LocalAuthorityFactory.create()
    theme = ThemeFactory.create()
    excerpts = [
        code(
            sources.visit_source(approved_visit(authorities=[area], notes=NOTES)), staff_user, theme
        )
        for _ in range(2)
    ]
    question = submitted_answer(TEXT, authority=area).question
    finding = draft(theme, staff_user, excerpts)
    services.finding_cite(finding=finding, user=staff_user, excerpts=excerpts, questions=[question])

    row = next(r for r in reports.findings_report([]).rows if r.label == finding.headline)

    # Excerpts, visits, areas, regions, survey questions.
    assert row.cells[2:] == [2, 2, 1, 1, 1]
    shown = queries.finding_for_manage(finding.pk)
    assert (shown.excerpt_count, shown.visit_count, shown.area_count) == (2, 2, 1)  # type: ignore[attr-defined]


def test_a_theme_counts_its_agreed_findings_once_however_much_evidence_they_cite(
    staff_user: User,
) -> None:
    theme = ThemeFactory.create()
    excerpts = [
        code(
            sources.visit_source(
                approved_visit(authorities=[LocalAuthorityFactory.create()], notes=NOTES)
            ),
            staff_user,
            theme,
        )
        for _ in range(3)
    ]
    agreed(theme, staff_user, excerpts, headline="First")
    agreed(theme, staff_user, excerpts[:2], headline="Second")
    draft(theme, staff_user, excerpts, headline="Not agreed yet")

    (listed,) = [t for t in queries.codebook() if t.pk == theme.pk]

    assert (listed.excerpt_count, listed.area_count, listed.finding_count) == (3, 3, 2)  # type: ignore[attr-defined]
    (public,) = queries.public_themes()
    assert (public.excerpt_count, public.finding_count) == (3, 2)  # type: ignore[attr-defined]
