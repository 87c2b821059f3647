"""Records for the search tests, written so each test's words are found only where it expects.

Every text is ours (no factory default text is indexed), and each test searches words no
other record holds: "sharing" only in the stemming records, "lighthouse" only in the
exclusion pair, and so on. The register (9 regions, 152 authorities) is indexed too; none of
these words is in it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from areas.models import LocalAuthority, Region
from case_studies.models import CaseStudy, CaseStudyStatus
from findings.models import Finding, FindingStatus, Theme
from mash_survey import search
from surveys.models import Question
from tests.case_studies.factories import CaseStudyFactory, KeyFactFactory, SectionFactory
from tests.surveys.factories import QuestionFactory, SurveyFactory
from tests.visits.factories import VisitFactory
from visits.models import ModelSeen, Visit

NORTH_EAST = "E12000001"
LONDON = "E12000007"


def load_register(rows: Any) -> None:
    """The real register from `register_rows` (as the `register` fixture makes it, but once
    for a module)."""
    regions = Region.objects.bulk_create(Region(**row) for row in rows.regions)
    by_code = {region.code: region for region in regions}
    authorities = LocalAuthority.objects.bulk_create(
        LocalAuthority(
            region=by_code[row["region__code"]],
            **{k: v for k, v in row.items() if k != "region__code"},
        )
        for row in rows.authorities
    )
    search.index_all([*regions, *authorities])


def case_study(
    title: str,
    summary: str = "How partners work together each day.",
    *,
    body: str = "",
    fact: str = "",
    model: str = ModelSeen.MASH,
    authorities: Sequence[LocalAuthority] = (),
    published: bool = True,
) -> CaseStudy:
    """A case study (published unless said otherwise) with one section holding `body` and
    one key fact holding `fact` (both part of its body in search)."""
    status = CaseStudyStatus.PUBLISHED if published else CaseStudyStatus.DRAFT
    study: CaseStudy = CaseStudyFactory.create(
        title=title,
        summary=summary,
        model=model,
        status=status,
        published_at=timezone.now() if published else None,
        local_authorities=list(authorities),
    )
    SectionFactory.create(case_study=study, heading="Practice", body=body or "Nothing to add.")
    if fact:
        KeyFactFactory.create(case_study=study, label="Note", value=fact)
    return study


def theme() -> Theme:
    """One theme for every finding: its name ("Practice") is in each finding's summary."""
    found, _ = Theme.objects.get_or_create(
        slug="practice", defaults={"name": "Practice", "definition": "How areas work."}
    )
    return found


def finding(headline: str, statement: str = "Seen in several areas.") -> Finding:
    """An agreed finding (public)."""
    return Finding.objects.create(
        theme=theme(),
        headline=headline,
        statement=statement,
        status=FindingStatus.AGREED,
        agreed_at=timezone.now(),
    )


def draft_finding(headline: str, statement: str = "Seen in several areas.") -> Finding:
    return Finding.objects.create(theme=theme(), headline=headline, statement=statement)


def question(text: str, *, code: str = "Q1") -> Question:
    """A survey question (public), in a survey of its own: found as "Q1. <text>"."""
    return QuestionFactory.create(survey=SurveyFactory.create(), code=code, text=text)


def visit(notes: str, *, model: str = ModelSeen.MASH, region: Region | None = None) -> Visit:
    """A visit (its notes are for project members only)."""
    fields: dict[str, Any] = {"region": region} if region else {}
    return VisitFactory.create(notes=notes, model_seen=model, **fields)


@dataclass(frozen=True)
class Corpus:
    """What `make_corpus` wrote: the names of the records the tests look for."""

    roster_findings: list[str]
    roster_case_studies: list[str]


#: Script and markup in the records' own text (titles, summaries, key facts).
TITLE_WITH_MARKUP = "Triage & <script>alert(1)</script> desk"
SUMMARY_WITH_MARKUP = "Triage & <script>alert(2)</script> at the door"
FACT_WITH_MARKUP = "every call gets triage & <script>alert(3)</script> in minutes"


def make_corpus() -> Corpus:
    north_east = LocalAuthority.objects.filter(region__code=NORTH_EAST).order_by("name")[0]
    london = LocalAuthority.objects.filter(region__code=LONDON).order_by("name")[0]

    # Stemming: "sharing" and "shares" find "shared"; "referrals" finds "referral".
    finding("Chronologies are shared before every case conference")
    case_study("One form for every request", "A single referral form replaced six.")

    # Phrases: the words side by side, and the same words apart.
    finding("Talking before acting", "Staff hold a strategy discussion before acting.")
    finding("Weekly planning", "The discussion covers strategy and staffing.")
    finding("Duty desk placement", "The duty desk sits at the front of the house.")
    finding("Garden entrance", "Visitors use the front garden of the house.")
    case_study("Working as one team", "A multi-agency team meets in one room.")
    finding("Probation's role grew")
    finding("Probation staff joined")

    # Excluded words and phrases.
    case_study("Daily briefings, north", "Lighthouse meetings include the police every morning.")
    case_study("Daily briefings, south", "Lighthouse meetings include health visitors daily.")

    # `or` between alternatives.
    finding("The pilot ran for a year")
    question("Has the hub been evaluated?")

    # Ranking: the word in a title, a summary, a body (three case studies alike otherwise).
    case_study("Escalation routes", "Routes for settling disagreements.", body="Ask first.")
    case_study("Routes upward", "An escalation route for disputes.", body="Ask first.")
    case_study("Routes onward", "Routes for settling disagreements.", body="Any escalation.")

    # Snippets: markup in the record's text is shown as text.
    case_study(TITLE_WITH_MARKUP, "Sorting contacts at the door.", fact=FACT_WITH_MARKUP)
    case_study("Sorting desk", SUMMARY_WITH_MARKUP)

    # Filters: region (through the case study's areas) and model seen.
    case_study("Huddle in the north east", authorities=[north_east], model=ModelSeen.MASH)
    case_study("Huddle in the capital", authorities=[london], model=ModelSeen.CO_LOCATED)
    finding("Huddles help everywhere")

    # Counts by type: two findings, a case study and a question for everyone; a visit's notes
    # and a draft case study for project members only.
    finding("Caseload sizes fell")
    finding("Caseload checks are weekly")
    case_study("Caseload review")
    question("What is the average caseload of a social worker?")
    case_study("Caseload draft", published=False)
    visit("Managers said the caseload was high.")

    # Pagination: 25 findings and 2 case studies.
    rosters = [finding(f"Duty roster {n:02d}").headline for n in range(1, 26)]
    roster_studies = [case_study(f"Roster planning {n}").title for n in (1, 2)]
    return Corpus(roster_findings=rosters, roster_case_studies=roster_studies)
