"""Redaction: a reviewer takes a passage out of a record and every saved version of it, with a
reason; the history and the redaction log say who, when, why and which versions, never the
passage."""

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from case_studies.models import CaseStudy, KeyFact, Section
from case_studies.queries import HISTORY_PARTS
from case_studies.services import KeyFactContent, SectionContent, case_study_update
from mash_survey import history
from mash_survey.models import Redaction
from mash_survey.redaction import REDACTED, RedactionError, redact
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory, StaffFactory
from visits.models import Visit
from visits.services import record_return, record_submit

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"
LEAK = f"Child A (NHS number {NHS}) was discussed at the strategy meeting."


def _all_texts(model: Any, **rows: Any) -> str:
    """Every text stored for the rows, live and in history, joined: what a leak hides in."""
    texts: list[str] = []
    for table in (model, model.history.model):
        for row in table._default_manager.filter(**rows).values():
            texts.extend(str(v) for v in row.values() if isinstance(v, str))
    return "\n".join(texts)


@pytest.fixture
def author() -> User:
    return StaffFactory.create(first_name="Sam", last_name="Okafor")


@pytest.fixture
def visit(author: User, reviewer_user: User) -> Visit:
    """A visit whose NHS number is in version 1's notes, gone from them in version 2, and
    quoted in the reviewer's comment and reason of version 4 (returned)."""
    from tests.visits.factories import VisitFactory

    region = RegionFactory.create()
    visit = VisitFactory.create(
        created_by=author,
        region=region,
        local_authorities=[LocalAuthorityFactory.create(region=region)],
        notes=f"Opening notes.\n{LEAK}",
    )
    history.save(visit, user=author, reason="Created")  # version 1
    visit.notes = "Opening notes."
    history.claim_version(visit, seen_version=None)
    history.save(visit, user=author, reason="Changed")  # version 2
    visit = record_submit(record=visit, user=author)  # version 3
    return record_return(record=visit, user=reviewer_user, comment=f"Take out {NHS} everywhere.")


def test_redaction_removes_the_passage_from_the_record_and_every_version(
    visit: Visit, reviewer_user: User
) -> None:
    assert NHS in _all_texts(Visit, id=visit.pk)

    entry = redact(visit, NHS, user=reviewer_user, reason="A child's NHS number was typed in.")

    assert NHS not in _all_texts(Visit, id=visit.pk)
    visit.refresh_from_db()
    assert REDACTED in visit.reviewer_comment
    old_notes = Visit.history.filter(id=visit.pk).order_by("history_id").first().notes
    assert old_notes == f"Opening notes.\nChild A (NHS number {REDACTED}) was discussed at the " + (
        "strategy meeting."
    )
    # The log and the history say who, why and which versions, but not the passage.
    assert entry.redacted_by == reviewer_user
    assert entry.reason == "A child's NHS number was typed in."
    assert entry.versions == [1, 4]
    assert entry.object_id == visit.pk
    assert NHS not in str(Redaction.objects.values().get())
    latest = visit.history.first()
    assert latest.history_user == reviewer_user
    assert latest.history_change_reason == (
        "Passage redacted from versions 1 and 4: A child's NHS number was typed in."
    )
    assert latest.version == visit.version == 5


def test_a_case_study_is_redacted_in_its_sections_and_key_facts_too(
    reviewer_user: User, author: User
) -> None:
    case_study = CaseStudyFactory.create(created_by=author)
    history.save(case_study, user=author, reason="Created")
    case_study_update(
        case_study=case_study,
        user=author,
        seen_version=case_study.version,
        title=case_study.title,
        slug=case_study.slug,
        local_authorities=[],
        model=case_study.model,
        summary="A hub that shares early.",
        sections=[SectionContent("Referral pathway", f"Contacts such as {LEAK}")],
        key_facts=[KeyFactContent("Example", f"NHS number {NHS}")],
    )

    redact(
        case_study,
        NHS,
        user=reviewer_user,
        reason="An identifier in a section and a key fact.",
        parts=HISTORY_PARTS,
    )

    for model in (Section, KeyFact):
        assert NHS not in _all_texts(model, case_study=case_study)
    assert Section.objects.get(case_study=case_study).body.endswith(
        f"(NHS number {REDACTED}) was discussed at the strategy meeting."
    )
    assert NHS not in _all_texts(CaseStudy, id=case_study.pk)


