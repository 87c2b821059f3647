"""Create the two working roles and give them what the register needs."""

from django.db import migrations

from mash_survey.roles import PROJECT_STAFF, REVIEWERS, grant


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    for group in (PROJECT_STAFF, REVIEWERS):
        grant(
            apps,
            group,
            "areas",
            [
                "view_region",
                "view_localauthority",
                "view_partneragency",
                "add_partneragency",
                "change_partneragency",
            ],
        )


def remove_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(name__in=[PROJECT_STAFF, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
