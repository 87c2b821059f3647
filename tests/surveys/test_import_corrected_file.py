"""Importing a corrected file updates the returns it changes, and only those."""

import datetime as dt

from surveys.imports import survey_import_check
from surveys.models import Response, ResponseStatus
from surveys.queries import response_values
from surveys.services import response_save_draft

from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    import_csv,
    make_setup,
)


def answers_of(response: Response) -> dict[str, str]:
    values = response_values([response]).get(response.pk, {})
    by_pk = {q.pk: q.code for q in response.survey.questions.all()}
    return {by_pk[pk]: value.display() for pk, value in values.items()}


def test_a_corrected_file_updates_only_the_returns_whose_answers_change(db):
    setup = make_setup()
    first = import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE])
    newcastle = Response.objects.get(local_authority=setup.newcastle)
    newcastle_history = newcastle.history.count()
    corrected = [GATESHEAD[0], "Yes", "Other", "Police", "130", "", "Shared IT"]

    batch = import_csv(setup, [HEADER, corrected, NEWCASTLE, SUNDERLAND], name="fixed.csv")

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (1, 1, 1)
    gateshead = Response.objects.get(local_authority=setup.gateshead)
    assert answers_of(gateshead) == {
        "Q1": "Yes",
        "Q2": "Other",
        "Q3": "Police",
        "Q4": "130",
        "Q6": "Shared IT",  # Q5 emptied: its answer is removed
    }
    assert gateshead.import_batch == batch
    newcastle.refresh_from_db()
    assert newcastle.import_batch == first
    assert newcastle.history.count() == newcastle_history
    assert Response.objects.get(local_authority=setup.sunderland).import_batch == batch


def test_the_plan_names_the_questions_an_update_changes(db):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    corrected = [GATESHEAD[0], "Yes", "Other", "Police", *GATESHEAD[4:]]

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, corrected])
    )

    [row] = plan.updated
    assert row.changed_codes == ["Q2", "Q3"]
    assert not row.submits_draft


def test_a_file_without_an_optional_column_leaves_those_answers_as_they_are(db):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])

    batch = import_csv(setup, [HEADER[:5], [GATESHEAD[0], "No", *GATESHEAD[2:5]]])

    assert batch.updated_count == 1
    gateshead = Response.objects.get(local_authority=setup.gateshead)
    assert answers_of(gateshead)["Q1"] == "No"
    assert answers_of(gateshead)["Q5"] == dt.date(2012, 10, 1).isoformat()
    assert answers_of(gateshead)["Q6"] == "Shared IT"


def test_importing_a_draft_return_submits_it(db, staff_user):
    setup = make_setup()
    draft = response_save_draft(
        survey=setup.survey,
        local_authority=setup.gateshead,
        values={},
        user=staff_user,
        seen_version=None,
    )

    batch = import_csv(setup, [HEADER, GATESHEAD])

    assert batch.updated_count == 1
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.SUBMITTED
    assert draft.submitted_at is not None