@pytest.mark.parametrize(
    ("passage", "reason", "message"),
    [
        ("", "An identifier.", "Enter the passage to redact, at least 3 characters"),
        ("94", "An identifier.", "Enter the passage to redact, at least 3 characters"),
        (NHS, "  ", "Enter why the passage is being redacted"),
        (NHS, f"It said {NHS}.", "Enter a reason that does not repeat the passage"),
        ("Birmingham", "Not there.", "The passage is not in this visit or its history"),
    ],
)
def test_a_redaction_that_cannot_be_done_says_why_and_changes_nothing(
    visit: Visit, reviewer_user: User, passage: str, reason: str, message: str
) -> None:
    before = _all_texts(Visit, id=visit.pk)

    with pytest.raises(RedactionError, match=message):
        redact(visit, passage, user=reviewer_user, reason=reason)

    assert _all_texts(Visit, id=visit.pk) == before
    assert not Redaction.objects.exists()


def test_only_a_reviewer_can_redact(visit: Visit, author: User) -> None:
    with pytest.raises(RedactionError, match="Only a reviewer can redact a passage"):
        redact(visit, NHS, user=author, reason="I typed it in by mistake.")
    assert NHS in _all_texts(Visit, id=visit.pk)


def test_a_redaction_is_all_or_nothing(visit: Visit, reviewer_user: User) -> None:
    before = _all_texts(Visit, id=visit.pk)

    with (
        mock.patch.object(Redaction.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        redact(visit, NHS, user=reviewer_user, reason="A child's NHS number.")

    assert _all_texts(Visit, id=visit.pk) == before


def test_an_edit_started_before_the_redaction_cannot_put_the_passage_back(
    visit: Visit, reviewer_user: User, author: User
) -> None:
    from visits.services import visit_update

    seen = visit.version
    redact(visit, NHS, user=reviewer_user, reason="A child's NHS number.")

    with pytest.raises(history.StaleEditError):
        visit_update(
            visit=visit,
            user=author,
            seen_version=seen,
            visit_date=visit.visit_date,
            region=visit.region,
            local_authorities=list(visit.local_authorities.all()),
            model_seen=visit.model_seen,
            agencies={},
            visiting_team=[],
            notes=f"Back again: {NHS}",
        )


# ----- The pages --------------------------------------------------------------------------


def test_a_reviewer_redacts_from_the_history_page(
    visit: Visit, reviewer_client: Client, reviewer_user: User
) -> None:
    history_url = reverse("visits:history", kwargs={"pk": visit.pk})
    redact_url = reverse("visits:redact", kwargs={"pk": visit.pk})
    assert redact_url in reviewer_client.get(history_url).content.decode()

    page = reviewer_client.get(redact_url).content.decode()
    assert f"{NHS} (NHS number)" in page  # found in the history, offered to choose

    response = reviewer_client.post(
        redact_url,
        {"passage": NHS, "reason": "A child's NHS number.", "version": visit.version},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == history_url
    page = response.content.decode()
    assert NHS not in page
    assert "The passage is redacted from the visit and from versions 1 and 4." in page
    assert "Passage redacted from versions 1 and 4: A child&#x27;s NHS number." in page


def test_another_passage_can_be_typed_and_problems_are_shown(
    visit: Visit, reviewer_client: Client
) -> None:
    redact_url = reverse("visits:redact", kwargs={"pk": visit.pk})

    missing = reviewer_client.post(redact_url, {"passage": "other", "version": visit.version})
    page = missing.content.decode()
    assert missing.status_code == 200
    assert "Error: Redact a passage" in page
    assert "Enter the passage to redact, exactly as it appears" in page
    assert "Enter why the passage is being redacted" in page

    typed = reviewer_client.post(
        redact_url,
        {
            "passage": "other",
            "other": "Child A",
            "reason": "A child's initial.",
            "version": visit.version,
        },
    )
    assert typed.status_code == 302
    assert "Child A" not in _all_texts(Visit, id=visit.pk)


def test_a_redaction_from_an_old_page_is_refused(visit: Visit, reviewer_client: Client) -> None:
    response = reviewer_client.post(
        reverse("visits:redact", kwargs={"pk": visit.pk}),
        {"passage": NHS, "reason": "A child's NHS number.", "version": visit.version - 1},
    )
    assert "changed by someone else" in response.content.decode()
    assert NHS in _all_texts(Visit, id=visit.pk)


def test_staff_cannot_redact_or_see_the_link(visit: Visit, staff_client: Client) -> None:
    redact_url = reverse("visits:redact", kwargs={"pk": visit.pk})
    history_page = staff_client.get(reverse("visits:history", kwargs={"pk": visit.pk}))
    assert redact_url not in history_page.content.decode()
    assert staff_client.get(redact_url).status_code == 403
    response = staff_client.post(redact_url, {"passage": NHS, "reason": "Mine."})
    assert response.status_code == 403
    assert NHS in _all_texts(Visit, id=visit.pk)


def test_case_study_and_feedback_history_pages_offer_redaction(reviewer_client: Client) -> None:
    from tests.visits.factories import DetailedFeedbackFactory

    case_study = CaseStudyFactory.create(summary=f"See {LEAK}")
    history.save(case_study, user=None, reason="Created")
    url = reverse("case_studies:redact", kwargs={"slug": case_study.slug})
    assert (
        url
        in reviewer_client.get(
            reverse("case_studies:history", kwargs={"slug": case_study.slug})
        ).content.decode()
    )
    response = reviewer_client.post(
        url, {"passage": NHS, "reason": "An NHS number.", "version": case_study.version}
    )
    assert response.status_code == 302
    assert NHS not in _all_texts(CaseStudy, id=case_study.pk)

    feedback = DetailedFeedbackFactory.create(barriers=LEAK)
    history.save(feedback, user=None, reason="Created")
    url = reverse("visits:feedback_redact", kwargs={"pk": feedback.visit_id})
    response = reviewer_client.post(
        url, {"passage": NHS, "reason": "An NHS number.", "version": feedback.version}
    )
    assert response.status_code == 302
    assert NHS not in _all_texts(type(feedback), id=feedback.pk)


def test_administrators_list_every_redaction(
    visit: Visit, reviewer_user: User, admin_client: Client
) -> None:
    redact(visit, NHS, user=reviewer_user, reason="A child's NHS number.")
    other = ReviewerFactory.create()
    redact(visit, "Opening notes", user=other, reason="Not needed.")

    page = admin_client.get(reverse("admin:mash_survey_redaction_changelist")).content.decode()

    assert "2 redactions" in page
    assert "A child&#x27;s NHS number." in page and "Not needed." in page
    assert NHS not in page
    assert admin_client.get(reverse("admin:mash_survey_redaction_add")).status_code == 403


def test_a_survey_return_is_redacted_in_its_answers(
    reviewer_client: Client, staff_user: User
) -> None:
    from surveys.models import Answer, QuestionKind, Response
    from tests.surveys.factories import SurveyFactory, add_question

    survey = SurveyFactory.create()
    question = add_question(survey, "Q9", QuestionKind.FREE_TEXT)
    authority = LocalAuthorityFactory.create()
    response = Response.objects.create(survey=survey, local_authority=authority)
    with history.change(user=staff_user):
        answer = Answer.objects.create(response=response, question=question, text=LEAK)
        history.save(response, user=staff_user, reason="Saved")
    answer.text = "Nothing to add."
    history.save(answer, user=staff_user)
    history_url = reverse(
        "surveys:return_history", kwargs={"slug": survey.slug, "area": authority.slug}
    )
    url = reverse("surveys:return_redact", kwargs={"slug": survey.slug, "area": authority.slug})
    assert url in reviewer_client.get(history_url).content.decode()

    response_page = reviewer_client.post(
        url, {"passage": NHS, "reason": "An NHS number.", "version": response.version}
    )

    assert response_page.status_code == 302
    assert NHS not in _all_texts(Answer, response=response)


def test_a_redaction_clears_the_identifiers_marker(author: User, reviewer_user: User) -> None:
    from tests.visits.factories import VisitFactory

    visit = VisitFactory.create(created_by=author, notes=LEAK)
    history.save(visit, user=author, reason="Saved")
    visit.refresh_from_db()
    assert visit.identifiers_found == 1

    redact(visit, NHS, user=reviewer_user, reason="A child's NHS number was typed in.")

    visit.refresh_from_db()
    assert visit.identifiers_found == 0
