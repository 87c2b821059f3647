"""The illustrative demo survey: made-up questions and returns that show how the service works.

Generated deterministically (the same every time) and loaded through the real import, so
`make run` can run it again without duplicating anything. Pages say it is not the project's data.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from areas.models import LocalAuthority
from mash_survey import search
from mash_survey.spreadsheets import write_csv

from .imports import AREA_COLUMN, survey_import_apply
from .models import Choice, Question, QuestionKind, Survey

DEMO_SLUG = "initial-survey-illustrative"
AGENCIES = [
    "Children's social care",
    "Police",
    "Health",
    "Education",
    "Probation",
    "Youth offending",
    "Housing",
    "Adult social care",
    "Other",
]
MODELS = [
    "MASH",
    "Co-located assessment team",
    "Specialist team",
    "Virtual or hub model",
    "No multi-agency arrangement",
    "Other",
]


#: The limits of the demo's numbers: hours more than 0 and at most a year; contacts from 0 to
#: 100,000 a month (the largest areas receive a few thousand).
HOURS = (Decimal(0), Decimal(8760))
CONTACTS = (Decimal(0), Decimal(100000))


@dataclass(frozen=True)
class DemoQuestion:
    code: str
    text: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = True
    hint: str = ""
    section: str = ""
    # The answer's rules (see Question): a number's limits and unit, a date that may be a plan.
    min_value: Decimal | None = None
    min_exclusive: bool = False
    max_value: Decimal | None = None
    unit: str = ""
    allows_planned_dates: bool = False
    #: What the form says when the question is left unanswered (GOV.UK: "Select whether…").
    required_message: str = ""

    def rules(self) -> dict[str, object]:
        return {
            "min_value": self.min_value,
            "min_exclusive": self.min_exclusive,
            "max_value": self.max_value,
            "unit": self.unit,
            "allows_planned_dates": self.allows_planned_dates,
            "required_message": self.required_message,
        }


QUESTIONS = [
    DemoQuestion(
        "Q1",
        "Does your area have a multi-agency safeguarding hub (MASH) or a similar co-located "
        "arrangement?",
        QuestionKind.YES_NO,
        section="Your arrangements",
        required_message="Select whether your area has a MASH or a similar arrangement",
    ),
    DemoQuestion(
        "Q2",
        "Which model best describes your arrangement?",
        QuestionKind.SINGLE_CHOICE,
        tuple(MODELS),
        hint="Choose the model that covers most of the contacts your area receives.",
        required_message="Select the model that best describes your arrangement",
    ),
    DemoQuestion(
        "Q3",
        "What stage is the arrangement at?",
        QuestionKind.SINGLE_CHOICE,
        ("Live", "Being set up", "Planned", "Under review", "Not planned"),
        required_message="Select the stage the arrangement is at",
    ),
    DemoQuestion(
        "Q4",
        "When did the arrangement start, or when is it planned to start?",
        QuestionKind.DATE,
        required=False,
        hint="For example, 1 10 2012. Leave blank if no date has been set.",
        allows_planned_dates=True,
        required_message="Enter the date the arrangement started or is planned to start",
    ),
    DemoQuestion(
        "Q5",
        "Who does the arrangement cover?",
        QuestionKind.SINGLE_CHOICE,
        ("Children only", "Children and adults at risk", "Not applicable"),
        required_message="Select who the arrangement covers",
    ),
    DemoQuestion(
        "Q6",
        "Which agencies are co-located, working in the same office?",
        QuestionKind.MULTIPLE_CHOICE,
        tuple(AGENCIES),
        required=False,
        hint="Select all that apply.",
        section="Partners",
        required_message="Select the agencies that are co-located",
    ),
    DemoQuestion(
        "Q7",
        "Which agencies take part virtually, linked to the arrangement but not co-located?",
        QuestionKind.MULTIPLE_CHOICE,
        tuple(AGENCIES),
        required=False,
        hint="Select all that apply.",
        required_message="Select the agencies that take part virtually",
    ),
    DemoQuestion(
        "Q8",
        "Does your police force cover more than one local authority area?",
        QuestionKind.YES_NO,
        required_message="Select whether your police force covers more than one local "
        "authority area",
    ),
    DemoQuestion(
        "Q9",
        "Is there a single front door for all safeguarding concerns about children?",
        QuestionKind.YES_NO,
        section="How contacts are handled",
        required_message="Select whether there is a single front door for safeguarding concerns",
    ),
    DemoQuestion(
        "Q10",
        "Which triage scheme is used to rate contacts?",
        QuestionKind.SINGLE_CHOICE,
        (
            "RAG (red, amber, green)",
            "BRAG (blue, red, amber, green)",
            "Another scheme",
            "No formal scheme",
        ),
        required_message="Select the triage scheme used to rate contacts",
    ),
    DemoQuestion(
        "Q11",
        "How many hours do partners have to complete checks on a red-rated contact?",
        QuestionKind.NUMBER,
        required=False,
        hint="Leave blank if there is no red rating.",
        min_value=HOURS[0],
        min_exclusive=True,
        max_value=HOURS[1],
        unit="hours",
        required_message="Enter the number of hours partners have to complete checks on a "
        "red-rated contact",
    ),
    DemoQuestion(
        "Q12",
        "About how many contacts does the front door receive in a typical month?",
        QuestionKind.NUMBER,
        required=False,
        hint="An aggregate figure only.",
        min_value=CONTACTS[0],
        max_value=CONTACTS[1],
        unit="contacts a month",
        required_message="Enter the number of contacts the front door receives in a typical month",
    ),
    DemoQuestion(
        "Q13",
        "Is the arrangement linked to early help services?",
        QuestionKind.YES_NO,
        required_message="Select whether the arrangement is linked to early help services",
    ),
    DemoQuestion(
        "Q14",
        "Have partners signed an information sharing agreement for the arrangement?",
        QuestionKind.YES_NO,
        section="Governance and information sharing",
        required_message="Select whether partners have signed an information sharing agreement",
    ),
    DemoQuestion(
        "Q15",
        "Which body oversees the arrangement?",
        QuestionKind.SINGLE_CHOICE,
        (
            "A dedicated governance board",
            "The Local Safeguarding Children Board",
            "Another multi-agency board",
            "No formal governance",
        ),
        required_message="Select the body that oversees the arrangement",
    ),
    DemoQuestion(
        "Q16",
        "How do agencies share case information?",
        QuestionKind.SINGLE_CHOICE,
        (
            "A shared case management system",
            "Each agency uses its own system in the office",
            "Secure email",
            "Another way",
        ),
        required_message="Select how agencies share case information",
    ),
    DemoQuestion(
        "Q17",
        "Does the area collect measures of the arrangement's outcomes?",
        QuestionKind.YES_NO,
        required_message="Select whether the area collects measures of the arrangement's outcomes",
    ),
    DemoQuestion(
        "Q18",
        "What have been the main barriers to multi-agency information sharing?",
        QuestionKind.FREE_TEXT,
        required=False,
        section="Your experience",
        required_message="Enter the main barriers to multi-agency information sharing",
    ),
    DemoQuestion(
        "Q19",
        "What advice would you give to another area setting up a similar arrangement?",
        QuestionKind.FREE_TEXT,
        required=False,
        required_message="Enter your advice to another area setting up a similar arrangement",
    ),
    DemoQuestion(
        "Q20",
        "Would your area be willing to host a visit from the project team?",
        QuestionKind.YES_NO,
        required_message="Select whether your area would be willing to host a visit",
    ),
]

BARRIERS = [
    "Agreeing the legal basis for sharing without consent took many months.",
    "Partners' IT systems do not connect, so checks are made system by system.",
    "The volume of police notifications after domestic abuse incidents is hard to manage.",
    "Health partners are spread across several trusts, which slowed their commitment.",
    "Different professional languages and thresholds needed time to work through.",
    "Funding for staff from every partner is agreed one year at a time.",
    "The police force covers several councils, each with its own arrangement.",
]
ADVICE = [
    "Agree the information sharing agreement early and involve legal advisers from the start.",
    "Co-locate staff if you can: trust grows faster in one office.",
    "Set a baseline before you start so you can show what has changed.",
    "Keep governance simple and report regularly to the safeguarding board.",
    "Train staff from every agency together on the triage scheme.",
    "Plan for the volume of police notifications from day one.",
]


def _answers_for(authority: LocalAuthority, rng: random.Random) -> dict[str, str]:
    has_arrangement = rng.random() < 0.8
    if has_arrangement:
        model = rng.choices([*MODELS[:4], "Other"], weights=[60, 15, 8, 12, 5])[0]
        stage = rng.choices(["Live", "Being set up", "Under review"], weights=[65, 25, 10])[0]
        start = dt.date(2010, 6, 1) + dt.timedelta(days=rng.randrange(0, 1000))
        co_located = [
            "Children's social care",
            "Police",
            *rng.sample(AGENCIES[2:8], rng.randint(0, 4)),
        ]
        others = [a for a in AGENCIES[:8] if a not in co_located]
        virtual = rng.sample(others, rng.randint(0, min(3, len(others))))
        scope = rng.choices(["Children only", "Children and adults at risk"], weights=[75, 25])[0]
        triage = rng.choices(
            ["RAG (red, amber, green)", "BRAG (blue, red, amber, green)", "Another scheme"],
            weights=[55, 35, 10],
        )[0]
        red_hours = rng.choice(["2", "4", "4", "4", "8", "24"])
    else:
        model = "No multi-agency arrangement"
        stage = rng.choice(["Planned", "Planned", "Not planned"])
        start = dt.date(2013, 4, 1) + dt.timedelta(days=30 * rng.randrange(0, 12))
        co_located, virtual, scope = [], [], "Not applicable"
        triage = rng.choice(["No formal scheme", "Another scheme"])
        red_hours = ""
    return {
        "Q1": "Yes" if has_arrangement else "No",
        "Q2": model,
        "Q3": stage,
        "Q4": start.isoformat() if stage != "Not planned" else "",
        "Q5": scope,
        "Q6": "; ".join(a for a in AGENCIES if a in co_located),
        "Q7": "; ".join(a for a in AGENCIES if a in virtual),
        "Q8": "Yes" if authority.type != "county" or rng.random() < 0.3 else "No",
        "Q9": "Yes" if has_arrangement or rng.random() < 0.4 else "No",
        "Q10": triage,
        "Q11": red_hours,
        "Q12": str(rng.randrange(200, 2600, 50)) if rng.random() < 0.7 else "",
        "Q13": "Yes" if rng.random() < 0.7 else "No",
        "Q14": "Yes" if has_arrangement and rng.random() < 0.85 else "No",
        "Q15": rng.choice(
            [
                "A dedicated governance board",
                "The Local Safeguarding Children Board",
                "Another multi-agency board",
            ]
        )
        if has_arrangement
        else "No formal governance",
        "Q16": rng.choice(
            [
                "A shared case management system",
                "Each agency uses its own system in the office",
                "Each agency uses its own system in the office",
                "Secure email",
            ]
        ),
        "Q17": "Yes" if rng.random() < 0.35 else "No",
        "Q18": rng.choice(BARRIERS) if rng.random() < 0.6 else "",
        "Q19": rng.choice(ADVICE) if rng.random() < 0.5 else "",
        "Q20": "Yes" if rng.random() < 0.6 else "No",
    }


def demo_returns_csv(survey: Survey) -> bytes:
    """The demo returns as an import file: most areas, not all, the same every time."""
    rng = random.Random(2013)  # noqa: S311  (illustrative data, not security)
    codes = [q.code for q in survey.questions.order_by("order")]
    rows = [[AREA_COLUMN, *codes]]
    for authority in LocalAuthority.objects.order_by("gss_code"):
        answers = _answers_for(authority, rng)
        if rng.random() < 0.86:
            rows.append([authority.gss_code, *(answers[c] for c in codes)])
    return write_csv(rows)


def demo_rules_set(survey: Survey) -> None:
    """Give a demo survey loaded before its questions had rules (or messages) the demo's
    rules and messages (the questions' other fields are left as they are)."""
    kinds = {item.code: item for item in QUESTIONS}
    for question in survey.questions.all():
        item = kinds.get(question.code)
        if item is None or item.kind != question.kind:
            continue
        wanted = item.rules()
        if any(getattr(question, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(question, name, value)
            question.save(update_fields=list(wanted))


@transaction.atomic
def demo_survey_load() -> Survey:
    """Create the illustrative survey and import its returns (no change when already loaded)."""
    survey, _ = Survey.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "title": "Initial survey of multi-agency arrangements (illustrative)",
            "description": (
                "Illustrative demonstration content, not the project's data. A survey sent to "
                "every local authority area in England about how it organises multi-agency "
                "safeguarding: the model in place, partners, triage, governance and information "
                "sharing."
            ),
            "sent_on": dt.date(2012, 10, 15),
            "closes_on": dt.date(2012, 11, 30),
            "is_illustrative": True,
        },
    )
    if not survey.questions.exists():
        for order, item in enumerate(QUESTIONS, start=1):
            question = Question.objects.create(
                survey=survey,
                code=item.code,
                text=item.text,
                hint=item.hint,
                kind=item.kind,
                required=item.required,
                order=order,
                section=item.section,
                **item.rules(),
            )
            values = ("Yes", "No") if item.kind == QuestionKind.YES_NO else item.choices
            Choice.objects.bulk_create(
                Choice(question=question, value=value, order=i) for i, value in enumerate(values)
            )
        # bulk_create sends no signals: the questions are indexed again with their choices.
        search.index_all(survey.questions.all())
    else:
        demo_rules_set(survey)
    if not survey.responses.exists():
        survey_import_apply(
            survey=survey,
            file_name="illustrative-returns.csv",
            content=demo_returns_csv(survey),
            user=None,
        )
    return survey
