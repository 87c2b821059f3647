"""Citable sources and coded evidence for the findings tests."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from areas.models import LocalAuthority
from case_studies.models import CaseStudyStatus, Section
from findings.models import Theme
from surveys.models import Answer, QuestionKind, Response, ResponseStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory
from tests.surveys.factories import SurveyFactory, add_question
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import DetailedFeedback, ModelSeen, ReviewStatus, Visit


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    definition = "Passages about how partners work together at the front door."


def approved_visit(
    *, authorities: list[object] | None = None, model_seen: str = ModelSeen.MASH, notes: str = ""
) -> Visit:
    authority = (authorities or [LocalAuthorityFactory.create()])[0]
    visit = VisitFactory.create(
        region=authority.region,  # type: ignore[attr-defined]
        local_authorities=authorities or [authority],
        model_seen=model_seen,
        status=ReviewStatus.APPROVED,
        approved_at=timezone.now(),
        **({"notes": notes} if notes else {}),
    )
    return visit


def approved_feedback(visit: Visit | None = None, **fields: object) -> DetailedFeedback:
    return DetailedFeedbackFactory.create(
        visit=visit or approved_visit(),
        status=ReviewStatus.APPROVED,
        approved_at=timezone.now(),
        **fields,
    )


def published_section(body: str = "", authorities: list[object] | None = None) -> Section:
    case_study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=authorities or [LocalAuthorityFactory.create()],
    )
    return SectionFactory.create(case_study=case_study, **({"body": body} if body else {}))


def submitted_answer(text: str, authority: LocalAuthority | None = None) -> Answer:
    survey = SurveyFactory.create()
    question = add_question(survey, "Q12", QuestionKind.FREE_TEXT, required=False)
    response = Response.objects.create(
        survey=survey,
        local_authority=authority or LocalAuthorityFactory.create(),
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return Answer.objects.create(response=response, question=question, text=text)
