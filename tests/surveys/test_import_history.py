"""A return's history shows which import batch changed it, who imported it and from what."""

from surveys.imports import survey_import_apply
from surveys.models import Response

from .import_files import GATESHEAD, HEADER, NEWCASTLE, csv_file, make_setup


def test_each_change_an_import_makes_is_in_the_history_with_its_batch(db, staff_user):
    setup = make_setup()
    first = survey_import_apply(
        survey=setup.survey,
        file_name="first.csv",
        content=csv_file([HEADER, GATESHEAD, NEWCASTLE]),
        user=staff_user,
    )
    second = survey_import_apply(
        survey=setup.survey,
        file_name="second.csv",
        content=csv_file([HEADER, [GATESHEAD[0], "No", *GATESHEAD[2:]], NEWCASTLE]),
        user=None,
    )

    gateshead = Response.objects.get(local_authority=setup.gateshead)
    history = list(gateshead.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.import_batch_id) for h in history] == [
        ("+", first.pk),
        ("~", second.pk),
    ]
    assert history[0].history_user == staff_user
    assert history[0].history_change_reason == "Imported from first.csv"
    assert history[1].history_change_reason == "Imported from second.csv"
    newcastle = Response.objects.get(local_authority=setup.newcastle)
    assert [h.import_batch_id for h in newcastle.history.all()] == [first.pk]
