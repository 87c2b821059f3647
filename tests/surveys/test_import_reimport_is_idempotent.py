"""Importing the same file again changes nothing: no duplicate, no new history, a batch that
records every return as unchanged."""

from surveys.models import Answer, Response

from .import_files import GATESHEAD, HEADER, NEWCASTLE, import_csv, make_setup, row_counts


def test_importing_the_same_file_twice_changes_no_return_and_records_them_unchanged(db):
    setup = make_setup()
    rows = [HEADER, GATESHEAD, NEWCASTLE]
    first = import_csv(setup, rows)
    answers = list(Answer.objects.order_by("pk").values())
    versions = dict(Response.objects.values_list("pk", "version"))
    before = row_counts()

    again = import_csv(setup, rows)

    assert (first.created_count, first.updated_count, first.unchanged_count) == (2, 0, 0)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert again.sha256 == first.sha256
    after = row_counts()
    assert after.pop("surveys.ImportBatch") == before.pop("surveys.ImportBatch") + 1
    assert after == before  # no return, answer or history row added
    assert list(Answer.objects.order_by("pk").values()) == answers
    assert dict(Response.objects.values_list("pk", "version")) == versions
    # The returns still name the batch that last changed them.
    assert set(Response.objects.values_list("import_batch", flat=True)) == {first.pk}


def test_the_same_answers_written_differently_are_unchanged(db):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    # The DfE code for the area, other case, the choices in another order, 120.00 for 120,
    # a British date.
    same = ["390", "YES", "mash", "Health;Police", "120.00", "01/10/2012", "Shared IT"]

    batch = import_csv(setup, [HEADER, same])

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 1)
