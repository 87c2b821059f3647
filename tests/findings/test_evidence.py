"""Coded evidence: an excerpt belongs to exactly one citable source, its quote is at its
offsets when saved, and it is stale whenever its source changes or stops being citable, by
whatever path."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from case_studies import services as case_study_services
from findings import services, sources
from findings.models import Clearance, Coding, Excerpt, Theme, ThemeStatus
from findings.services import AmbiguousPassageError, FindingsError
from surveys.models import ResponseStatus
from surveys.services import response_reopen
from tests.factories import ReviewerFactory
from visits.models import ReviewStatus

from .factories import (
    ThemeFactory,
    approved_feedback,
    approved_visit,
    published_section,
    submitted_answer,
)

pytestmark = pytest.mark.django_db

NOTES = (
    "Police and children's social care sit together in the hub. "
    "Co-location was the key success factor: decisions take hours, not days."
)
PASSAGE = "Co-location was the key success factor"


def _code(source: sources.Source, passage: str, user: User, *themes: Theme) -> Excerpt:
    start = source.text.index(passage)
    return services.excerpt_create(
        source=source,
        start=start,
        end=start + len(passage),
        themes=list(themes) or [ThemeFactory.create()],
        user=user,
    )


def _state(excerpt: Excerpt) -> str:
    rows = sources.with_state(Excerpt.objects.filter(pk=excerpt.pk))
    return str(rows.values_list("stale", flat=True).get())  # type: ignore[misc]  # annotated


# ----- The database's rules -------------------------------------------------------------


def test_an_excerpt_has_exactly_one_source(staff_user: User) -> None:
    visit = approved_visit(notes=NOTES)
    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user)
    section = published_section()

    with pytest.raises(IntegrityError), transaction.atomic():
        Excerpt.objects.filter(pk=excerpt.pk).update(section=section)
    with pytest.raises(IntegrityError), transaction.atomic():
        Excerpt.objects.filter(pk=excerpt.pk).update(visit=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Excerpt.objects.filter(pk=excerpt.pk).update(feedback_field="barriers")


def test_a_coded_source_cannot_be_deleted(staff_user: User) -> None:
    from django.db.models import ProtectedError

    visit = approved_visit(notes=NOTES)
    _code(sources.visit_source(visit), PASSAGE, staff_user)
    with pytest.raises(ProtectedError):
        visit.delete()


def test_a_theme_is_coded_once_per_excerpt(staff_user: User) -> None:
    theme = ThemeFactory.create()
    excerpt = _code(sources.visit_source(approved_visit(notes=NOTES)), PASSAGE, staff_user, theme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Coding.objects.create(excerpt=excerpt, theme=theme, coded_at=timezone.now())


# ----- Coding ----------------------------------------------------------------------------


def test_coding_keeps_the_offsets_the_quote_and_the_source_version(staff_user: User) -> None:
    visit = approved_visit(notes=NOTES)
    themes = [ThemeFactory.create(), ThemeFactory.create()]

    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user, *themes)

    assert visit.notes[excerpt.start : excerpt.end] == excerpt.quote == PASSAGE
    assert excerpt.source_version == visit.version
    assert excerpt.coded_by == staff_user
    assert set(excerpt.themes.all()) == set(themes)
    assert excerpt.clearance == Clearance.NOT_FOR_PUBLICATION
    assert _state(excerpt) == sources.STANDS


@pytest.mark.parametrize(
    "make",
    [
        lambda: sources.visit_source(approved_visit(notes=NOTES)),
        lambda: sources.feedback_source(approved_feedback(barriers=NOTES), "barriers"),
        lambda: sources.section_source(published_section(body=NOTES)),
        lambda: sources.answer_source(submitted_answer(NOTES)),
    ],
    ids=["visit", "feedback", "case study", "survey answer"],
)
def test_every_kind_of_citable_source_can_be_coded(make: Any, staff_user: User) -> None:
    excerpt = _code(make(), PASSAGE, staff_user)
    assert excerpt.quote == PASSAGE
    assert _state(excerpt) == sources.STANDS


def test_a_published_case_study_is_cleared_to_name_the_area_by_default(staff_user: User) -> None:
    excerpt = _code(sources.section_source(published_section(body=NOTES)), PASSAGE, staff_user)
    assert excerpt.clearance == Clearance.AREA


def test_only_citable_sources_can_be_coded(staff_user: User) -> None:
    visit = approved_visit(notes=NOTES)
    visit.status = ReviewStatus.SUBMITTED
    visit.save()
    with pytest.raises(FindingsError, match="Only approved visits and feedback"):
        _code(sources.visit_source(visit), PASSAGE, staff_user)
    assert not Excerpt.objects.exists()


def test_a_retired_theme_takes_no_new_coding(staff_user: User) -> None:
    theme = ThemeFactory.create(status=ThemeStatus.RETIRED)
    with pytest.raises(FindingsError, match="is retired"):
        _code(sources.visit_source(approved_visit(notes=NOTES)), PASSAGE, staff_user, theme)


def test_a_pasted_passage_is_found_once_twice_or_not_at_all(staff_user: User) -> None:
    visit = approved_visit(notes=NOTES + " Hours, not days.")
    source = sources.visit_source(visit)
    themes = [ThemeFactory.create()]

    excerpt = services.excerpt_paste(source=source, passage=PASSAGE, themes=themes, user=staff_user)
    assert (excerpt.start, excerpt.quote) == (NOTES.index(PASSAGE), PASSAGE)

    with pytest.raises(AmbiguousPassageError) as twice:
        services.excerpt_paste(source=source, passage="not days", themes=themes, user=staff_user)
    assert twice.value.count == 2
    second = services.excerpt_paste(
        source=source, passage="not days", themes=themes, user=staff_user, occurrence=2
    )
    assert second.start == visit.notes.rindex("not days")

    with pytest.raises(FindingsError, match="The passage is not in the notes"):
        services.excerpt_paste(
            source=source, passage="Health were not involved", themes=themes, user=staff_user
        )


# ----- Stale evidence --------------------------------------------------------------------


def test_an_edit_through_the_service_makes_the_excerpt_stale(
    staff_user: User, reviewer_user: User
) -> None:
    from visits.services import record_return, record_submit, visit_update

    author = staff_user
    visit = approved_visit(notes=NOTES)
    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user)
    # An approved visit cannot be changed: it has to come back through review.
    visit.status = ReviewStatus.SUBMITTED
    visit.save()
    visit = record_return(record=visit, user=reviewer_user, comment="Add the health partners.")
    assert _state(excerpt) == sources.NOT_CITABLE

    visit = visit_update(
        visit=visit,
        user=author,
        seen_version=visit.version,
        visit_date=visit.visit_date,
        region=visit.region,
        local_authorities=list(visit.local_authorities.all()),
        model_seen=visit.model_seen,
        agencies={},
        visiting_team=[],
        notes="Health joined in 2012. " + NOTES,
    )
    visit = record_submit(record=visit, user=author)
    from visits.services import record_approve

    record_approve(record=visit, user=ReviewerFactory.create())
    assert _state(excerpt) == sources.MOVED


def test_an_edit_in_the_admin_makes_the_excerpt_stale(
    staff_user: User, admin_client: Client
) -> None:
    visit = approved_visit(notes=NOTES)
    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user)
    # The admin saves through the model as any direct edit does: the state is read, not kept.
    visit.notes = NOTES.replace("key success factor", "main reason it works")
    visit.save()
    assert _state(excerpt) == sources.GONE


def test_a_survey_reimport_makes_an_answer_excerpt_stale(staff_user: User) -> None:
    answer = submitted_answer(NOTES)
    excerpt = _code(sources.answer_source(answer), PASSAGE, staff_user)
    answer.text = "We have no hub yet."
    answer.save()
    assert _state(excerpt) == sources.GONE


def test_reopening_a_return_or_withdrawing_a_case_study_makes_evidence_stale(
    staff_user: User, reviewer_user: User
) -> None:
    answer = submitted_answer(NOTES)
    from_answer = _code(sources.answer_source(answer), PASSAGE, staff_user)
    response_reopen(
        response=answer.response, user=reviewer_user, reason="The area sent a corrected return."
    )
    assert answer.response.__class__.objects.get().status == ResponseStatus.DRAFT
    assert _state(from_answer) == sources.NOT_CITABLE

    section = published_section(body=NOTES)
    from_section = _code(sources.section_source(section), PASSAGE, staff_user)
    case_study_services.case_study_withdraw(
        case_study=section.case_study, user=reviewer_user, notice="The hub has closed."
    )
    assert _state(from_section) == sources.NOT_CITABLE


def test_clearing_a_coded_answer_keeps_it_so_the_evidence_shows_stale(
    staff_user: User, reviewer_user: User
) -> None:
    from surveys.services import write_answers
    from surveys.values import AnswerValue

    answer = submitted_answer(NOTES)
    excerpt = _code(sources.answer_source(answer), PASSAGE, staff_user)
    write_answers(response=answer.response, values={answer.question: AnswerValue()})
    answer.refresh_from_db()
    assert answer.text == ""
    assert _state(excerpt) == sources.GONE


def test_a_moved_quote_is_re_anchored_and_a_gone_one_re_confirmed(staff_user: User) -> None:
    visit = approved_visit(notes=NOTES)
    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user)
    visit.notes = "Since 2012: " + NOTES
    visit.version += 1
    visit.save()
    assert _state(excerpt) == sources.MOVED

    excerpt = services.excerpt_reanchor(excerpt=excerpt, user=staff_user)
    assert visit.notes[excerpt.start : excerpt.end] == PASSAGE
    assert excerpt.source_version == visit.version
    assert _state(excerpt) == sources.STANDS
    assert excerpt.history.first().history_change_reason == "Re-anchored to the changed source"

    visit.notes = "Sitting together was what made it work."
    visit.save()
    assert _state(excerpt) == sources.GONE
    with pytest.raises(FindingsError, match="no longer in the source"):
        services.excerpt_reanchor(excerpt=excerpt, user=staff_user)
    excerpt = services.excerpt_reconfirm(excerpt=excerpt, user=staff_user, start=0, end=17)
    assert excerpt.quote == "Sitting together "[:17]
    assert _state(excerpt) == sources.STANDS


# ----- Themes ----------------------------------------------------------------------------


def test_merging_moves_every_coding_and_finding_and_retires_the_theme(
    staff_user: User, reviewer_user: User
) -> None:
    old, keep = ThemeFactory.create(name="Co-location"), ThemeFactory.create(name="Structure")
    child = ThemeFactory.create(name="Shared office", parent=old)
    visit = approved_visit(notes=NOTES)
    only_old = _code(sources.visit_source(visit), PASSAGE, staff_user, old)
    both = _code(sources.visit_source(visit), "decisions take hours", staff_user, old, keep)
    finding = services.finding_create(
        user=staff_user, theme=old, headline="Co-location helps", statement="Most areas say so."
    )

    services.theme_merge(theme=old, into=keep, user=reviewer_user)

    old.refresh_from_db()
    assert old.status == ThemeStatus.RETIRED and old.merged_into == keep
    assert list(only_old.themes.all()) == [keep]
    assert list(both.themes.all()) == [keep]
    finding.refresh_from_db()
    child.refresh_from_db()
    assert finding.theme == keep and child.parent == keep
    assert old.history.first().history_change_reason == "Merged into Structure"
    assert keep.history.first().history_change_reason == "Co-location merged in (2 codings)"


def test_a_coded_theme_is_retired_never_deleted(staff_user: User, reviewer_user: User) -> None:
    theme = ThemeFactory.create()
    _code(sources.visit_source(approved_visit(notes=NOTES)), PASSAGE, staff_user, theme)
    with pytest.raises(FindingsError, match="retire it instead"):
        services.theme_delete(theme=theme, user=reviewer_user)
    services.theme_retire(theme=theme, user=reviewer_user)
    theme.refresh_from_db()
    assert theme.status == ThemeStatus.RETIRED

    unused = ThemeFactory.create()
    services.theme_delete(theme=unused, user=reviewer_user)
    assert not Theme.objects.filter(pk=unused.pk).exists()


def test_sub_themes_are_one_level_deep(staff_user: User) -> None:
    parent = services.theme_create(user=staff_user, name="Governance", definition="Boards.")
    child = services.theme_create(
        user=staff_user, name="Boards", definition="Who chairs.", parent=parent
    )
    with pytest.raises(FindingsError, match="is itself a sub-theme"):
        services.theme_create(user=staff_user, name="Chairs", definition="x", parent=child)
    with pytest.raises(FindingsError, match="cannot be a theme's web address"):
        services.theme_create(user=staff_user, name="New", definition="A theme named New.")
    with pytest.raises(FindingsError, match="already a theme called Governance"):
        services.theme_create(user=staff_user, name="governance", definition="Again.")


# ----- Findings --------------------------------------------------------------------------


def test_a_finding_is_agreed_by_someone_else_with_evidence_none_stale(
    staff_user: User, reviewer_user: User
) -> None:
    theme = ThemeFactory.create()
    visit = approved_visit(notes=NOTES)
    excerpt = _code(sources.visit_source(visit), PASSAGE, staff_user, theme)
    writer = ReviewerFactory.create()
    finding = services.finding_create(
        user=writer, theme=theme, headline="Co-location helps", statement="Areas say so."
    )

    with pytest.raises(FindingsError, match="Cite at least one piece of evidence"):
        services.finding_agree(finding=finding, user=reviewer_user)
    finding = services.finding_cite(finding=finding, user=writer, excerpts=[excerpt])
    with pytest.raises(FindingsError, match="Someone else must review this finding"):
        services.finding_agree(finding=finding, user=writer)

    visit.notes = "Changed."
    visit.save()
    with pytest.raises(FindingsError, match="evidence is stale"):
        services.finding_agree(finding=finding, user=reviewer_user)
    visit.notes = NOTES
    visit.save()

    finding = services.finding_agree(finding=finding, user=reviewer_user)
    assert finding.status == "agreed" and finding.agreed_by == reviewer_user


def test_a_quote_with_an_identifier_is_never_cleared(staff_user: User, reviewer_user: User) -> None:
    visit = approved_visit(notes="The child, NHS number 943 476 5919, was seen in the hub.")
    excerpt = _code(sources.visit_source(visit), "NHS number 943 476 5919", staff_user)

    with pytest.raises(FindingsError, match="holds a possible NHS number, so it cannot be cleared"):
        services.excerpt_clear(excerpt=excerpt, user=reviewer_user, clearance=Clearance.REGION)
    with pytest.raises(FindingsError, match="Only a reviewer"):
        services.excerpt_clear(excerpt=excerpt, user=staff_user, clearance=Clearance.REGION)
    excerpt.refresh_from_db()
    assert excerpt.clearance == Clearance.NOT_FOR_PUBLICATION


def test_a_finding_is_agreed_by_nobody_who_changed_it(staff_user: User) -> None:
    theme = ThemeFactory.create()
    excerpt = _code(sources.visit_source(approved_visit(notes=NOTES)), PASSAGE, staff_user, theme)
    finding = services.finding_create(
        user=staff_user, theme=theme, headline="Co-location helps", statement="Areas say so."
    )
    editor = ReviewerFactory.create()
    finding = services.finding_cite(finding=finding, user=editor, excerpts=[excerpt])

    with pytest.raises(FindingsError, match="Someone else must review this finding"):
        services.finding_agree(finding=finding, user=editor)
    services.finding_agree(finding=finding, user=ReviewerFactory.create())


def test_a_redaction_of_the_source_redacts_the_quote_and_marks_it_stale(
    staff_user: User, reviewer_user: User
) -> None:
    from mash_survey.redaction import redact

    nhs = "943 476 5919"
    visit = approved_visit(notes=f"The child (NHS number {nhs}) was discussed. {NOTES}")
    excerpt = _code(sources.visit_source(visit), f"(NHS number {nhs}) was discussed", staff_user)
    section = published_section(body=f"Referral for NHS number {nhs} came by phone.")
    from_section = _code(sources.section_source(section), f"NHS number {nhs}", staff_user)

    redact(visit, nhs, user=reviewer_user, reason="A child's NHS number in the notes.")
    from case_studies.queries import HISTORY_PARTS

    redact(
        section.case_study,
        nhs,
        user=reviewer_user,
        reason="A child's NHS number in a section.",
        parts=HISTORY_PARTS,
    )

    for quoted in (excerpt, from_section):
        quoted.refresh_from_db()
        assert nhs not in quoted.quote
        assert all(nhs not in row.quote for row in quoted.history.all())
        assert _state(quoted) == sources.REDACTED
