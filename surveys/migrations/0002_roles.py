"""What the working roles may do with the survey."""

from django.db import migrations

from mash_survey.roles import PROJECT_STAFF, REVIEWERS, grant

STAFF = [
    "view_survey",
    "view_question",
    "view_choice",
    "view_response",
    "add_response",
    "change_response",
    "view_answer",
    "add_answer",
    "change_answer",
    "delete_answer",
    "view_importbatch",
    "add_importbatch",
    "view_visitselection",
    "add_visitselection",
    "change_visitselection",
    "delete_visitselection",
]


def grant_survey_permissions(apps, schema_editor):  # type: ignore[no-untyped-def]
    for group in (PROJECT_STAFF, REVIEWERS):
        grant(apps, group, "surveys", STAFF)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("areas", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_survey_permissions, migrations.RunPython.noop)]
