"""Two people for anything public or overridden: nobody publishes (or sends back) a case
study they wrote, changed since it last came back from review, or sent for review; possible
identifiers are let through by a reviewer who had no hand in it, with a sentence saying why,
and the publisher confirms that reason. Nobody is offered a step they may not take."""

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from case_studies import services
from case_studies.models import CaseStudy, CaseStudyStatus
from tests.factories import LocalAuthorityFactory, ReviewerFactory, StaffFactory

pytestmark = pytest.mark.django_db

NHS_SUMMARY = "The child, NHS number 943 476 5919, was seen by the MASH within the hour."
REASON = "The number is the test number printed in the NHS guidance, not a child's."


def _text(response: Any) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _content(**changes: object) -> dict[str, Any]:
    content: dict[str, Any] = {
        "title": "Early sharing in a county MASH",
        "slug": "early",
        "local_authorities": [LocalAuthorityFactory.create()],
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "sections": [services.SectionContent("Context", "A county MASH since 2011.")],
        "key_facts": [services.KeyFactContent("Established", "October 2011")],
    }
    content.update(changes)
    return content


def _write(author: User, **changes: object) -> CaseStudy:
    return services.case_study_create(user=author, **_content(**changes))


def _change(case_study: CaseStudy, user: User, summary: str) -> None:
    case_study.refresh_from_db()
    services.case_study_update(
        case_study=case_study,
        user=user,
        seen_version=case_study.version,
        **_content(summary=summary, local_authorities=list(case_study.local_authorities.all())),
    )


def _submit(case_study: CaseStudy, user: User, reason: str = "") -> CaseStudy:
    case_study.refresh_from_db()
    return services.case_study_submit(case_study=case_study, user=user, override_reason=reason)


def _publish(case_study: CaseStudy, user: User, **kwargs: Any) -> CaseStudy:
    case_study.refresh_from_db()
    return services.case_study_publish(case_study=case_study, user=user, **kwargs)


def _send_back(case_study: CaseStudy, user: User, comment: str) -> None:
    case_study.refresh_from_db()
    services.case_study_send_back(case_study=case_study, user=user, comment=comment)


# ----- Who may publish --------------------------------------------------------------------


def test_a_reviewer_may_not_publish_what_they_wrote() -> None:
    author = ReviewerFactory.create()
    case_study = _write(author)
    _submit(case_study, author)

    with pytest.raises(services.CaseStudyError, match="Someone else must review this case"):
        _publish(case_study, author)

    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.IN_REVIEW


def test_whoever_changed_it_since_it_was_sent_back_may_not_publish_or_send_it_back() -> None:
    author, sender_back, editor = (
        StaffFactory.create(),
        ReviewerFactory.create(),
        ReviewerFactory.create(),
    )
    case_study = _write(author)
    _submit(case_study, author)
    _send_back(case_study, sender_back, "Say who takes part.")
    _change(case_study, editor, "Police, health and schools share what they know in hours.")
    _submit(case_study, author)

    with pytest.raises(services.CaseStudyError, match="you wrote it, changed it or sent it"):
        _publish(case_study, editor)
    with pytest.raises(services.CaseStudyError, match="Someone else must review this"):
        _send_back(case_study, editor, "Shorter, please.")

    published = _publish(case_study, sender_back)
    assert published.status == CaseStudyStatus.PUBLISHED


def test_whoever_sent_it_for_review_may_not_publish_it() -> None:
    sender, other = ReviewerFactory.create(), ReviewerFactory.create()
    case_study = _write(StaffFactory.create())
    _submit(case_study, sender)

    with pytest.raises(services.CaseStudyError, match="Someone else must review this"):
        _publish(case_study, sender)

    assert _publish(case_study, other).status == CaseStudyStatus.PUBLISHED


# ----- Letting possible identifiers through ---------------------------------------------


def test_a_reviewer_who_wrote_it_may_not_let_identifiers_through() -> None:
    author = ReviewerFactory.create()
    case_study = _write(author, summary=NHS_SUMMARY)

    with pytest.raises(services.CaseStudyError, match="You wrote or changed this case study"):
        _submit(case_study, author, reason=REASON)

    case_study.refresh_from_db()
    assert (case_study.status, case_study.pii_override_reason) == (CaseStudyStatus.DRAFT, "")


def test_one_word_is_not_a_reason_and_a_sentence_is_kept_in_the_history() -> None:
    case_study = _write(StaffFactory.create(), summary=NHS_SUMMARY)
    sender = ReviewerFactory.create()

    with pytest.raises(services.IdentifiersFoundError, match="at least one sentence"):
        _submit(case_study, sender, reason="ok")
    _submit(case_study, sender, reason=REASON)

    case_study.refresh_from_db()
    assert (case_study.status, case_study.pii_override_reason) == (
        CaseStudyStatus.IN_REVIEW,
        REASON,
    )
    latest = case_study.history.first()
    assert latest.history_user == sender
    assert latest.history_change_reason == f"Sent for review with possible identifiers: {REASON}"


