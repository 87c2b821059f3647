"""The illustrative demo visits: 37 made-up visits to real areas, 17 of them with detailed
feedback, so the visit pages, the review workflow and the API have something to show.

Generated deterministically (the same every time from `random.Random(2013)`) and written
through the ORM, so each record gets its first history entry. Every record is marked
`is_illustrative`, and pages say it is not the project's data. The notes are composed from
sets of sentences in the domain's vocabulary, so no two read the same; they describe staff
by role only and contain no identifiers (tests/visits/test_demo.py scans them).

Loading is idempotent: if the demo visits are there, nothing is created.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction

from areas.models import AgencyType, LocalAuthority, Region
from mash_survey import history
from mash_survey.errors import ServiceError
from mash_survey.roles import PROJECT_STAFF, demo_user
from surveys import queries as survey_queries
from surveys.demo import DEMO_SLUG
from surveys.models import Survey, VisitSelection

from .models import (
    AgencyInvolvement,
    DetailedFeedback,
    FeedbackStaffing,
    Involvement,
    ModelSeen,
    ReviewStatus,
    Visit,
)

SEED = 2013
FIRST_DAY = dt.date(2013, 1, 7)
LAST_DAY = dt.date(2013, 3, 28)
VISIT_COUNT = 37
FEEDBACK_COUNT = 17
MAX_AREAS_PER_REGION = 5
#: Visits in each region (shuffled over the nine), adding up to 37.
VISITS_PER_REGION = (5, 5, 5, 4, 4, 4, 4, 3, 3)
#: Regions where one visit took in two neighbouring areas that share an arrangement.
JOINT_VISITS = 2
MODEL_MIX = {
    ModelSeen.MASH: 24,
    ModelSeen.CO_LOCATED: 6,
    ModelSeen.SPECIALIST: 3,
    ModelSeen.VIRTUAL: 3,
    ModelSeen.OTHER: 1,
}
#: The visits not yet approved are among the latest ones: the write-ups still in hand.
VISIT_WORKFLOW = {ReviewStatus.DRAFT: 3, ReviewStatus.SUBMITTED: 3, ReviewStatus.RETURNED: 2}
FEEDBACK_WORKFLOW = {ReviewStatus.DRAFT: 1, ReviewStatus.SUBMITTED: 2, ReviewStatus.RETURNED: 1}
CHANGE_REASON = "Illustrative demo data loaded"

T = TypeVar("T")

AGENCY_WORDS = {
    AgencyType.CHILDRENS_SOCIAL_CARE: "children's social care",
    AgencyType.POLICE: "police",
    AgencyType.HEALTH: "health",
    AgencyType.EDUCATION: "education",
    AgencyType.PROBATION: "probation",
    AgencyType.YOUTH_OFFENDING: "the youth offending service",
    AgencyType.HOUSING: "housing",
    AgencyType.ADULT_SOCIAL_CARE: "adult social care",
    AgencyType.OTHER: "the voluntary sector",
}

#: Full-time equivalents a co-located agency typically puts in (low, high).
STAFFING_RANGE = {
    AgencyType.CHILDRENS_SOCIAL_CARE: (6, 15),
    AgencyType.POLICE: (3, 9),
    AgencyType.HEALTH: (1, 4),
    AgencyType.EDUCATION: (1, 2),
    AgencyType.PROBATION: (1, 2),
    AgencyType.YOUTH_OFFENDING: (1, 2),
    AgencyType.HOUSING: (1, 2),
    AgencyType.ADULT_SOCIAL_CARE: (1, 4),
    AgencyType.OTHER: (1, 2),
}


# ----- What each visit saw (decided first, so notes and feedback agree) ----


@dataclass
class Facts:
    model: str
    areas: list[LocalAuthority]
    region: Region
    date: dt.date
    agencies: dict[str, str] = field(default_factory=dict)
    adults: bool = False
    started: dt.date | None = None
    place: str = ""
    specialism: str = ""
    brag: bool = False
    red: int = 4
    amber: int = 24
    green: int = 72
    blue: int | None = None
    contacts: int = 0
    referrals: int = 0
    police_pct: int = 0
    board: bool = True
    chair: str = ""
    frequency: str = ""
    isa_signed: bool = True
    isa_date: dt.date | None = None
    it: str = "own"
    status: str = ReviewStatus.APPROVED

    @property
    def unit(self) -> str:
        units: dict[str, str] = {
            ModelSeen.MASH: "hub",
            ModelSeen.VIRTUAL: "hub",
            ModelSeen.OTHER: "screening team",
        }
        return units.get(self.model, "team")

    @property
    def area(self) -> str:
        """The area hosting the arrangement (the first, on a visit that took in two)."""
        return self.areas[0].name

    def involved(self, involvement: str) -> list[str]:
        return [a for a in AGENCY_WORDS if self.agencies.get(a) == involvement]


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _agencies_text(agency_types: Sequence[str]) -> str:
    return _join([AGENCY_WORDS[AgencyType(a)] for a in agency_types])


def _pick(rng: random.Random, options: Sequence[T], count: int) -> list[T]:
    return rng.sample(list(options), count)


PLACES = [
    "the council's main offices",
    "a police station shared with children's services",
    "a refurbished floor of the civic centre",
    "offices next to the council's contact centre",
    "a council building near the town centre",
    "the same building as the local police command",
    "a former district office converted for the purpose",
    "an open-plan floor of the council's headquarters",
]
SPECIALISMS = ["child sexual exploitation", "domestic abuse", "missing children and exploitation"]
CHAIRS = [
    "the director of children's services",
    "the assistant director for safeguarding",
    "a detective superintendent from the public protection unit",
    "the independent chair of the LSCB",
    "the designated nurse for safeguarding children",
    "the head of early help and safeguarding",
]
FREQUENCIES = ["monthly", "every six weeks", "every quarter", "every two months"]


_CO, _VIRTUAL = Involvement.CO_LOCATED, Involvement.VIRTUAL
_A = AgencyType
#: For each model, how each agency usually takes part: always one way, or by chance with
#: weights for (co-located, virtual, not involved). Agencies left out are not involved.
AGENCY_PATTERNS: dict[str, dict[str, str | tuple[int, int, int]]] = {
    ModelSeen.MASH: {
        _A.CHILDRENS_SOCIAL_CARE: _CO,
        _A.POLICE: _CO,
        _A.HEALTH: (75, 25, 0),
        _A.EDUCATION: (40, 50, 10),
        _A.PROBATION: (35, 50, 15),
        _A.YOUTH_OFFENDING: (30, 50, 20),
        _A.HOUSING: (15, 55, 30),
    },
    ModelSeen.CO_LOCATED: {
        _A.CHILDRENS_SOCIAL_CARE: _CO,
        _A.POLICE: _CO,
        _A.HEALTH: (45, 50, 5),
        _A.EDUCATION: (10, 60, 30),
        _A.PROBATION: (5, 55, 40),
        _A.YOUTH_OFFENDING: (10, 50, 40),
        _A.HOUSING: (0, 50, 50),
    },
    ModelSeen.SPECIALIST: {
        _A.CHILDRENS_SOCIAL_CARE: _CO,
        _A.POLICE: _CO,
        _A.HEALTH: (60, 40, 0),
        _A.EDUCATION: (10, 60, 30),
        _A.YOUTH_OFFENDING: (40, 50, 10),
        _A.HOUSING: (0, 40, 60),
    },
    ModelSeen.VIRTUAL: {
        _A.CHILDRENS_SOCIAL_CARE: _CO,
        _A.POLICE: (30, 70, 0),
        _A.HEALTH: _VIRTUAL,
        _A.EDUCATION: _VIRTUAL,
        _A.PROBATION: (0, 70, 30),
        _A.HOUSING: (0, 60, 40),
    },
    ModelSeen.OTHER: {
        _A.CHILDRENS_SOCIAL_CARE: _CO,
        _A.POLICE: (50, 50, 0),
        _A.HEALTH: (0, 80, 20),
        _A.EDUCATION: (0, 50, 50),
    },
}


def _agencies_for(model: str, adults: bool, rng: random.Random) -> dict[str, str]:
    involvements = [_CO, _VIRTUAL, Involvement.NOT_INVOLVED]
    agencies: dict[str, str] = {
        agency: way if isinstance(way, str) else rng.choices(involvements, weights=way)[0]
        for agency, way in AGENCY_PATTERNS.get(model, AGENCY_PATTERNS[ModelSeen.OTHER]).items()
    }
    if adults:
        agencies[AgencyType.ADULT_SOCIAL_CARE] = _CO
    elif rng.random() < 0.3:
        agencies[AgencyType.ADULT_SOCIAL_CARE] = _VIRTUAL
    if rng.random() < 0.25:
        agencies[AgencyType.OTHER] = _VIRTUAL
    return {str(k): str(v) for k, v in agencies.items()}


def _facts_for(facts: Facts, rng: random.Random) -> Facts:
    """Fill in what the area told the team: model details, triage, volumes, governance."""
    facts.adults = facts.model == ModelSeen.MASH and rng.random() < 0.3
    facts.agencies = _agencies_for(facts.model, facts.adults, rng)
    if facts.model != ModelSeen.OTHER:
        months_before = rng.randint(3, 30)
        year, month = divmod(facts.date.year * 12 + facts.date.month - 1 - months_before, 12)
        facts.started = dt.date(year, month + 1, 1)
    facts.place = rng.choice(PLACES)
    facts.specialism = rng.choice(SPECIALISMS)
    facts.brag = rng.random() < 0.35
    facts.red = rng.choice([1, 2, 4, 4, 4])
    facts.amber = rng.choice([24, 24, 24, 12])
    facts.green = rng.choice([72, 72, 48, 72])
    facts.blue = rng.choice([24, 48]) if facts.brag else None
    big = sum(1 for a in facts.areas if a.type in ("county", "metropolitan_district"))
    low, high = (700, 2600) if big else (250, 1400)
    if facts.model == ModelSeen.SPECIALIST:
        low, high = (200, 500)
    facts.contacts = rng.randrange(low, high, 10) * (2 if len(facts.areas) > 1 else 1)
    facts.referrals = round(facts.contacts * rng.uniform(0.12, 0.35) / 5) * 5
    facts.police_pct = rng.choice([40, 45, 50, 55, 60, 65])
    facts.board = rng.random() < 0.8
    facts.chair = rng.choice(CHAIRS) if facts.board else ""
    facts.frequency = rng.choice(FREQUENCIES)
    facts.isa_signed = rng.random() < 0.85
    if facts.isa_signed:
        start = facts.started or facts.date
        facts.isa_date = start - dt.timedelta(days=rng.randint(20, 120))
    facts.it = rng.choice(["own", "own", "shared", "email"])
    if facts.model == ModelSeen.VIRTUAL:
        facts.it = "email"
    return facts


# ----- Notes: a few paragraphs composed from sets of sentences -------------

OVERVIEW = {
    ModelSeen.MASH: [
        "The MASH in {area} went live in {started} and is based in {place}. Staff from "
        "{co_located} work there side by side{virtual_clause}.",
        "We met the hub manager and partners from {co_located} at the MASH, which opened in "
        "{started} in {place}.{virtual_sentence}",
        "The hub in {area} has run since {started}. It brings {co_located} together in "
        "{place}{virtual_clause}.",
        "{area} set up its MASH in {started} after a review of the old referral and assessment "
        "service. The hub sits in {place}, with {co_located} co-located{virtual_clause}.",
    ],
    ModelSeen.CO_LOCATED: [
        "{area} runs a co-located assessment team rather than a full hub: {co_located} share "
        "an office in {place}{virtual_clause}.",
        "In {area} a co-located assessment team has worked since {started}, with {co_located} "
        "in one office. The area does not call it a MASH and was clear that it chose this "
        "model on purpose.{virtual_sentence}",
    ],
    ModelSeen.SPECIALIST: [
        "The arrangement we saw in {area} is a specialist team for {specialism}, set up in "
        "{started}, with {co_located} working together in {place}.{virtual_sentence}",
        "{area} chose to start with a specialist {specialism} team, opened in {started}, "
        "rather than a general hub; {co_located} share its office{virtual_clause}.",
    ],
    ModelSeen.VIRTUAL: [
        "{area} runs a virtual hub: the front door team sits in children's social care in "
        "{place}, and {virtual} respond to requests from their own offices.",
        "The model in {area} is a hub and spoke arrangement set up in {started}: a small core "
        "team in {place}, with {virtual} linked in virtually.",
    ],
    ModelSeen.OTHER: [
        "{area} is between models: a multi-agency screening pilot is running in {place}, "
        "and a MASH is planned for later in 2013.",
        "At the time of the visit {area} was still designing its arrangement; a small "
        "screening team of social workers, with {co_located_others} alongside, was working "
        "in {place} while the model was agreed.",
    ],
}
JOINT = [
    "The {unit} serves {neighbour} as well as {area}, so the visit took in both areas.",
    "{area} shares the arrangement with neighbouring {neighbour}, whose contacts come to the "
    "same {unit}.",
]
SCOPE_ADULTS = [
    "It covers adults at risk as well as children, with adult social care staff in the room.",
    "Unusually, the hub takes concerns about adults at risk as well as children, through the "
    "same front door.",
    "Adult safeguarding concerns come through the same front door and are screened by an "
    "adult social care practitioner in the hub.",
]
SCOPE_CHILDREN = [
    "It covers children only for now; partners are discussing whether adults at risk should "
    "follow.",
    "The {unit} deals with children only, though adult social care were consulted on the design.",
    "Its scope is children and young people; adult safeguarding has its own team elsewhere "
    "in the council.",
    "",
]
FRONT_DOOR = [
    "All safeguarding concerns about children come through a single front door: the "
    "council's contact centre takes the call and passes anything about a child's safety to "
    "the {unit}.",
    "There is one front door for professionals and the public, staffed by experienced "
    "contact officers with a qualified social worker on hand for advice.",
    "Contacts arrive by phone, secure email and an online form, and all of them go to one "
    "screening team before anything else happens.",
    "The front door was redesigned when the {unit} opened, so that professionals contact one "
    "team instead of the local duty teams.",
]
TRIAGE_RAG = [
    "Each contact is given a RAG rating: partners complete their checks within {red} "
    "for red, {amber} for amber and {green} for green.",
    "The RAG timescales are {red} for red, {amber} for amber and {green} "
    "for green, and the {unit} reports how often they are met.",
    "A team manager rates every contact on arrival; red contacts are researched within "
    "{red}, amber within {amber} and green within {green}.",
]
TRIAGE_BRAG = [
    "They use a BRAG rating: red within {red}, amber within {amber}, green within "
    "{green}, and blue for contacts that need no partner checks, closed within {blue}.",
    "Contacts are rated blue, red, amber or green. Blue means information only, dealt with "
    "within {blue}; red checks are done within {red}, amber within {amber} and "
    "green within {green}.",
]
SPECIALIST_WAY_IN = [
    "Cases reach the team from the council's front door when {specialism} is suspected, and "
    "from partners directly.",
    "The front door passes the team every contact that mentions {specialism}, and the team "
    "decides within a day whether to take it on.",
]
VOLUME = [
    "The {unit} receives around {contacts} contacts a month, and about {referral_pct} per "
    "cent of them become referrals to children's social care.",
    "Monthly volumes are around {contacts} contacts, of which roughly {referrals} go on as "
    "referrals.",
    "Managers estimate {contacts} contacts in a typical month; {referrals} or so become "
    "referrals for assessment.",
]
DECISION = [
    "A social work team manager makes the final decision on every contact, usually within "
    "one working day.",
    "Decisions are made by the {unit} manager after the partners' research is pooled at a "
    "short daily meeting.",
    "The decision on each contact rests with children's social care; partners record what "
    "they know and their view of risk, not a decision.",
    "Two senior practitioners share the decision-making, and partners can challenge a "
    "rating they disagree with.",
]
POLICE = [
    "Police notifications are the largest single source of contacts, most of them after "
    "domestic abuse incidents where a child was present.",
    "Police notifications make up around {police_pct} per cent of contacts, and the police "
    "researchers in the {unit} screen them before they are rated.",
    "The volume of police notifications was the main pressure the {unit} described; "
    "standard-risk domestic abuse notifications are now reviewed by a police supervisor "
    "before they reach the {unit}.",
    "The police force covers several council areas, so the {unit} receives notifications in "
    "the force's format and has to translate them into the council's own categories.",
]
EARLY_HELP = [
    "Contacts below the threshold for an s17 or s47 assessment are passed to the early help "
    "service, whose coordinators sit alongside the {unit}.",
    "An early help coordinator attends the daily meeting, so that families who do not meet "
    "the threshold are offered support rather than closed.",
    "The link to early help is still weak: contacts that do not meet the threshold are often "
    "closed with advice, and the area wants to change that.",
    "Early help assessments are started from the {unit} where a family consents, and the "
    "outcome is fed back to the referrer.",
]
GOVERNANCE_BOARD = [
    "A governance board chaired by {chair} meets {frequency} and reports to the LSCB.",
    "The {unit} is overseen by a multi-agency governance board, chaired by {chair}, which "
    "sends a performance report to the LSCB {frequency}.",
    "Governance sits with a board of senior managers from each partner, chaired by {chair}; "
    "it meets {frequency} and reports to the Local Safeguarding Children Board.",
]
GOVERNANCE_NONE = [
    "There is no separate governance board: the LSCB oversees the arrangement directly "
    "through its performance sub-group.",
    "Oversight is through the LSCB's executive group rather than a dedicated board, which "
    "partners felt was enough for the current scale.",
]
ISA_SIGNED = [
    "Partners signed an information sharing agreement in {isa_date}; it sets out the legal "
    "basis for sharing without consent where a child may be at risk of harm.",
    "The information sharing agreement, signed in {isa_date}, took several months of "
    "negotiation, mainly over consent and the part health partners would play.",
    "All co-located partners have signed the information sharing agreement, and staff are "
    "trained on it before they start in the {unit}.",
]
ISA_UNSIGNED = [
    "The information sharing agreement is still in draft: health partners have asked for "
    "more detail on consent before they sign.",
    "Partners have not yet signed an information sharing agreement; each agency works "
    "under its own protocol in the meantime, which the area recognises is a gap.",
]
IT = {
    "own": [
        "Each agency uses its own system from a desk in the {unit}: police staff check force "
        "systems, health staff check health records, and the findings are recorded in the "
        "children's social care case system.",
        "There is no shared IT: partners work on their own systems side by side and summarise "
        "what they find on a shared research form.",
    ],
    "shared": [
        "A MASH record within the children's social care case management system lets each "
        "partner add its research in one place.",
        "The area has built a shared case record for the {unit}; partners can see each "
        "other's entries but not each other's systems.",
    ],
    "email": [
        "Partners outside the office are linked by secure email, and the {unit} tracks each "
        "request against the timescales.",
        "Information from partners outside the office arrives by secure email, which works "
        "but adds delay.",
    ],
}
TOGETHER = [
    "Staff said that co-location was the biggest change: questions that used to take days "
    "of phone calls are now answered across a desk.",
    "Sitting together has built trust between agencies, and police officers and social "
    "workers now challenge each other's views of risk more openly.",
    "Partners described a shift in culture since they moved in together, with fewer "
    "contacts passed on just to be safe.",
    "Co-location took time to settle: the first months brought disagreements about "
    "thresholds, which a weekly practice meeting helped to resolve.",
]
APART = [
    "Without co-location the area relies on a named role in each agency and a clear "
    "timetable for responses, which works when staffing is stable.",
    "Partners said the virtual model suits a large area, but that relationships take longer "
    "to build when people rarely meet.",
]
BARRIER_INTROS = [
    "The barriers they described were practical as much as legal.",
    "Asked about barriers, the {unit} manager named several.",
    "The area was candid about what has been hard.",
    "The main barriers were much the same for every partner.",
]
BARRIERS = [
    "Agreeing the legal basis for sharing without consent took months, and some partners "
    "remain cautious.",
    "Health partners are spread across several trusts, which slowed their commitment.",
    "Funding for partners' posts is agreed one year at a time, which makes it hard to plan.",
    "Partners' IT systems do not connect, so every check is made system by system.",
    "Different professional languages and thresholds needed time to work through.",
    "Education has been hard to involve because schools are many and varied.",
    "The volume of police notifications risks crowding out the contacts that matter most.",
    "There is no baseline from before the {unit} opened, so it is hard to show what has changed.",
    "Staff turnover in children's social care means the {unit} is often training new people.",
    "The police force works with several councils, each with its own arrangement and forms.",
]
ADVICE_HEADINGS = [
    "What they would advise",
    "Advice to other areas",
    "What they would tell an area starting out",
]
ADVICE = [
    "Agree the information sharing agreement early, and involve legal advisers from the start.",
    "Co-locate staff if you can: trust grows faster in one office.",
    "Set a baseline before you start so you can show what has changed.",
    "Keep governance simple and report regularly to the LSCB.",
    "Train staff from every agency together on the triage scheme.",
    "Plan for the volume of police notifications from the first day.",
    "Involve health partners in the design, not just the launch.",
    "Make sure early help is ready for the contacts that do not meet the threshold.",
    "Visit other hubs before deciding on your own model.",
    "Give one senior manager the job of making the arrangement work across agencies.",
]
NEXT_STEPS_BEFORE = [
    "Partners were waiting for the revised Working Together guidance before changing their "
    "timescales.",
    "Next, the area plans to review the arrangement once it has a full year of figures.",
    "The board has asked for a review of the triage timescales in the spring.",
]
NEXT_STEPS_AFTER = [
    "The revised Working Together guidance had just been published, and the area was "
    "checking its timescales against it.",
    "Next, the area plans to bring more partners into the {unit} during 2013.",
]

WORKING_TOGETHER_2013 = dt.date(2013, 3, 21)


def _hours(hours: int) -> str:
    return f"{hours} hour" if hours == 1 else f"{hours} hours"


def _sentence(rng: random.Random, options: Sequence[str], values: dict[str, Any]) -> str:
    return rng.choice(options).format(**values)


def compose_notes(facts: Facts, rng: random.Random, *, complete: bool = True) -> str:
    """The visit notes in Markdown: a few paragraphs, each from its own set of sentences.

    A draft (`complete=False`) stops after the first three paragraphs: still being written.
    """
    co_located = facts.involved(Involvement.CO_LOCATED)
    virtual = facts.involved(Involvement.VIRTUAL)
    police_in_the_room = AgencyType.POLICE in co_located
    are, take = ("are", "take") if len(virtual) > 1 else ("is", "takes")
    values: dict[str, Any] = {
        "area": facts.area,
        "neighbour": _join([a.name for a in facts.areas[1:]]),
        "unit": facts.unit,
        "place": facts.place,
        "specialism": facts.specialism,
        "started": f"{facts.started:%B %Y}" if facts.started else "",
        "co_located": _agencies_text(co_located),
        "co_located_others": _agencies_text(
            [a for a in co_located if a != AgencyType.CHILDRENS_SOCIAL_CARE] or ["police"]
        ),
        "virtual": _agencies_text(virtual) or "other partners",
        "virtual_clause": f", and {_agencies_text(virtual)} {are} linked in virtually"
        if virtual
        else "",
        "virtual_sentence": f" {_agencies_text(virtual).capitalize()} {take} part virtually."
        if virtual
        else "",
        "red": _hours(facts.red),
        "amber": _hours(facts.amber),
        "green": _hours(facts.green),
        "blue": _hours(facts.blue or 0),
        "contacts": f"{facts.contacts:,}",
        "referrals": f"{facts.referrals:,}",
        "referral_pct": round(100 * facts.referrals / facts.contacts),
        "police_pct": facts.police_pct,
        "chair": facts.chair,
        "frequency": facts.frequency,
        "isa_date": f"{facts.isa_date:%B %Y}" if facts.isa_date else "",
    }

    def say(options: Sequence[str]) -> str:
        return _sentence(rng, options, values)

    def paragraph(*sentences: str) -> str:
        return " ".join(s for s in sentences if s)

    overview = [say(OVERVIEW[ModelSeen(facts.model)])]
    if len(facts.areas) > 1:
        overview.append(say(JOINT))
    overview.append(say(SCOPE_ADULTS if facts.adults else SCOPE_CHILDREN))
    triage = say(TRIAGE_BRAG if facts.brag else TRIAGE_RAG)
    # Police researchers screen notifications only where police sit in the office.
    police = POLICE if police_in_the_room else [POLICE[0], *POLICE[2:]]
    way_in = SPECIALIST_WAY_IN if facts.model == ModelSeen.SPECIALIST else FRONT_DOOR
    front_door = [say(way_in), triage, say(VOLUME), say(DECISION)]
    rng.shuffle(front_door)  # areas told it in their own order
    paragraphs = [
        paragraph(*overview),
        paragraph(*front_door),
        paragraph(say(police), say(EARLY_HELP)),
    ]
    if not complete:
        return "\n\n".join(paragraphs)
    governance = say(GOVERNANCE_BOARD if facts.board else GOVERNANCE_NONE)
    isa = say(ISA_SIGNED if facts.isa_signed else ISA_UNSIGNED)
    paragraphs.append(paragraph(governance, isa))
    apart = facts.model == ModelSeen.VIRTUAL
    paragraphs.append(paragraph(say(IT[facts.it]), say(APART if apart else TOGETHER)))
    barriers = [s.format(**values) for s in _pick(rng, BARRIERS, rng.randint(2, 3))]
    paragraphs.append(paragraph(say(BARRIER_INTROS), *barriers))
    advice = _pick(rng, ADVICE, rng.randint(2, 4))
    paragraphs.append(
        f"## {rng.choice(ADVICE_HEADINGS)}\n\n" + "\n".join(f"- {item}" for item in advice)
    )
    after = facts.date >= WORKING_TOGETHER_2013
    paragraphs.append(say(NEXT_STEPS_AFTER if after else NEXT_STEPS_BEFORE))
    return "\n\n".join(paragraphs)


# ----- Detailed feedback ---------------------------------------------------

OUTCOME_MEASURES = [
    "Timeliness against the triage timescales, reported monthly to the board.",
    "The re-referral rate within twelve months, and the share of contacts that become referrals.",
    "The number of contacts passed to early help, and the time from contact to decision.",
    "None yet beyond volumes: a baseline is being built.",
    "A partner survey every six months, and an audit of a sample of decisions for the LSCB.",
]
SUCCESS_FACTORS = [
    "Co-location of police officers and social workers in one office.",
    "Senior commitment from every partner from the start.",
    "A signed information sharing agreement, and training on it for all staff.",
    "A clear triage scheme with timescales everyone understands.",
    "A daily meeting where partners pool what they know.",
    "Strong links to early help, so fewer contacts are closed with no offer of support.",
    "A single front door for professionals and the public.",
    "A manager whose only job is to make the arrangement work.",
]
COSTS = [
    "Each partner funds its own staff; the council funds the accommodation and the manager's post.",
    "Set-up costs were met from a one-off grant shared by the council and the police; "
    "running costs are met by each partner.",
    "Funding is agreed yearly by the board; health posts are to be funded by the clinical "
    "commissioning group from April 2013.",
    "No new money: staff moved from existing teams, and the council absorbed the cost of "
    "the accommodation.",
]
LESSONS = [
    "Agree the information sharing agreement before anyone moves in.",
    "Next step: bring adult social care into the arrangement.",
    "Plan for the volume of police notifications from the first day.",
    "Review the triage timescales after six months; the first ones were too tight for green "
    "contacts.",
    "Build a baseline before going live, so that outcomes can be shown.",
    "Next step: a shared case record for all partners.",
    "Keep the board small enough to make decisions.",
]
SHARED_IT = {
    "own": "Each agency uses its own system in the office; findings are recorded in the "
    "children's social care case system.",
    "shared": "A shared MASH record in the children's social care case management system, "
    "with secure email to partners outside the office.",
    "email": "No shared system: requests and answers go by secure email and are logged in "
    "the children's social care case system.",
}


def _sentences(rng: random.Random, options: Sequence[str], low: int, high: int) -> str:
    return " ".join(_pick(rng, options, rng.randint(low, high)))


def compose_feedback(facts: Facts, rng: random.Random) -> dict[str, Any]:
    """The structured feedback fields, consistent with the notes."""
    signatories = [
        a
        for a in AGENCY_WORDS
        if facts.agencies.get(a, Involvement.NOT_INVOLVED) != Involvement.NOT_INVOLVED
    ]
    barriers = _pick(rng, BARRIERS, 2)
    return {
        "established_on": facts.started,
        "monthly_contacts": facts.contacts,
        "monthly_referrals": facts.referrals,
        "uses_blue_rating": facts.brag,
        "red_hours": facts.red,
        "amber_hours": facts.amber,
        "green_hours": facts.green,
        "blue_hours": facts.blue,
        "has_governance_board": facts.board,
        "board_chair": facts.chair[0].upper() + facts.chair[1:] if facts.chair else "",
        "isa_signed": facts.isa_signed,
        "isa_signed_on": facts.isa_date,
        "isa_signatories": f"Signed by {_agencies_text(signatories)}." if facts.isa_signed else "",
        "shared_it": SHARED_IT[facts.it],
        "outcome_measures": _sentences(rng, OUTCOME_MEASURES, 1, 2),
        "success_factors": _sentences(rng, SUCCESS_FACTORS, 2, 3),
        "barriers": " ".join(b.format(unit=facts.unit) for b in barriers),
        "costs_and_funding": rng.choice(COSTS),
        "lessons": _sentences(rng, LESSONS, 2, 3),
    }


def _staffing(facts: Facts, rng: random.Random) -> list[tuple[str, bool, Decimal]]:
    rows = []
    for agency, involvement in facts.agencies.items():
        if involvement == Involvement.NOT_INVOLVED:
            continue
        low, high = STAFFING_RANGE[AgencyType(agency)]
        if involvement == Involvement.CO_LOCATED:
            fte = Decimal(rng.randint(low * 2, high * 2)) / 2
        else:
            fte = Decimal(rng.choice([1, 2, 3, 5])) / 10
        rows.append((agency, involvement == Involvement.CO_LOCATED, fte))
    return rows


# ----- The plan and the load -----------------------------------------------

VISIT_RETURN_COMMENTS = [
    "Say which partners signed the information sharing agreement, and check the monthly "
    "contact figure with the area: it looks high for its size.",
    "The barriers paragraph runs several points together. Split out the IT problems, and add "
    "what the area said about early help.",
]
FEEDBACK_RETURN_COMMENT = (
    "The staffing figures do not match the total the area gave us. Check the police and "
    "health full-time equivalents with the hub manager."
)


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (last - first).days + 1
    every = (first + dt.timedelta(days=n) for n in range(days))
    return [day for day in every if day.weekday() < 5]


def _willing_areas() -> set[str]:
    """ONS codes of areas that told the demo survey they would host a visit (if it's loaded)."""
    survey = Survey.objects.filter(slug=DEMO_SLUG).first()
    if survey is None:
        return set()
    question = next((q for q in survey_queries.survey_questions(survey) if q.code == "Q20"), None)
    if question is None:
        return set()
    answers = survey_queries.answers_by_area(survey, question)
    return {code for code, answer in answers.items() if answer == "Yes"}


def plan_visits(rng: random.Random, willing: set[str]) -> list[Facts]:
    """Which areas, when, what model and status: the whole plan, before anything is written."""
    regions = list(Region.objects.order_by("code"))
    if len(regions) != len(VISITS_PER_REGION):
        raise ServiceError(
            "The demo visits need England's nine regions and their authorities: load the "
            "register first (manage.py load_register)."
        )
    counts = list(VISITS_PER_REGION)
    rng.shuffle(counts)
    joint_regions = [r.pk for r, n in zip(regions, counts, strict=True) if n < MAX_AREAS_PER_REGION]
    joint_regions = joint_regions[:JOINT_VISITS]
    slots: list[tuple[Region, list[LocalAuthority]]] = []
    for region, count in zip(regions, counts, strict=True):
        areas = list(LocalAuthority.objects.filter(region=region).order_by("gss_code"))
        preferred = [a for a in areas if a.gss_code in willing]
        others = [a for a in areas if a.gss_code not in willing]
        rng.shuffle(preferred)
        rng.shuffle(others)
        joint = region.pk in joint_regions
        ranked = preferred + others
        groups = [[area] for area in ranked[:count]]
        if joint:
            # The neighbour sharing the arrangement: an area of the same kind, if there is one.
            rest = ranked[count:]
            first = groups[0][0]
            groups[0].append(next((a for a in rest if a.type == first.type), rest[0]))
        slots.extend((region, group) for group in groups)

    days = _weekdays(FIRST_DAY, LAST_DAY)
    dates = sorted([FIRST_DAY, LAST_DAY, *rng.sample(days[1:-1], len(slots) - 2)])
    rng.shuffle(slots)
    models = [model for model, n in MODEL_MIX.items() for _ in range(n)]
    rng.shuffle(models)
    # A shared arrangement across two councils is a MASH.
    for i, (_, group) in enumerate(slots):
        if len(group) > 1 and models[i] != ModelSeen.MASH:
            j = next(
                j for j, m in enumerate(models) if m == ModelSeen.MASH and len(slots[j][1]) == 1
            )
            models[i], models[j] = models[j], models[i]
    plan = [
        Facts(model=str(model), areas=group, region=region, date=date)
        for (region, group), date, model in zip(slots, dates, models, strict=True)
    ]
    pending = rng.sample(range(len(plan) - 12, len(plan)), sum(VISIT_WORKFLOW.values()))
    statuses = [status for status, n in VISIT_WORKFLOW.items() for _ in range(n)]
    for index, status in zip(pending, statuses, strict=True):
        plan[index].status = str(status)
    return [_facts_for(facts, rng) for facts in plan]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _workflow_fields(
    status: str, after: dt.date, rng: random.Random, comment: str
) -> dict[str, Any]:
    """Timestamps and comment that fit the status (approved ones have `approved_at`)."""
    fields: dict[str, Any] = {"status": status}
    if status == ReviewStatus.DRAFT:
        return fields
    submitted = after + dt.timedelta(days=rng.randint(3, 10))
    fields["submitted_at"] = _aware(submitted, rng.randint(9, 17))
    if status == ReviewStatus.APPROVED:
        approved = submitted + dt.timedelta(days=rng.randint(2, 8))
        fields["approved_at"] = _aware(approved, rng.randint(9, 17))
    if status == ReviewStatus.RETURNED:
        fields["reviewer_comment"] = comment
    return fields


def demo_visits_exist() -> bool:
    return Visit.objects.filter(is_illustrative=True).exists()


def demo_visit_counts() -> tuple[int, int]:
    """How many illustrative visits there are, and how many of them have feedback."""
    visits = Visit.objects.filter(is_illustrative=True)
    return visits.count(), DetailedFeedback.objects.filter(visit__in=visits).count()


#: Who selected the demo's areas for a visit (a demo sign-in).
SELECTOR = ("demo-staff", PROJECT_STAFF)


def demo_selections_link() -> int:
    """Select each demo visit's first area for a visit from the demo survey (if it is loaded)
    and link the visit to that selection, as recording a visit from the selection page does.
    Visits already linked are left alone. Returns how many visits were linked."""
    survey = Survey.objects.filter(slug=DEMO_SLUG).first()
    if survey is None:
        return 0
    willing = _willing_areas()
    visits = Visit.objects.filter(is_illustrative=True, selection__isnull=True).prefetch_related(
        "local_authorities"
    )
    selector = None
    linked = 0
    for visit in visits.order_by("visit_date", "pk"):
        first = min(visit.local_authorities.all(), key=lambda a: a.gss_code, default=None)
        if first is None:
            continue
        selector = selector or demo_user(*SELECTOR)
        selection = VisitSelection.objects.filter(survey=survey, local_authority=first).first()
        if selection is None:
            selection = VisitSelection(
                survey=survey,
                local_authority=first,
                reason=(
                    "Said it would host a visit; "
                    if first.gss_code in willing
                    else "Fills the region's visits; "
                )
                + "its return describes its arrangement (illustrative).",
                selected_by=selector,
            )
            history.save(selection, user=None, reason=CHANGE_REASON)
        visit.selection = selection
        history.save(visit, user=None, reason=CHANGE_REASON)
        linked += 1
    return linked


@transaction.atomic
def demo_visits_load() -> list[Visit]:
    """Create the 37 illustrative visits and 17 feedback records, none if they exist already;
    either way link them to the demo survey's selections (`demo_selections_link`)."""
    if demo_visits_exist():
        demo_selections_link()
        return []
    rng = random.Random(SEED)  # noqa: S311  (illustrative data, not security)
    plan = plan_visits(rng, _willing_areas())
    visits = []
    returned = iter(VISIT_RETURN_COMMENTS)
    for facts in plan:
        comment = next(returned) if facts.status == ReviewStatus.RETURNED else ""
        visit = Visit(
            visit_date=facts.date,
            region=facts.region,
            model_seen=facts.model,
            notes=compose_notes(facts, rng, complete=facts.status != ReviewStatus.DRAFT),
            is_illustrative=True,
            **_workflow_fields(facts.status, facts.date, rng, comment),
        )
        with history.saving(visit, user=None, reason=CHANGE_REASON):
            visit.save()
            visit.local_authorities.set(facts.areas)
            for agency, involvement in facts.agencies.items():
                history.save(
                    AgencyInvolvement(visit=visit, agency_type=agency, involvement=involvement),
                    user=None,
                )
        visits.append(visit)

    approved = [i for i, facts in enumerate(plan) if facts.status == ReviewStatus.APPROVED]
    with_feedback = sorted(rng.sample(approved, FEEDBACK_COUNT))
    statuses = [str(s) for s, n in FEEDBACK_WORKFLOW.items() for _ in range(n)]
    statuses += [ReviewStatus.APPROVED] * (FEEDBACK_COUNT - len(statuses))
    rng.shuffle(statuses)
    for index, status in zip(with_feedback, statuses, strict=True):
        facts, visit = plan[index], visits[index]
        after = visit.approved_at.date() if visit.approved_at else facts.date
        feedback = DetailedFeedback(
            visit=visit,
            **compose_feedback(facts, rng),
            **_workflow_fields(status, after, rng, FEEDBACK_RETURN_COMMENT),
        )
        with history.change(user=None):
            history.save(feedback, user=None, reason=CHANGE_REASON)
            for agency, co_located, fte in _staffing(facts, rng):
                history.save(
                    FeedbackStaffing(
                        feedback=feedback, agency_type=agency, co_located=co_located, staff_fte=fte
                    ),
                    user=None,
                )
    demo_selections_link()
    return visits
