"""The illustrative demo coding: a codebook, excerpts coded from the demo visits, feedback,
case studies and survey answers, and findings that rest on them.

Everything goes through the services, as a researcher's work would: passages are found
sentence by sentence in the demo text as stored (so offsets and quotes agree), coded by the
demo staff member, cleared and agreed by the demo reviewer (never the author). Which
sentences are coded follows from the text, so the counts differ by region and model as the
text does. Three sources are then changed through the model, as a late correction would be,
so that their excerpts show as stale. Every record is marked `is_illustrative`.

Deterministic (the sources are read in a fixed order, nothing is random) and idempotent: if
the demo codebook is there, nothing is created. Needs the other demo loaders first.
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import cycle
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from case_studies.models import CaseStudyStatus, Section
from mash_survey import history
from mash_survey.roles import PROJECT_STAFF, REVIEWERS, demo_user
from surveys.demo import DEMO_SLUG
from surveys.models import Answer, Question, QuestionKind, ResponseStatus
from visits.models import DetailedFeedback, ReviewStatus, Visit

from . import services, sources
from .models import Clearance, Excerpt, Finding, Theme

#: The demo sign-ins (`create_demo_users` gives them passwords): one codes and writes, the
#: other clears quotes and agrees findings.
AUTHOR = ("demo-staff", PROJECT_STAFF)
REVIEWER = ("demo-reviewer", REVIEWERS)
CHANGE_REASON = "Illustrative demo data: corrected after coding"


@dataclass(frozen=True)
class DemoTheme:
    slug: str
    name: str
    definition: str
    parent: str = ""


THEMES: tuple[DemoTheme, ...] = (
    DemoTheme(
        "governance-and-leadership",
        "Governance and leadership",
        "Who oversees the arrangement and how: a dedicated board or the LSCB, who chairs it, "
        "how often it meets and reports, and the commitment of senior leaders. Includes a "
        "named manager whose job is to make it work. Not the information sharing agreement "
        "itself: code that to Information sharing agreements.",
    ),
    DemoTheme(
        "co-location-and-structure",
        "Co-location and structure",
        "The shape of the arrangement: which agencies sit together, the model chosen and why, "
        "and what staff say sitting in one office changed. Not trust or culture on its own "
        "(Workforce and culture), and not agencies that take part remotely (Virtual partners).",
    ),
    DemoTheme(
        "virtual-partners",
        "Virtual partners",
        "How agencies outside the office take part: named contacts, calls, secure requests and "
        "response timetables, and what is lost or gained by not sitting together.",
        parent="co-location-and-structure",
    ),
    DemoTheme(
        "information-sharing-agreements",
        "Information sharing agreements",
        "Whether partners have signed an information sharing agreement or protocol, how long "
        "it took, who signed and how staff learn it. Not the systems information moves "
        "through (IT and systems).",
    ),
    DemoTheme(
        "consent-and-legal-basis",
        "Consent and legal basis",
        "Worries, advice and decisions about the legal basis for sharing, and about sharing "
        "without consent where a child may be at risk of harm.",
        parent="information-sharing-agreements",
    ),
    DemoTheme(
        "risk-assessment-and-thresholds",
        "Risk assessment and thresholds",
        "How contacts are rated and decided: RAG or BRAG triage, timescales for partners' "
        "checks, who makes the decision, and thresholds for s17 and s47. Not what happens "
        "below the threshold (Early help at the front door).",
    ),
    DemoTheme(
        "early-help",
        "Early help at the front door",
        "What happens to contacts below the statutory threshold: the link to early help, "
        "offers of support, lead professionals and feedback to referrers.",
        parent="risk-assessment-and-thresholds",
    ),
    DemoTheme(
        "partner-engagement",
        "Partner engagement",
        "How far each partner takes part and what helped or held it back: health trusts, "
        "schools, probation, housing, and police forces that cover several councils.",
    ),
    DemoTheme(
        "police-notifications",
        "Police notifications",
        "The volume and handling of police notifications, most after domestic abuse "
        "incidents: screening, supervision and the pressure they put on the front door.",
        parent="partner-engagement",
    ),
    DemoTheme(
        "workforce-and-culture",
        "Workforce and culture",
        "The people and how they work together: trust between agencies, professional "
        "languages and thresholds, training together, challenge, turnover and capacity.",
    ),
    DemoTheme(
        "it-and-systems",
        "IT and systems",
        "How information moves: each agency's own systems, shared case records, secure email, "
        "systems that do not connect and fall-backs when they fail.",
    ),
    DemoTheme(
        "performance-and-outcomes",
        "Performance and outcomes",
        "What the area measures and what it says has changed: timeliness, re-referrals, "
        "baselines, reports to the board, and the benefits partners describe. These are the "
        "areas' views, not evaluated outcomes.",
    ),
    DemoTheme(
        "resources-and-funding",
        "Resources and funding",
        "Who pays for what: set-up and running costs, posts funded by each partner, funding "
        "agreed year by year, accommodation and grants.",
    ),
    DemoTheme(
        "adults-at-risk",
        "Adults at risk",
        "Whether and how the arrangement covers adults at risk: adult social care in the hub, "
        "plans to extend it, and separate adult safeguarding teams.",
    ),
)

#: What puts a sentence in a theme: a pattern found in it, and the themes it is coded to.
#: A sentence matching several is coded to all of them (at most three).
CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"adults? at risk|adult social care|adult safeguarding", ("adults-at-risk",)),
    (r"information sharing agreement", ("information-sharing-agreements",)),
    (r"without consent|legal basis|\bconsent\b", ("consent-and-legal-basis",)),
    (r"police notifications", ("police-notifications",)),
    (r"early help", ("early-help",)),
    (
        r"co-locat|sitting together|side by side|one office|across a desk|together on one "
        r"floor|moved in together",
        ("co-location-and-structure",),
    ),
    (
        r"virtual|hub and spoke|outside the office|named role|rarely meet|daily call|"
        r"meeting by phone|informal conversations",
        ("virtual-partners",),
    ),
    (
        r"governance|\bLSCB\b|Safeguarding Children Board|senior commitment|senior manager|"
        r"only job",
        ("governance-and-leadership",),
    ),
    (
        r"\bB?RAG\b|rated|rating|timescale|final decision|decision on each|decision-making|"
        r"makes the decision|decides|threshold",
        ("risk-assessment-and-thresholds",),
    ),
    (
        r"health partners|several trusts|schools are many|several council|several councils|"
        r"release staff|each name a researcher",
        ("partner-engagement",),
    ),
    (
        r"culture|trust\b|professional languages|turnover|train staff|trained|challenge",
        ("workforce-and-culture",),
    ),
    (r"(?-i:\bIT\b)|systems?\b|secure email|case record", ("it-and-systems",)),
    (
        r"baseline|outcome measures|re-referral|how often they are met|better informed|"
        r"performance|timeliness|audit|what has changed|fallen",
        ("performance-and-outcomes",),
    ),
    (r"funding|funded|costs?\b|new money|grant", ("resources-and-funding",)),
)
_CUES = [(re.compile(pattern, re.IGNORECASE), slugs) for pattern, slugs in CUES]
#: A sentence: from a capital letter to the full stop before a space or the end of the line.
_SENTENCE = re.compile(r"[A-Z][^\n]*?[.?!](?=\s|$)")

#: How many passages are coded from each source of each kind, at most.
PER_VISIT = 2
FEEDBACK_FIELDS = ("success_factors", "barriers", "lessons")
PER_FEEDBACK_FIELD = 1
PER_SECTION = 1


@dataclass(frozen=True)
class Passage:
    source: sources.Source
    start: int
    end: int
    themes: tuple[str, ...]


def _themes_of(sentence: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern, slugs in _CUES:
        if pattern.search(sentence):
            found.extend(slug for slug in slugs if slug not in found)
    return tuple(found[:3])


def _passages(source: sources.Source) -> list[Passage]:
    """Each sentence of the source that a cue puts in a theme."""
    passages = []
    for match in _SENTENCE.finditer(source.text):
        themes = _themes_of(match.group())
        if themes:
            passages.append(Passage(source, match.start(), match.end(), themes))
    return passages


def _choose(passages: Sequence[Passage], limit: int, coded: Counter[str]) -> list[Passage]:
    """Up to `limit` passages, those of the least-coded themes first (as a researcher fills
    the gaps in the codebook), kept in the order they appear."""
    ranked = sorted(
        enumerate(passages), key=lambda item: (min(coded[t] for t in item[1].themes), item[0])
    )
    chosen = sorted(ranked[:limit], key=lambda item: item[0])
    for _, passage in chosen:
        coded.update(passage.themes)
    return [passage for _, passage in chosen]


def _sources() -> Iterator[tuple[sources.Source, int]]:
    """Every citable demo source in a fixed order, with how many passages to code from it."""
    visits = (
        Visit.objects.filter(is_illustrative=True, status=ReviewStatus.APPROVED)
        .select_related("feedback")
        .order_by("visit_date", "pk")
    )
    for visit in visits:
        yield sources.visit_source(visit), PER_VISIT
        feedback: DetailedFeedback | None = getattr(visit, "feedback", None)
        if feedback is not None and feedback.status == ReviewStatus.APPROVED:
            for field in FEEDBACK_FIELDS:
                yield sources.feedback_source(feedback, field), PER_FEEDBACK_FIELD
    sections = (
        Section.objects.filter(
            case_study__is_illustrative=True, case_study__status=CaseStudyStatus.PUBLISHED
        )
        .select_related("case_study")
        .order_by("case_study__published_at", "case_study__pk", "order")
    )
    for section in sections:
        yield sources.section_source(section), PER_SECTION
    answers = (
        Answer.objects.filter(
            response__survey__slug=DEMO_SLUG,
            response__status=ResponseStatus.SUBMITTED,
            question__kind=QuestionKind.FREE_TEXT,
        )
        .exclude(text="")
        .select_related("response", "question")
        .order_by("question__order", "response__local_authority__gss_code")
    )
    seen: set[str] = set()
    for answer in answers:
        # Survey answers are short and often alike: each is coded once, where first met.
        if answer.text not in seen:
            seen.add(answer.text)
            yield sources.answer_source(answer), 1


def plan_coding() -> list[Passage]:
    """The passages the demo codes, in the order it codes them."""
    coded: Counter[str] = Counter()
    plan = []
    for source, limit in _sources():
        plan.extend(_choose(_passages(source), limit, coded))
    return plan


@dataclass(frozen=True)
class DemoFinding:
    theme: str
    headline: str
    statement: str
    #: Which of the theme's excerpts it cites: a pattern found in their quotes.
    evidence: str
    #: Survey questions whose answers are its quantitative evidence.
    questions: tuple[str, ...] = ()
    status: str = "agreed"  # or "draft", or "retired" (agreed, then withdrawn)


FINDINGS: tuple[DemoFinding, ...] = (
    DemoFinding(
        "governance-and-leadership",
        "A small multi-agency board reporting to the LSCB was the usual form of governance",
        "Most areas visited oversee their arrangement through a board of senior managers from "
        "each partner, which reports to the Local Safeguarding Children Board. Where there is "
        "no separate board, the LSCB's own executive or performance group does the job.\n\n"
        "Areas advised keeping the board small enough to make decisions.",
        r"board|LSCB",
        ("Q15",),
    ),
    DemoFinding(
        "governance-and-leadership",
        "Senior commitment from every partner, and one manager to make it work",
        "Areas that described their arrangement as working well named commitment from senior "
        "leaders in every partner agency, from the start, and a manager whose only job is to "
        "make the arrangement work across agencies.",
        r"[Ss]enior|only job",
    ),
    DemoFinding(
        "co-location-and-structure",
        "Areas that had co-located police, health and children's social care staff reported "
        "faster, better-informed decisions at the front door",
        "Staff in co-located arrangements said that questions which used to take days of "
        "phone calls are now answered across a desk, so the decision on a contact rests on "
        "what every partner knows.\n\n"
        "These are the views of the areas visited; they have not been evaluated.",
        r"Co-location of|trust grows|[Ss]itting together|shift in culture|across a desk",
        ("Q6",),
    ),
    DemoFinding(
        "co-location-and-structure",
        "Co-location was named as a key success factor, but good practice took many forms",
        "Many areas named co-location as a key factor in their success. Others chose a "
        "co-located assessment team or a specialist team on purpose, and described good "
        "results. No single model is endorsed: the arrangement should suit the area.",
        r"Co-location of|Co-locate staff|co-located assessment team|are co-located",
        ("Q2",),
    ),
    DemoFinding(
        "co-location-and-structure",
        "Co-location is essential to a MASH",
        "Every area visited should co-locate its core partners.",
        r"co-located partners|side by side",
        status="retired",
    ),
    DemoFinding(
        "virtual-partners",
        "Partners outside the office need a named contact and a clear timetable for replies",
        "Where agencies take part virtually, areas relied on a named role in each agency and "
        "on secure email or a daily call. This works when staffing is stable, but adds delay, "
        "and relationships take longer to build.",
        r"virtually|outside the office|named role|rarely meet|daily call|by phone",
        ("Q7",),
    ),
    DemoFinding(
        "information-sharing-agreements",
        "A signed information sharing agreement was the foundation areas said they could not "
        "do without",
        "Areas advised agreeing the information sharing agreement before anyone moves in, "
        "keeping it short, and training every member of staff on it.\n\n"
        "Information sharing must follow the law; the agreement records how partners do so.",
        r"[Aa]gree the information sharing|signed (the|an) information|training on it",
        ("Q14",),
    ),
    DemoFinding(
        "information-sharing-agreements",
        "Agreements took months to negotiate, mostly over consent and the part health would play",
        "Several areas described long negotiations before partners signed, and in some the "
        "agreement was still in draft at the time of the visit.",
        r"months|still in draft",
    ),
    DemoFinding(
        "consent-and-legal-basis",
        "Uncertainty about the legal basis for sharing without consent was the most persistent "
        "barrier",
        "Areas told us that agreeing when information may be shared without consent took many "
        "months, and that some partners remain cautious. They advised involving legal advisers "
        "from the start.",
        r"legal basis|without consent",
    ),
    DemoFinding(
        "consent-and-legal-basis",
        "Consent is harder to settle below the threshold than where a child may be at risk of harm",
        "Where the decision is early help, hubs need the family's consent to share, and areas "
        "were still working out what to record at each step.",
        r"[Cc]onsent",
        status="draft",
    ),
    DemoFinding(
        "risk-assessment-and-thresholds",
        "Areas rate every contact by risk, with timescales for partners' checks",
        "Areas visited typically give each contact a RAG or BRAG rating on arrival, and each "
        "rating carries a local deadline for partners' checks: hours for red, longer for "
        "amber and green. The timescales vary from area to area.",
        r"\bB?RAG\b|rates every|rated blue",
        ("Q10", "Q11"),
    ),
    DemoFinding(
        "risk-assessment-and-thresholds",
        "The decision stays with children's social care; partners contribute what they know",
        "In most arrangements a social work manager decides, after partners have pooled their "
        "research and their view of risk. Some areas let partners challenge a rating they "
        "disagree with.",
        r"decision-making|decision on each|final decision|makes the decision|decides",
    ),
    DemoFinding(
        "risk-assessment-and-thresholds",
        "A shared understanding of thresholds had to be built, not assumed",
        "Different professional languages and thresholds took time to work through. Areas "
        "advised agreeing thresholds before the building.",
        r"professional languages|threshold document|thresholds first|about thresholds",
    ),
    DemoFinding(
        "early-help",
        "Hubs with a strong link to early help closed fewer contacts with no offer of support",
        "Where an early help coordinator sits alongside the hub or attends its daily meeting, "
        "families below the threshold are offered support rather than closed with advice.",
        r"coordinator|[Ss]trong links|passed to the early help|lead professional",
        ("Q13",),
    ),
    DemoFinding(
        "early-help",
        "Where the link to early help is weak, families below the threshold go without support",
        "Some areas said contacts that do not meet the threshold are often closed with advice, "
        "and wanted to change that.",
        r"still weak|few contacts reached",
        status="draft",
    ),
    DemoFinding(
        "partner-engagement",
        "Health partners were the hardest to bring in",
        "Health partners are spread across several trusts, which slowed their commitment and "
        "made it hard to release staff. Areas advised involving health in the design, not "
        "just the launch.",
        r"several trusts|release staff|[Ii]nvolve health|health partners have asked",
    ),
    DemoFinding(
        "partner-engagement",
        "Police forces that cover several councils meet several arrangements and forms",
        "Where one force works with several councils, each with its own arrangement, police "
        "notifications have to be translated into each council's categories.",
        r"several council",
        ("Q8",),
    ),
    DemoFinding(
        "police-notifications",
        "The volume of police notifications was the main pressure on the front door",
        "Police notifications, most after domestic abuse incidents where a child was present, "
        "are the largest single source of contacts in many areas. Areas advised planning for "
        "their volume from the first day.",
        r"volume|largest|per cent",
    ),
    DemoFinding(
        "police-notifications",
        "Screening police notifications before they reach the hub eased the load",
        "Where police researchers or a police supervisor screen notifications first, areas said "
        "they are read on the day they arrive and handled once.",
        r"screen|reviewed by a police|read on the day|handled once",
    ),
    DemoFinding(
        "workforce-and-culture",
        "Trust between agencies grew with time spent working side by side",
        "Partners described a change in culture once they worked together: more open challenge "
        "about risk and fewer contacts passed on just to be safe.",
        r"built trust|trust grows|shift in culture|challenge each other",
    ),
    DemoFinding(
        "workforce-and-culture",
        "Training staff from every agency together helped build a shared language",
        "Areas advised training staff from every agency together on the triage scheme, and "
        "described turnover in children's social care as a constant training load.",
        r"[Tt]rain staff|training new|professional languages|trained on it",
    ),
    DemoFinding(
        "it-and-systems",
        "Partners' systems rarely connect, so checks are made system by system",
        "Most areas visited have no shared IT: each agency checks its own systems from a desk "
        "in the hub and records a summary. Secure email links partners outside the office.",
        r"do not connect|own systems|no shared IT",
        ("Q16",),
    ),
    DemoFinding(
        "it-and-systems",
        "A shared case record gives an audit trail of what was shared and why",
        "Areas with a shared MASH record said partners can add their research in one place; "
        "others listed it as their next step.",
        r"shared case record|MASH record|shared system",
        status="draft",
    ),
    DemoFinding(
        "performance-and-outcomes",
        "Few areas had a baseline, so what has changed is hard to show",
        "Areas advised building a baseline before going live. Without one, the benefits they "
        "describe rest on partners' views rather than figures.",
        r"baseline",
        ("Q17",),
    ),
    DemoFinding(
        "performance-and-outcomes",
        "Areas measured their arrangements in their own terms",
        "The measures areas described include timeliness against the triage timescales, "
        "re-referral rates, audits of a sample of decisions and partner surveys. There is no "
        "common set of measures.",
        r"[Tt]imeliness|re-referral|audit|how often|fallen",
    ),
    DemoFinding(
        "resources-and-funding",
        "Funding agreed one year at a time makes it hard to plan",
        "Each partner usually funds its own staff, and in several areas that funding is agreed "
        "year by year. Areas said this makes it hard to plan and to keep posts filled.",
        r"one year at a time|funded by|costs are split|new money|grant",
    ),
    DemoFinding(
        "adults-at-risk",
        "Most hubs cover children only; adults at risk are often the next step",
        "Most arrangements visited deal with children only for now. Several areas named adult "
        "social care as the next partner to bring in, and some had consulted adult services "
        "on the design; a few already screen concerns about adults at risk through the same "
        "front door.",
        r"adults at risk|adult social care staff|adult safeguarding|bring adult social care|"
        r"screened by an adult",
        ("Q5",),
    ),
)
#: The most excerpts a demo finding cites.
MAX_EVIDENCE = 5
#: The clearances a reviewer gives the quotes that agreed findings cite, in turn; quotes
#: from case studies (cleared with the area's name when coded) are sometimes narrowed instead.
CLEARANCES = (
    Clearance.UNATTRIBUTED,
    Clearance.REGION,
    Clearance.NOT_FOR_PUBLICATION,
    Clearance.UNATTRIBUTED,
    Clearance.NOT_FOR_PUBLICATION,
    Clearance.AREA,
)
CASE_STUDY_CLEARANCES = (Clearance.AREA, Clearance.AREA, Clearance.REGION)


def demo_findings_exist() -> bool:
    return Theme.objects.filter(is_illustrative=True).exists()


def demo_coding_counts() -> tuple[int, int, int]:
    """How many illustrative themes, excerpts and findings there are."""
    return (
        Theme.objects.filter(is_illustrative=True).count(),
        Excerpt.objects.filter(is_illustrative=True).count(),
        Finding.objects.filter(is_illustrative=True).count(),
    )


_demo_user = demo_user


def _load_themes(author: User) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for order, demo in enumerate(THEMES, start=1):
        themes[demo.slug] = services.theme_create(
            user=author,
            name=demo.name,
            slug=demo.slug,
            definition=demo.definition,
            parent=themes[demo.parent] if demo.parent else None,
            order=order,
            is_illustrative=True,
        )
    return themes


def _code(plan: Sequence[Passage], themes: dict[str, Theme], author: User) -> list[Excerpt]:
    return [
        services.excerpt_create(
            source=passage.source,
            start=passage.start,
            end=passage.end,
            themes=[themes[slug] for slug in passage.themes],
            user=author,
            memo=(
                "Several areas gave this answer; coded where first met."
                if passage.source.kind == sources.SourceType.SURVEY
                else ""
            ),
            is_illustrative=True,
        )
        for passage in plan
    ]


def _to_go_stale(excerpts: Sequence[Excerpt]) -> list[Excerpt]:
    """One excerpt each of visit notes, feedback and a survey answer whose source will
    change: the last coded of each kind, which is the last passage coded in its source, so
    the change moves no other excerpt."""
    return [
        next(e for e in reversed(excerpts) if e.visit_id),
        next(e for e in reversed(excerpts) if e.feedback_id),
        next(e for e in reversed(excerpts) if e.answer_id),
    ]


def _evidence(
    demo: DemoFinding, coded: Sequence[tuple[Excerpt, Passage]], leave_out: Sequence[Excerpt]
) -> list[Excerpt]:
    """Up to MAX_EVIDENCE excerpts coded to the finding's theme whose quotes fit it:
    different quotes first, then the same words from a second area."""
    pattern = re.compile(demo.evidence)
    seen: Counter[str] = Counter()
    first: list[Excerpt] = []
    second: list[Excerpt] = []
    for excerpt, passage in coded:
        fits = demo.theme in passage.themes and pattern.search(excerpt.quote)
        if fits and excerpt not in leave_out:
            seen[excerpt.quote] += 1
            if seen[excerpt.quote] <= 2:
                (first if seen[excerpt.quote] == 1 else second).append(excerpt)
    return (first + second)[:MAX_EVIDENCE]


def _clearance(excerpt: Excerpt, turn: str) -> str:
    """The reviewer's clearance for a cited quote: its turn, except that a quote naming its
    own area is never published without that name."""
    if excerpt.visit_id and turn in (Clearance.UNATTRIBUTED, Clearance.REGION):
        names = excerpt.visit.local_authorities.values_list("name", flat=True)  # type: ignore[union-attr]
        if any(name in excerpt.quote for name in names):
            return Clearance.NOT_FOR_PUBLICATION
    return turn


def _make_stale(excerpts: Sequence[Excerpt]) -> None:
    """Change each excerpt's source through the model, as a late correction would be: a
    visit's sentence reworded (gone), feedback with a sentence put before it (moved), a
    survey answer corrected (gone)."""
    visit_excerpt, feedback_excerpt, answer_excerpt = excerpts
    visit = Visit.objects.get(excerpts=visit_excerpt)
    reworded = visit_excerpt.quote[:-1] + ", as the area confirmed when it checked the notes."
    visit.notes = visit.notes[: visit_excerpt.start] + reworded + visit.notes[visit_excerpt.end :]
    history.claim_version(visit, seen_version=None)
    history.save(visit, user=None, reason=CHANGE_REASON)

    feedback = DetailedFeedback.objects.get(excerpts=feedback_excerpt)
    field = feedback_excerpt.feedback_field
    text = getattr(feedback, field)
    setattr(feedback, field, "Confirmed with the hub manager after the visit. " + text)
    history.claim_version(feedback, seen_version=None)
    history.save(feedback, user=None, reason=CHANGE_REASON)

    answer = Answer.objects.select_related("response").get(excerpts=answer_excerpt)
    answer.text = answer.text[:-1] + ", and some partners are still not sure of it."
    history.claim_version(answer.response, seen_version=None)
    history.save(answer, user=None, reason=CHANGE_REASON)


@transaction.atomic
def demo_findings_load() -> list[Finding]:
    """Code the demo sources and write the demo findings; nothing if they exist already or
    there are no demo visits to code."""
    if demo_findings_exist() or not Visit.objects.filter(is_illustrative=True).exists():
        return []
    author, reviewer = _demo_user(*AUTHOR), _demo_user(*REVIEWER)
    themes = _load_themes(author)
    plan = plan_coding()
    excerpts = _code(plan, themes, author)
    coded = list(zip(excerpts, plan, strict=True))
    stale = _to_go_stale(excerpts)
    questions = {q.code: q for q in Question.objects.filter(survey__slug=DEMO_SLUG)}

    findings: list[Finding] = []
    cleared: list[Excerpt] = []
    orders: Counter[str] = Counter()
    for demo in FINDINGS:
        theme = themes[demo.theme]
        orders[demo.theme] += 1
        # Only a draft may cite what is about to go stale: agreeing refuses stale evidence.
        cited = _evidence(demo, coded, leave_out=[] if demo.status == "draft" else stale)
        finding = services.finding_create(
            user=author,
            theme=theme,
            headline=demo.headline,
            statement=demo.statement,
            order=orders[demo.theme],
            is_illustrative=True,
        )
        services.finding_cite(
            finding=finding,
            user=author,
            excerpts=cited,
            questions=[questions[code] for code in demo.questions],
        )
        if demo.status != "draft":
            finding = services.finding_agree(finding=finding, user=reviewer)
            cleared.extend(e for e in cited if e not in cleared)
        if demo.status == "retired":
            finding = services.finding_retire(finding=finding, user=reviewer)
        findings.append(finding)

    plain, case_study = cycle(CLEARANCES), cycle(CASE_STUDY_CLEARANCES)
    for excerpt in cleared:
        clearance = _clearance(excerpt, next(case_study if excerpt.section_id else plain))
        if clearance != excerpt.clearance:
            services.excerpt_clear(excerpt=excerpt, user=reviewer, clearance=clearance)
    _make_stale(stale)
    return findings


# ----- The illustrative report edition ------------------------------------------------------

EDITION_SLUG = "early-findings-demo"
EDITION_SUMMARY = (
    "Multi-agency safeguarding arrangements in the areas visited share information earlier "
    "and decide faster where partners sit together or meet every day. Areas described "
    "governance, information sharing and staffing as what made the difference; none of this "
    "has been evaluated."
)
EDITION_INTRODUCTION = (
    "This edition brings together what the research team heard on {{ number visits-by-region }}"
    " visits to multi-agency safeguarding hubs and similar arrangements, and what local "
    "authorities told the national survey, whose response rate was "
    "{{ number survey-response-rate }}.\n\n"
    "Each finding below is agreed by two members of the team and rests on evidence coded from "
    "the visit notes, the detailed feedback, the case studies and the survey answers. The "
    "counts beside each finding say how many of the areas visited gave that evidence.\n\n"
    "{{ figure models-seen }}"
)
EDITION_METHOD = (
    "Areas were chosen for a visit from the survey returns so that every region and each kind "
    "of arrangement was seen. Two researchers visited each area, spoke to the hub manager and "
    "to staff of each partner agency, and wrote up their notes and structured feedback.\n\n"
    "The notes, feedback, published case studies and free-text survey answers were coded "
    "against the codebook. A finding is drafted by one member of the team and agreed by "
    "another who did not write it.\n\n"
    "{{ figure visits-by-region }}"
)
EDITION_CAVEATS = (
    "These findings are the views of the areas visited and of the local authorities that "
    "answered the survey. They have not been externally evaluated or validated.\n\n"
    "No model of multi-agency working is endorsed: what works in one area may not work in "
    "another. Read these findings alongside *Working Together to Safeguard Children* and the "
    "other statutory guidance."
)
AMENDED_SUMMARY = (
    "Multi-agency safeguarding arrangements in the areas visited share information earlier "
    "and decide faster where partners sit together or meet every day. Areas described "
    "governance, information sharing, staffing and the links with early help as what made "
    "the difference; none of this has been evaluated."
)
AMENDMENT_REASON = (
    "An agreed finding on early help was left out of the first edition by mistake; it is "
    "added, and the summary now mentions it."
)


def demo_edition_exists() -> bool:
    from .models import ReportEdition

    return ReportEdition.objects.filter(is_illustrative=True).exists()


def demo_edition_load() -> list[Any]:
    """The illustrative "Early findings" edition, published by a demo reviewer who did not
    write it, and one amendment of it (adding a finding, with its public reason), also
    published: so the editions' updates list and the diff between them show. Made through the
    editions' services and the freeze job; nothing if it exists already or there are no demo
    findings."""
    from .editions import services as editions
    from .models import FindingStatus, ReportEdition

    if demo_edition_exists():
        return list(ReportEdition.objects.filter(is_illustrative=True).order_by("pk"))
    findings = list(
        Finding.objects.filter(is_illustrative=True, status=FindingStatus.AGREED)
        .select_related("theme")
        .order_by("theme__order", "order", "pk")
    )
    if not findings:
        return []
    author, reviewer = _demo_user(*AUTHOR), _demo_user(*REVIEWER)
    from case_studies.models import CaseStudy

    studies = list(
        CaseStudy.objects.filter(is_illustrative=True, status=CaseStudyStatus.PUBLISHED).order_by(
            "published_at", "pk"
        )
    )
    themes = list({f.theme_id: f.theme for f in findings}.values())
    # The finding the amendment adds: the last agreed one of the early help theme, or the last.
    added = next((f for f in reversed(findings) if f.theme.slug == "early-help"), findings[-1])
    first = editions.create_draft(
        user=author,
        slug=EDITION_SLUG,
        summary=EDITION_SUMMARY,
        introduction=EDITION_INTRODUCTION,
        method=EDITION_METHOD,
        caveats=EDITION_CAVEATS,
        is_illustrative=True,
    )
    first = editions.update(
        edition=first,
        user=author,
        seen_version=first.version,
        title=first.title,
        slug=first.slug,
        summary=first.summary,
        introduction=first.introduction,
        method=first.method,
        caveats=first.caveats,
        themes=[t for t in themes if any(f.theme_id == t.pk for f in findings if f != added)],
        findings=[f for f in findings if f != added],
        case_studies=studies,
    )
    first = editions.submit(edition=first, user=author)
    first = editions.publish(edition=first, user=reviewer)
    amendment = editions.amend(edition=first, user=author, reason=AMENDMENT_REASON)
    amendment = editions.update(
        edition=amendment,
        user=author,
        seen_version=amendment.version,
        title=amendment.title,
        slug=amendment.slug,
        summary=AMENDED_SUMMARY,
        introduction=amendment.introduction,
        method=amendment.method,
        caveats=amendment.caveats,
        amendment_reason=AMENDMENT_REASON,
        themes=themes,
        findings=findings,
        case_studies=studies,
    )
    amendment = editions.submit(edition=amendment, user=author)
    amendment = editions.publish(edition=amendment, user=reviewer)
    return [first, amendment]