def test_publishing_past_a_kept_reason_needs_the_publisher_to_confirm_it() -> None:
    case_study = _write(StaffFactory.create(), summary=NHS_SUMMARY)
    _submit(case_study, ReviewerFactory.create(), reason=REASON)
    publisher = ReviewerFactory.create()

    with pytest.raises(services.CaseStudyError, match="Confirm that you have read"):
        _publish(case_study, publisher)
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.IN_REVIEW

    _publish(case_study, publisher, override_confirmed=True)

    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.PUBLISHED
    latest = case_study.history.first()
    assert latest.history_user == publisher
    assert latest.history_change_reason == f"Published with possible identifiers: {REASON}"


# ----- The pages --------------------------------------------------------------------------


def test_the_manage_list_offers_review_only_to_a_reviewer_who_had_no_hand_in_it() -> None:
    author = ReviewerFactory.create()
    _submit(_write(author), author)
    review = 'href="/case-studies/early/review/"'

    as_author = _client(author).get("/case-studies/manage/")
    as_staff = _client(StaffFactory.create()).get("/case-studies/manage/")
    as_other = _client(ReviewerFactory.create()).get("/case-studies/manage/")

    assert review not in as_author.content.decode()
    assert "Someone else must review this: you wrote it, changed it or sent it for review." in (
        _text(as_author)
    )
    assert review not in as_staff.content.decode()
    assert "Someone else must review this" not in _text(as_staff)
    assert review in as_other.content.decode()


def test_only_reviewers_see_withdraw() -> None:
    author = StaffFactory.create()
    case_study = _write(author)
    _submit(case_study, author)
    _publish(case_study, ReviewerFactory.create())
    withdraw = 'href="/case-studies/early/withdraw/"'

    assert (
        withdraw not in _client(StaffFactory.create()).get("/case-studies/manage/").content.decode()
    )
    assert (
        withdraw in _client(ReviewerFactory.create()).get("/case-studies/manage/").content.decode()
    )


def test_going_to_the_review_page_directly_says_why_it_is_refused() -> None:
    author = ReviewerFactory.create()
    _submit(_write(author), author)

    as_author = _client(author).get("/case-studies/early/review/")
    as_staff = _client(StaffFactory.create()).get("/case-studies/early/review/")
    withdraw_as_staff = _client(StaffFactory.create()).get("/case-studies/early/withdraw/")

    assert as_author.status_code == 403
    assert "Someone else must review this case study: you wrote it, changed it or sent it" in (
        _text(as_author)
    )
    for refused in (as_staff, withdraw_as_staff):
        assert refused.status_code == 403
        assert "This page is for reviewers." in _text(refused)
        assert "This page is for project staff and reviewers." not in _text(refused)


def test_the_review_page_shows_the_kept_reason_and_publishing_needs_the_tick() -> None:
    case_study = _write(StaffFactory.create(), summary=NHS_SUMMARY)
    _submit(case_study, ReviewerFactory.create(), reason=REASON)
    client = _client(ReviewerFactory.create())

    page = client.get("/case-studies/early/review/")
    assert 'class="govuk-warning-text"' in page.content.decode()
    assert f"let through when it was sent for review, because: {REASON}" in _text(page)
    assert "I have read why possible identifiers were let through and agree they can stay" in (
        _text(page)
    )
    version = str(CaseStudy.objects.get(pk=case_study.pk).version)
    refused = client.post(
        "/case-studies/early/review/", {"version": version, "decision": "publish"}
    )

    assert '<a href="#override_confirmed">Confirm that you have read why' in (
        refused.content.decode()
    )
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.IN_REVIEW

    done = client.post(
        "/case-studies/early/review/",
        {"version": version, "decision": "publish", "override_confirmed": "yes"},
    )

    assert done.status_code == 302
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.PUBLISHED


def test_publishing_without_a_kept_reason_needs_a_sentence() -> None:
    author = StaffFactory.create()
    case_study = _write(author)
    _submit(case_study, author)
    CaseStudy.objects.filter(pk=case_study.pk).update(
        summary=NHS_SUMMARY
    )  # the check has learnt since
    client = _client(ReviewerFactory.create())
    version = str(CaseStudy.objects.get(pk=case_study.pk).version)

    refused = client.post(
        "/case-studies/early/review/",
        {"version": version, "decision": "publish", "override_reason": "ok"},
    )

    assert '<a href="#override_reason">Enter a reason of at least one sentence' in (
        refused.content.decode()
    )
    client.post(
        "/case-studies/early/review/",
        {"version": version, "decision": "publish", "override_reason": REASON},
    )
    case_study.refresh_from_db()
    assert (case_study.status, case_study.pii_override_reason) == (
        CaseStudyStatus.PUBLISHED,
        REASON,
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_manage_list_reads_who_may_review_in_the_same_queries_for_more_case_studies() -> None:
    author, reviewer = StaffFactory.create(), ReviewerFactory.create()
    client = _client(reviewer)

    def write_and_submit(count: int) -> None:
        for _ in range(count):
            case_study = _write(author, slug=f"early-{CaseStudy.objects.count()}")
            _submit(case_study, author)

    write_and_submit(2)
    few = _queries(client, "/case-studies/manage/")
    write_and_submit(3)

    assert _queries(client, "/case-studies/manage/") == few
