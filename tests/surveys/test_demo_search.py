"""The demo survey's questions are found by their choices, as after a rebuild of the index:
the demo loader writes the choices in bulk, after each question's own save indexed it."""

from mash_survey import search
from mash_survey.audience import Audience
from surveys.demo import DEMO_SLUG, demo_survey_load
from surveys.models import Response
from tests.factories import LocalAuthorityFactory
from tests.surveys.factories import SurveyFactory


def test_a_demo_question_is_found_by_one_of_its_choices(db: None) -> None:
    # A return already there: the loader writes the questions and leaves the (slow) import.
    survey = SurveyFactory.create(slug=DEMO_SLUG)
    Response.objects.create(survey=survey, local_authority=LocalAuthorityFactory.create())
    demo_survey_load()

    found = search.search("BRAG", audience=Audience.PUBLIC, filters=search.Filters(kind="question"))

    assert [r.entry.title for r in found.results] == [
        "Q10. Which triage scheme is used to rate contacts?"
    ]
