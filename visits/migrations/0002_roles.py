"""What the working roles may do with visits and detailed feedback."""

from django.db import migrations

from mash_survey.roles import PROJECT_STAFF, REVIEWERS, grant

EDIT = [
    f"{action}_{model}"
    for model in ("visit", "agencyinvolvement", "detailedfeedback", "feedbackstaffing")
    for action in ("view", "add", "change")
] + ["delete_agencyinvolvement", "delete_feedbackstaffing"]


def grant_visit_permissions(apps, schema_editor):  # type: ignore[no-untyped-def]
    for group in (PROJECT_STAFF, REVIEWERS):
        grant(apps, group, "visits", EDIT)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
        ("areas", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_visit_permissions, migrations.RunPython.noop)]
