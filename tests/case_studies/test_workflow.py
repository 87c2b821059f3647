"""The case study workflow in the services: who may move it on, and the identifier guard."""

import pytest

from case_studies import services
from case_studies.models import CaseStudy, CaseStudyStatus
from mash_survey.errors import StaleEditError
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

NHS_NUMBER_TEXT = "The child, NHS number 943 476 5919, was seen by the MASH within the hour."


def _content(**overrides: object) -> dict[str, object]:
    content: dict[str, object] = {
        "title": "Early sharing in a county MASH",
        "slug": "early-sharing",
        "local_authorities": [LocalAuthorityFactory.create()],
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "sections": [services.SectionContent("Context", "A county MASH since 2011.")],
        "key_facts": [services.KeyFactContent("Established", "October 2011")],
    }
    content.update(overrides)
    return content


def test_staff_create_a_draft_with_its_sections_and_key_facts(staff_user) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())  # type: ignore[arg-type]
    assert case_study.status == CaseStudyStatus.DRAFT
    assert [s.heading for s in case_study.sections.all()] == ["Context"]
    assert [str(f) for f in case_study.key_facts.all()] == ["Established: October 2011"]
    assert case_study.history.first().history_user == staff_user


def test_a_taken_web_address_is_refused(staff_user) -> None:
    CaseStudyFactory.create(slug="early-sharing")
    with pytest.raises(services.CaseStudyError, match="already uses the web address"):
        services.case_study_create(user=staff_user, **_content())  # type: ignore[arg-type]


def test_an_address_taken_between_the_check_and_the_save_is_refused_not_a_500(
    staff_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone else's case study takes the address after this one's check (on PostgreSQL two
    # saves can run side by side): the database's unique index refuses it, with the message.
    real_check = services._check_slug

    def check_then_lose_the_race(slug: str, **kwargs: object) -> None:
        real_check(slug)
        CaseStudyFactory.create(slug=slug)

    monkeypatch.setattr(services, "_check_slug", check_then_lose_the_race)
    with pytest.raises(services.CaseStudyError, match="already uses the web address"):
        services.case_study_create(user=staff_user, **_content())  # type: ignore[arg-type]
    # The service's transaction is undone whole (the stand-in rival with it): nothing half-made.
    assert not CaseStudy.objects.exists()


def test_an_update_replaces_sections_and_takes_the_next_version(staff_user) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())  # type: ignore[arg-type]
    services.case_study_update(
        case_study=case_study,
        user=staff_user,
        seen_version=case_study.version,
        **_content(sections=[services.SectionContent("Partners", "Police, health, schools.")]),  # type: ignore[arg-type]
    )
    case_study.refresh_from_db()
    assert [s.heading for s in case_study.sections.all()] == ["Partners"]
    assert case_study.version == 2


def test_an_update_from_an_old_version_is_refused(staff_user) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())  # type: ignore[arg-type]
    with pytest.raises(StaleEditError):
        services.case_study_update(
            case_study=case_study,
            user=staff_user,
            seen_version=0,
            **_content(),  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("status", ["in_review", "published", "withdrawn"])
def test_only_drafts_can_be_changed(staff_user, status: str) -> None:
    case_study = CaseStudyFactory.create(
        status=status, published_at="2013-04-01T00:00Z", slug="early-sharing"
    )
    with pytest.raises(services.CaseStudyError, match="Only a draft"):
        services.case_study_update(
            case_study=case_study,
            user=staff_user,
            seen_version=case_study.version,
            **_content(),  # type: ignore[arg-type]
        )


def test_staff_send_a_draft_for_review_and_a_reviewer_publishes_it(
    staff_user, reviewer_user
) -> None:
    case_study = CaseStudyFactory.create()
    services.case_study_submit(case_study=case_study, user=staff_user)
    published = services.case_study_publish(case_study=case_study, user=reviewer_user)
    assert published.status == CaseStudyStatus.PUBLISHED
    assert published.published_at is not None


def test_staff_cannot_publish_send_back_or_withdraw(staff_user) -> None:
    in_review = CaseStudyFactory.create(status=CaseStudyStatus.IN_REVIEW)
    with pytest.raises(services.CaseStudyError, match="Only a reviewer can publish"):
        services.case_study_publish(case_study=in_review, user=staff_user)
    with pytest.raises(services.CaseStudyError, match="Only a reviewer can send"):
        services.case_study_send_back(case_study=in_review, user=staff_user, comment="Shorter")
    published = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED, published_at="2013-04-01T00:00Z"
    )
    with pytest.raises(services.CaseStudyError, match="Only a reviewer can withdraw"):
        services.case_study_withdraw(case_study=published, user=staff_user, notice="Changed")


