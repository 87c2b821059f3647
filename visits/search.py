"""Visits and detailed feedback in search, for those who may read them
(`queries.visible_visits`, `queries.visible_feedback`): never the public."""

from areas.models import LocalAuthority
from mash_survey.search import Document, Kind, register

from . import queries
from .models import DetailedFeedback, Visit


def _areas(visit: Visit) -> str:
    return ", ".join(sorted(a.name for a in visit.local_authorities.all())) or visit.region.name


def _page(visit: Visit, *, url: str, title: str, body: str) -> Document:
    """A page about the visit (its own, or its feedback's): its date, areas and model."""
    return Document(
        url=url,
        title=title,
        summary=f"{visit.get_model_seen_display()}, {visit.region.name}",
        body=body,
        date=visit.visit_date,
        places=_areas(visit),
        model=visit.model_seen,
        regions=[visit.region_id],
        is_illustrative=visit.is_illustrative,
    )


def visit_documents(visit: Visit) -> list[Document]:
    return [_page(visit, url=visit.get_absolute_url(), title=str(visit), body=visit.notes)]


def feedback_documents(feedback: DetailedFeedback) -> list[Document]:
    visit = feedback.visit
    body = "\n".join(f"{label}: {text}" for _, label, text in feedback.identifier_texts() if text)
    title = f"Detailed feedback: {_areas(visit)}"
    return [_page(visit, url=feedback.get_absolute_url(), title=title, body=body)]


def _feedback_of(visit: Visit) -> list[DetailedFeedback]:
    return list(DetailedFeedback.objects.filter(visit=visit))


register(
    Kind(
        "visit",
        "Visit notes",
        Visit,
        visit_documents,
        queries.visible_visits,
        m2m=[Visit.local_authorities.through],
        parts={LocalAuthority: lambda area: area.visits.all()},  # its name is in the title
        read=lambda visits: visits.select_related("region").prefetch_related("local_authorities"),
        order=50,
    )
)
register(
    Kind(
        "feedback",
        "Detailed feedback",
        DetailedFeedback,
        feedback_documents,
        queries.visible_feedback,
        parts={
            Visit: _feedback_of,
            LocalAuthority: lambda area: DetailedFeedback.objects.filter(
                visit__local_authorities=area
            ),
        },
        m2m=[Visit.local_authorities.through],  # its title and places name the visit's areas
        read=lambda feedback: feedback.select_related("visit__region").prefetch_related(
            "visit__local_authorities"
        ),
        order=51,
    )
)
