"""The illustrative demo case studies: six write-ups drawn from the demo visits.

Each one takes its areas and model from an approved illustrative visit (`visit` links it),
covers a different model or region, and runs to several hundred words across the usual
sections. The text was written for the demo in the domain's vocabulary; it describes staff by
role only and contains no identifiers (tests/case_studies/test_demo.py scans it). Every record
is marked `is_illustrative`, and the pages say it is not the project's data.

Four are published, one is in review and one is a draft, so the public pages, the review
queue and the API all have something to show. Their dates are the project's, not the day the
demo was loaded: written up about twelve weeks after the visit (spring to early summer 2013),
some updated a few weeks later. Loading is idempotent.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mash_survey import history
from visits.models import ModelSeen, ReviewStatus, Visit

from .models import CaseStudy, CaseStudyModel, CaseStudyStatus, KeyFact, Section

CHANGE_REASON = "Illustrative demo data loaded"


@dataclass(frozen=True)
class DemoCaseStudy:
    model: str
    title: str  # "{area}" becomes the visit's areas
    summary: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, str], ...]
    status: str = CaseStudyStatus.PUBLISHED


DEMO_CASE_STUDIES: tuple[DemoCaseStudy, ...] = (
    DemoCaseStudy(
        model=CaseStudyModel.MASH,
        title="{area}: one front door, rated within the hour",
        summary=(
            "Police, health, education and children's social care sit together in a "
            "multi-agency safeguarding hub. Every contact gets a RAG rating within the hour, "
            "and partners share what they know before a decision is made about the next step."
        ),
        facts=(
            ("Established", "Autumn 2011"),
            ("Partners co-located", "Police, health, education, children's social care"),
            ("Triage scheme", "Red, amber, green"),
            ("Information sharing agreement", "Signed by all core partners"),
        ),
        sections=(
            (
                "Context",
                "Before the hub opened, contacts about children arrived by phone, fax and "
                "secure email at three different teams. Police notifications of domestic abuse "
                "were batched and often reached children's social care days later. Partners "
                "agreed that the delay, not the quality of decisions, was the main risk, and "
                "the Local Safeguarding Children Board (LSCB) asked for a single front door.",
            ),
            (
                "How it works",
                "Every contact comes to one team. A senior social worker reads it and gives an "
                "initial **RAG rating**: red contacts are researched by every agency within "
                "four hours, amber within one working day and green within three.\n\n"
                "- Each agency researcher checks their own systems and records what they found "
                "in a shared note, not the whole record.\n"
                "- The MASH manager makes the decision: advice, early help, a child in need "
                "assessment under s17, or a strategy discussion where s47 enquiries may be "
                "needed.\n"
                "- The reason for the decision and what was shared are written down each time.",
            ),
            (
                "Partners",
                "Police officers from the public protection unit, a health visitor and a "
                "school nurse, an education welfare officer and social workers sit together on "
                "one floor. Probation and the housing service join a daily meeting by phone and "
                "research their systems on request. Adult social care attends when a parent's "
                "needs are part of the concern.",
            ),
            (
                "What difference it made",
                "Partners say decisions are better informed and quicker. Police notifications "
                "are now read on the day they arrive. Fewer contacts go on to a full assessment "
                "because the hub can see when a family is already known and supported, and "
                "more are passed to early help with the family's agreement. Referrers are told "
                "the outcome, which they had asked for for years.",
            ),
            (
                "Challenges",
                "Volumes were higher than planned in the first six months, and the amber "
                "timescale slipped until an extra researcher was added. Health found it hard "
                "to release staff, and access to GP records still depends on a phone call. "
                "Some referrers at first expected the hub to take over cases rather than "
                "decide where they should go.",
            ),
            (
                "Advice to others",
                "Agree the information sharing agreement early and keep it short. Start with "
                "the triage timescales, not the floor plan. Measure how long each step takes "
                "from the first week, so that disagreements about capacity can be settled with "
                "figures rather than impressions.",
            ),
        ),
    ),
    DemoCaseStudy(
        model=CaseStudyModel.MASH,
        title="{area}: early help at the front door",
        summary=(
            "A MASH that treats early help as an outcome in its own right: families below the "
            "threshold for statutory services are offered a lead professional within a week, "
            "and the hub checks back that the offer was taken up."
        ),
        facts=(
            ("Established", "Spring 2012"),
            ("Partners co-located", "Police, health, children's social care, early help"),
            ("Triage scheme", "Blue, red, amber, green (BRAG)"),
            ("Early help offer", "Lead professional within five working days"),
        ),
        sections=(
            (
                "Context",
                "The area had a well-regarded early help service, but few contacts reached it "
                "from the front door. Most were closed with no further action or went straight "
                "to a social work assessment. The LSCB's audit found families who were "
                "referred repeatedly with needs that never quite met the threshold.",
            ),
            (
                "How it works",
                "The hub uses a **BRAG rating**. Blue marks contacts that need information and "
                "advice only; the hub gives it the same day. Red, amber and green follow the "
                "usual timescales for agency research.\n\n"
                "Where the decision is early help, the hub's early help coordinator contacts the "
                "family, explains what is on offer and, with their consent, agrees a lead "
                "professional, usually from a school or the health visiting service. The common "
                "assessment is started by the lead professional, not the hub.",
            ),
            (
                "Partners",
                "Police, health and children's social care are co-located, with an early help "
                "coordinator and two family workers from the children's centres. Schools take "
                "part through a named contact in each cluster. The voluntary sector runs a "
                "parenting service that takes referrals straight from the hub.",
            ),
            (
                "What difference it made",
                "More families now get help before problems escalate, and repeat contacts about "
                "the same children have fallen. Social workers spend less time on assessments "
                "that end with no service. Schools say they understand the threshold better "
                "because the hub explains each decision.",
            ),
            (
                "Challenges",
                "Consent is the hardest part: the hub cannot share information for early help "
                "in the way it can where a child may be at risk of significant harm, and staff "
                "needed clear guidance on the difference. Lead professionals in schools asked "
                "for supervision and training before they felt confident.",
            ),
            (
                "Advice to others",
                "Put early help staff in the hub from the start, not as an afterthought. Write "
                "down what consent is needed at each step. Follow up a sample of early help "
                "decisions each month to check the family was actually seen.",
            ),
        ),
    ),
    DemoCaseStudy(
        model=CaseStudyModel.MASH,
        title="{area}: a hub for two authorities",
        summary=(
            "Neighbouring authorities share one multi-agency safeguarding hub, with one police "
            "team, one health team and two social work teams working to a joint protocol and "
            "one information sharing agreement."
        ),
        facts=(
            ("Established", "Early 2012"),
            ("Partners co-located", "Police, health, probation, two children's services"),
            ("Triage scheme", "Red, amber, green"),
            ("Governance", "Joint board reporting to both LSCBs"),
        ),
        sections=(
            (
                "Context",
                "The police and health services already covered both authorities, and found "
                "themselves working to two sets of thresholds and two referral forms. A joint "
                "hub let them staff one team while each authority kept its own decisions about "
                "its own children. A monthly audit by both authorities' "
                "quality assurance leads checks a sample of decisions against the protocol.",
            ),
            (
                "How it works",
                "Contacts arrive at a single address and are allocated to the right authority's "
                "social work team. Agency research is shared: the police and health "
                "researchers work for both. Each authority's MASH manager decides the next step "
                "for its own children, using a joint threshold document that the two LSCBs "
                "agreed.",
            ),
            (
                "Partners",
                "A police detective sergeant and researchers, health practitioners from the "
                "community trust, a probation officer, and social workers from each authority. "
                "Education is represented by each authority's own officer, who joins the daily "
                "meeting.",
            ),
            (
                "What difference it made",
                "Partners no longer duplicate checks for families who move between the two "
                "areas, and police notifications are handled once. Staff say the joint "
                "protocol has made the two authorities' practice more alike, which helps "
                "schools and GPs who serve families on both sides of the boundary.",
            ),
            (
                "Challenges",
                "Setting up shared IT took longer than expected; for the first months each "
                "authority's social workers used their own system and a shared spreadsheet. "
                "The governance board had to settle how costs are split, and agreed to review "
                "the split each year against volumes.",
            ),
            (
                "Advice to others",
                "Agree the thresholds first and the building second. A joint board with the "
                "power to decide, rather than two boards that must both agree, saves months. "
                "Keep decisions about each authority's children with that authority, and "
                "publish the joint protocol so that referrers in both areas know what to expect.",
            ),
        ),
    ),
    DemoCaseStudy(
        model=CaseStudyModel.CO_LOCATED,
        title="{area}: co-located assessment without a hub",
        summary=(
            "A co-located team of social workers and police officers in the initial response "
            "service, with health linked in by a daily call. The area chose not to create a "
            "separate hub, and explains why."
        ),
        facts=(
            ("Established", "Summer 2011"),
            ("Partners co-located", "Police, children's social care"),
            ("Health", "Daily call with the safeguarding nurses"),
            ("Triage scheme", "Red, amber, green"),
        ),
        sections=(
            (
                "Context",
                "The area's initial response team already met its timescales, and partners "
                "did not want to add a separate stage between contact and assessment. They "
                "looked instead at what information was missing when decisions were made, and "
                "found it was mostly police information.",
            ),
            (
                "How it works",
                "Police researchers sit with the initial response team and check police "
                "systems on every contact rated red or amber. A safeguarding nurse joins a call "
                "each morning to go through the day's contacts. Strategy discussions under s47 "
                "can be held in the room, often within the hour.",
            ),
            (
                "Partners",
                "Police and children's social care are co-located; health takes part through "
                "the daily call, and education through the schools' designated safeguarding "
                "leads, who are phoned when a contact concerns one of their pupils.",
            ),
            (
                "What difference it made",
                "Strategy discussions happen sooner, and social workers say they rarely start "
                "an assessment without the police history now. The team has kept its "
                "timescales while taking in more police notifications. Re-referrals within a "
                "year have fallen, which the team puts down to better informed first decisions, "
                "and the police researchers say they now understand the threshold for s17 and "
                "s47 far better than before.",
            ),
            (
                "Challenges",
                "Without health in the room, information from GPs and midwives can still be "
                "slow. The team depends on a small number of police researchers and struggles "
                "when they are on leave. Partners also had to agree how the police "
                "researchers' time is recorded, since it is funded by the police but spent on "
                "children's social care decisions.",
            ),
            (
                "Advice to others",
                "Start from the gaps in information at the point of decision, and fill those. "
                "A full hub is not the only way to share information early; decide what model "
                "fits your volumes and your existing teams.",
            ),
        ),
    ),
    DemoCaseStudy(
        model=CaseStudyModel.SPECIALIST,
        title="{area}: a specialist domestic abuse triage",
        summary=(
            "A specialist team screens every police notification of domestic abuse where "
            "children are in the household, with police, health and the independent domestic "
            "violence advisers deciding together what happens next."
        ),
        facts=(
            ("Established", "Late 2012"),
            ("Partners co-located", "Police, health, domestic abuse service"),
            ("Focus", "Police notifications of domestic abuse"),
            ("Triage", "Daily meeting, same-day decisions"),
        ),
        sections=(
            (
                "Context",
                "Police notifications of domestic abuse were the largest single source of "
                "contacts, and most were closed with no action. Partners were concerned that "
                "children living with repeated incidents were not being seen, and that the "
                "volume was hiding the notifications that mattered.",
            ),
            (
                "How it works",
                "Every notification is screened at a daily meeting. The team looks at the "
                "history across agencies and decides one of four outcomes: no further action "
                "with a letter to the family, early help, a referral to children's social care, "
                "or a referral to the multi-agency risk assessment conference.",
            ),
            (
                "Partners",
                "Police, health visitors and school nurses, the independent domestic violence "
                "advisers and a senior social worker. Schools are told the next morning when a "
                "pupil's household was involved, so that staff can offer support.",
            ),
            (
                "What difference it made",
                "Notifications are now screened within a day. Partners report that families "
                "with repeated incidents are picked up earlier, and schools say the morning "
                "message has changed how they respond to children who arrive after an "
                "incident at home. Fewer notifications now pass to children's social care "
                "with no further action, and the advisers reach more victims in the days after an "
                "incident, when they are most likely to accept support.",
            ),
            (
                "Challenges",
                "The meeting takes time every day, and the team is vulnerable to sickness and "
                "leave. Agreeing what schools may be told took several months, and the "
                "information sharing agreement had to be revised to include the domestic abuse "
                "service. Police data quality varies, so the team checks each notification "
                "against the household's history before deciding.",
            ),
            (
                "Advice to others",
                "Look at which source of contacts is largest and what happens to them. A "
                "specialist triage can take pressure off the front door, but it needs its own "
                "information sharing agreement and its own measures.",
            ),
        ),
        status=CaseStudyStatus.IN_REVIEW,
    ),
    DemoCaseStudy(
        model=CaseStudyModel.VIRTUAL,
        title="{area}: a virtual hub for a rural county",
        summary=(
            "Partners share information through a virtual hub: researchers stay in their own "
            "offices, use a shared secure system, and meet by phone twice a day to agree "
            "ratings and decisions."
        ),
        facts=(
            ("Established", "Spring 2012"),
            ("Partners co-located", "None: a virtual arrangement"),
            ("Triage scheme", "Red, amber, green"),
            ("Meetings", "Twice-daily conference call"),
        ),
        sections=(
            (
                "Context",
                "Long distances and small teams meant that co-locating staff from every agency "
                "would have taken them away from the communities they serve. Partners wanted "
                "the benefits of a MASH without moving people.",
            ),
            (
                "How it works",
                "Contacts are logged on a shared secure system. Each agency's researcher adds "
                "what they know, and the MASH manager rates the contact and chairs a call at "
                "the start and end of each day to agree decisions on red and amber contacts. "
                "Green contacts are decided by the manager once every agency has responded, "
                "usually within three working days. Where a strategy discussion is needed "
                "under s47, the manager convenes it by phone with the same researchers.",
            ),
            (
                "Partners",
                "Police, health, education, probation and children's social care each name a "
                "researcher and a deputy. The district councils' housing teams take part on "
                "request. Early help coordinators in each locality receive the decisions "
                "that go to them and report back on whether the family took up the offer.",
            ),
            (
                "What difference it made",
                "Partners say the calls have built relationships that did not exist before. "
                "Decisions on red contacts are made the same day, and the shared system gives "
                "an audit trail of what was shared and why. Travel time has been saved, and "
                "practitioners in the most remote districts say they feel part of the county's "
                "safeguarding arrangements for the first time. The LSCB receives a quarterly "
                "report on volumes and timescales from the shared system.",
            ),
            (
                "Challenges",
                "Informal conversations that happen naturally in a shared office have to be "
                "planned. Researchers sometimes find their hub work crowded out by their other "
                "duties. Connections can fail, and the hub keeps a written fall-back for "
                "days when the shared system is unavailable.",
            ),
            (
                "Advice to others",
                "Protect researchers' time in writing. Invest in the shared system before "
                "launch, and review the calls' length and agenda after the first month.",
            ),
        ),
        status=CaseStudyStatus.DRAFT,
    ),
)


def _areas_text(visit: Visit) -> str:
    names = [area.name for area in visit.local_authorities.all()]
    return " and ".join(names) if names else "An area"


def _pick_visits() -> list[Visit | None]:
    """A demo visit for each case study: of its model, approved if possible, and in a region
    not already used where there is one."""
    visits = list(
        Visit.objects.filter(is_illustrative=True)
        .select_related("region")
        .prefetch_related("local_authorities")
        .order_by("visit_date", "pk")
    )
    used_regions: set[int] = set()
    used_visits: set[int] = set()
    picked: list[Visit | None] = []
    for demo in DEMO_CASE_STUDIES:
        candidates = [
            visit
            for visit in visits
            if visit.model_seen == ModelSeen(demo.model) and visit.pk not in used_visits
        ]
        candidates.sort(
            key=lambda visit: (
                visit.status != ReviewStatus.APPROVED,
                visit.region_id in used_regions,
            )
        )
        visit = candidates[0] if candidates else None
        if visit is not None:
            used_visits.add(visit.pk)
            used_regions.add(visit.region_id)
        picked.append(visit)
    return picked


def _demo_dates(visit: Visit, index: int) -> tuple[dt.datetime, dt.datetime]:
    """When a demo case study was written up (published, if it is) and last updated."""
    written = timezone.make_aware(
        dt.datetime.combine(visit.visit_date + dt.timedelta(weeks=12), dt.time(10))
    )
    return written, written + dt.timedelta(days=17 * (index % 3))


def demo_case_studies_load() -> list[CaseStudy]:
    """The illustrative case studies, made once from the demo visits (if they are loaded)."""
    existing = list(CaseStudy.objects.filter(is_illustrative=True).order_by("pk"))
    if existing:
        return existing
    created = []
    with transaction.atomic():
        for index, (demo, visit) in enumerate(
            zip(DEMO_CASE_STUDIES, _pick_visits(), strict=True), start=1
        ):
            if visit is None:
                continue
            title = demo.title.format(area=_areas_text(visit))
            written, updated = _demo_dates(visit, index)
            published_at = written if demo.status == CaseStudyStatus.PUBLISHED else None
            case_study = CaseStudy(
                title=title,
                slug=f"{slugify(title)[:80].rstrip('-')}-{index}",
                visit=visit,
                model=demo.model,
                summary=demo.summary,
                status=demo.status,
                published_at=published_at,
                is_illustrative=True,
            )
            # One change, with the sections and key facts in the case study's history.
            with history.saving(case_study, user=None, reason=CHANGE_REASON):
                case_study.save()
                case_study.local_authorities.set(visit.local_authorities.all())
                for order, (heading, body) in enumerate(demo.sections, start=1):
                    history.save(
                        Section(case_study=case_study, heading=heading, body=body, order=order),
                        user=None,
                    )
                for order, (label, value) in enumerate(demo.facts, start=1):
                    history.save(
                        KeyFact(case_study=case_study, label=label, value=value, order=order),
                        user=None,
                    )
            # `updated_at` is set on every save; the demo's is its 2013 date, written after.
            CaseStudy.objects.filter(pk=case_study.pk).update(updated_at=updated)
            case_study.updated_at = updated
            created.append(case_study)
    return created