def test_sending_back_needs_a_comment_and_returns_to_draft(reviewer_user) -> None:
    case_study = CaseStudyFactory.create(status=CaseStudyStatus.IN_REVIEW)
    with pytest.raises(services.CaseStudyError, match="Enter a comment"):
        services.case_study_send_back(case_study=case_study, user=reviewer_user, comment=" ")
    sent_back = services.case_study_send_back(
        case_study=case_study, user=reviewer_user, comment="Add the partners section."
    )
    assert sent_back.status == CaseStudyStatus.DRAFT
    assert sent_back.reviewer_comment == "Add the partners section."


def test_withdrawing_needs_a_notice(reviewer_user) -> None:
    case_study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED, published_at="2013-04-01T00:00Z"
    )
    with pytest.raises(services.CaseStudyError, match="Enter the notice"):
        services.case_study_withdraw(case_study=case_study, user=reviewer_user, notice="")
    withdrawn = services.case_study_withdraw(
        case_study=case_study, user=reviewer_user, notice="The area has changed its model."
    )
    assert withdrawn.status == CaseStudyStatus.WITHDRAWN
    assert withdrawn.withdrawal_notice == "The area has changed its model."


def test_a_section_with_an_identifier_stops_submission(staff_user) -> None:
    case_study = CaseStudyFactory.create()
    SectionFactory.create(case_study=case_study, heading="Context", body=NHS_NUMBER_TEXT)
    with pytest.raises(services.IdentifiersFoundError) as raised:
        services.case_study_submit(case_study=case_study, user=staff_user)
    assert [hit.label for hit in raised.value.hits] == ["Section: Context"]
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.DRAFT


def test_only_a_reviewer_can_let_identifiers_through(staff_user, reviewer_user) -> None:
    case_study = CaseStudyFactory.create()
    SectionFactory.create(case_study=case_study, body=NHS_NUMBER_TEXT)
    with pytest.raises(services.CaseStudyError, match="Only a reviewer"):
        services.case_study_submit(case_study=case_study, user=staff_user, override_reason="Fine")
    submitted = services.case_study_submit(
        case_study=case_study, user=reviewer_user, override_reason="A made-up test number"
    )
    assert submitted.pii_override_reason == "A made-up test number"


def test_an_identifier_added_after_review_stops_publication(reviewer_user) -> None:
    case_study = CaseStudyFactory.create(status=CaseStudyStatus.IN_REVIEW)
    SectionFactory.create(case_study=case_study, body=NHS_NUMBER_TEXT)
    with pytest.raises(services.IdentifiersFoundError):
        services.case_study_publish(case_study=case_study, user=reviewer_user)
    published = services.case_study_publish(
        case_study=case_study, user=reviewer_user, override_reason="A made-up test number"
    )
    assert published.status == CaseStudyStatus.PUBLISHED


def test_people_outside_the_project_cannot_write_case_studies() -> None:
    outsider = UserFactory.create()
    with pytest.raises(services.CaseStudyError, match="Only project members"):
        services.case_study_create(user=outsider, **_content())  # type: ignore[arg-type]
