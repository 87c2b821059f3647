"""What the working roles may do with case studies."""

from django.db import migrations

from mash_survey.roles import PROJECT_STAFF, REVIEWERS, grant

EDIT = [
    f"{action}_{model}"
    for model in ("casestudy", "section", "keyfact")
    for action in ("view", "add", "change")
] + ["delete_section", "delete_keyfact"]


def grant_case_study_permissions(apps, schema_editor):  # type: ignore[no-untyped-def]
    for group in (PROJECT_STAFF, REVIEWERS):
        grant(apps, group, "case_studies", EDIT)


class Migration(migrations.Migration):
    dependencies = [
        ("case_studies", "0001_initial"),
        ("areas", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_case_study_permissions, migrations.RunPython.noop)]
