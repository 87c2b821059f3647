"""Give the illustrative demo survey's questions, if it is loaded, the rules its loader now
sets (surveys.demo): red-rating hours more than 0 and at most 8,760, contacts a month from 0 to
100,000, and a start date that may be planned after the survey closed (the demo's returns
hold such dates). Only the demo survey, found by its slug, and only a question of the kind the
demo gave it: no other survey's questions are touched, since nobody can guess their limits."""

from decimal import Decimal

from django.db import migrations

DEMO_SLUG = "initial-survey-illustrative"
RULES = {
    "Q4": ("date", {"allows_planned_dates": True}),
    "Q11": (
        "number",
        {
            "min_value": Decimal(0),
            "min_exclusive": True,
            "max_value": Decimal(8760),
            "unit": "hours",
        },
    ),
    "Q12": (
        "number",
        {"min_value": Decimal(0), "max_value": Decimal(100000), "unit": "contacts a month"},
    ),
}


def set_demo_rules(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    for code, (kind, rules) in RULES.items():
        Question.objects.filter(survey__slug=DEMO_SLUG, code=code, kind=kind).update(**rules)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_question_rules"),
    ]

    operations = [
        migrations.RunPython(set_demo_rules, migrations.RunPython.noop),
    ]
