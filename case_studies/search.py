"""Case studies in search: published ones for everyone, every one for project members
(`queries.visible_case_studies`)."""

from areas.models import LocalAuthority
from mash_survey.markdown import markdown_to_text
from mash_survey.search import Document, Kind, register

from . import queries
from .models import CaseStudy, KeyFact, Section


def _order(part: Section | KeyFact) -> int:
    return part.order


def case_study_documents(case_study: CaseStudy) -> list[Document]:
    areas = sorted(case_study.local_authorities.all(), key=lambda a: a.name)
    facts = [f"{f.label}: {f.value}" for f in sorted(case_study.key_facts.all(), key=_order)]
    sections = [
        f"{s.heading}.\n{markdown_to_text(s.body)}"
        for s in sorted(case_study.sections.all(), key=_order)
    ]
    when = case_study.published_at or case_study.updated_at
    return [
        Document(
            url=case_study.get_absolute_url(),
            title=case_study.title,
            summary=case_study.summary,
            body="\n".join(facts + sections),
            date=when.date() if when else None,
            places=", ".join(a.name for a in areas),
            model=case_study.model,
            regions=sorted({a.region_id for a in areas}),
            is_illustrative=case_study.is_illustrative,
        )
    ]


register(
    Kind(
        "case_study",
        "Case study",
        CaseStudy,
        case_study_documents,
        queries.visible_case_studies,
        parts={
            Section: lambda section: [section.case_study],
            KeyFact: lambda fact: [fact.case_study],
            LocalAuthority: lambda area: area.case_studies.all(),
        },
        m2m=[CaseStudy.local_authorities.through],
        read=lambda case_studies: case_studies.prefetch_related(
            "local_authorities__region", "key_facts", "sections"
        ),
        order=20,
    )
)
