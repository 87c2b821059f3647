"""The sources evidence is coded from, in one place: which records may be cited, the text of
each as stored, and whether an excerpt still stands.

Staleness is derived from the data every time it is read (`with_state`), never stored, so it
is right whichever path changed a source: a service, the admin, an import or the demo loader.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    F,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr

from case_studies.models import CaseStudyStatus, Section
from mash_survey import redaction
from surveys.models import Answer, QuestionKind, ResponseStatus
from visits.models import DetailedFeedback, ReviewStatus, Visit

from .models import SOURCE_FIELDS, Excerpt, SourceType

#: Why an excerpt is stale ("" when it stands).
STANDS = ""
MOVED = "moved"  # the quote is still in the source, at other offsets: it can be re-anchored
GONE = "gone"  # the quote is no longer in the source
NOT_CITABLE = "not_citable"  # the source was returned, reopened or withdrawn
REDACTED = "redacted"  # a passage of the quote was redacted from the source

STALE_LABELS = {
    MOVED: "The source has changed: the passage is now somewhere else in it",
    GONE: "The source has changed: the passage is no longer in it",
    NOT_CITABLE: "The source can no longer be cited (returned, reopened or withdrawn)",
    REDACTED: "A passage of the quote was redacted from the source",
}

#: Each source's filter for "may be cited now", from the excerpt's side.
CITABLE = (
    Q(visit__status=ReviewStatus.APPROVED)
    | Q(feedback__status=ReviewStatus.APPROVED)
    | Q(section__case_study__status=CaseStudyStatus.PUBLISHED)
    | Q(answer__response__status=ResponseStatus.SUBMITTED)
)


def _source_text() -> Case:
    return Case(
        When(visit__isnull=False, then=F("visit__notes")),
        *[
            When(feedback_field=name, then=F(f"feedback__{name}"))
            for name in DetailedFeedback.TEXT_FIELDS
        ],
        When(section__isnull=False, then=F("section__body")),
        When(answer__isnull=False, then=F("answer__text")),
        default=Value(""),
        output_field=TextField(),
    )


def with_state(excerpts: QuerySet[Excerpt]) -> QuerySet[Excerpt]:
    """The excerpts with `stale` (one of STANDS, MOVED, GONE, NOT_CITABLE) worked out in the
    query from each source as it is now."""
    text = _source_text()
    return excerpts.annotate(
        # A Case, not the bare condition: an OR over left joins is NULL, not false.
        citable=Case(When(CITABLE, then=Value(True)), default=Value(False)),
        at_offsets=Substr(text, F("start") + 1, F("end") - F("start")),
        found_at=StrIndex(text, F("quote")),
    ).annotate(
        stale=Case(
            When(citable=False, then=Value(NOT_CITABLE)),
            When(quote__contains=redaction.REDACTED, then=Value(REDACTED)),
            When(at_offsets=F("quote"), then=Value(STANDS)),
            When(found_at__gt=0, then=Value(MOVED)),
            default=Value(GONE),
            output_field=CharField(),
        )
    )


def stale(excerpts: QuerySet[Excerpt]) -> QuerySet[Excerpt]:
    return with_state(excerpts).exclude(stale=STANDS)  # type: ignore[misc]  # annotated


@dataclass(frozen=True)
class Source:
    """One citable text: a visit's notes, one field of a feedback record, one section of a
    case study, or one free-text survey answer."""

    kind: str
    record: Visit | DetailedFeedback | Section | Answer
    field: str  # the feedback field; "" for the others
    label: str  # "the notes", "the barriers", "Section: Referral pathway", "Q12"
    text: str
    version: int
    citable: bool

    def excerpt_fields(self) -> dict[str, object]:
        """The excerpt's source foreign key (and feedback field) for this source."""
        fields: dict[str, object] = {SOURCE_FIELDS[SourceType(self.kind)]: self.record}
        if self.kind == SourceType.FEEDBACK:
            fields["feedback_field"] = self.field
        return fields


def visit_source(visit: Visit) -> Source:
    return Source(
        SourceType.VISIT,
        visit,
        "",
        "the notes",
        visit.notes,
        visit.version,
        visit.status == ReviewStatus.APPROVED,
    )


def feedback_source(feedback: DetailedFeedback, field: str) -> Source:
    if field not in DetailedFeedback.TEXT_FIELDS:
        raise ValueError(f"{field} is not a free-text field of detailed feedback")
    label = str(getattr(DetailedFeedback._meta.get_field(field), "verbose_name", field))
    return Source(
        SourceType.FEEDBACK,
        feedback,
        field,
        f"the {label}",
        getattr(feedback, field),
        feedback.version,
        feedback.status == ReviewStatus.APPROVED,
    )


def section_source(section: Section) -> Source:
    case_study = section.case_study
    return Source(
        SourceType.CASE_STUDY,
        section,
        "",
        f"Section: {section.heading}",
        section.body,
        case_study.version,
        case_study.status == CaseStudyStatus.PUBLISHED,
    )


def answer_source(answer: Answer) -> Source:
    response = answer.response
    return Source(
        SourceType.SURVEY,
        answer,
        "",
        f"{answer.question.code}: {answer.question.text}",
        answer.text,
        response.version,
        response.status == ResponseStatus.SUBMITTED
        and answer.question.kind == QuestionKind.FREE_TEXT,
    )


def source_of(excerpt: Excerpt) -> Source:
    """The excerpt's source as it is now."""
    if excerpt.visit_id:
        return visit_source(excerpt.visit)  # type: ignore[arg-type]
    if excerpt.feedback_id:
        return feedback_source(excerpt.feedback, excerpt.feedback_field)  # type: ignore[arg-type]
    if excerpt.section_id:
        return section_source(excerpt.section)  # type: ignore[arg-type]
    return answer_source(excerpt.answer)  # type: ignore[arg-type]
