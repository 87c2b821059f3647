"""Reads of visits and detailed feedback, shaped for their pages: the list and its filters,
the "needs attention" list, one visit or feedback record, and a record's history."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from areas.models import LocalAuthority, Region
from mash_survey import publishing
from mash_survey.audience import Audience

from .models import DetailedFeedback, Involvement, ReviewStatus, Visit

# ----- The list of visits ------------------------------------------------------


@dataclass(frozen=True)
class VisitFilter:
    """What the list of visits is narrowed to; blank means everything."""

    region: str = ""  # a region's ONS code
    model: str = ""  # a ModelSeen value
    status: str = ""  # a ReviewStatus value
    month: dt.date | None = None  # the first day of the month


def _areas_by_name() -> Prefetch:
    return Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name"))


def _filtered(visits: QuerySet[Visit], visit_filter: VisitFilter) -> QuerySet[Visit]:
    if visit_filter.region:
        visits = visits.filter(region__code=visit_filter.region)
    if visit_filter.model:
        visits = visits.filter(model_seen=visit_filter.model)
    if visit_filter.status:
        visits = visits.filter(status=visit_filter.status)
    if visit_filter.month:
        month = visit_filter.month
        visits = visits.filter(visit_date__year=month.year, visit_date__month=month.month)
    return visits


def visit_list(visit_filter: VisitFilter | None = None) -> QuerySet[Visit]:
    """Visits with their region, areas and feedback, and `has_feedback`; three queries, any
    number of visits."""
    visits = (
        Visit.objects.select_related("region", "feedback")
        .prefetch_related(_areas_by_name())
        .annotate(has_feedback=Exists(DetailedFeedback.objects.filter(visit=OuterRef("pk"))))
        .order_by("visit_date", "pk")
    )
    return _filtered(visits, visit_filter or VisitFilter())


@dataclass(frozen=True)
class VisitCounts:
    """How many visits the list has, by status, with feedback and illustrative."""

    total: int
    by_status: dict[str, int]
    with_feedback: int
    illustrative: int


def visit_list_counts(visit_filter: VisitFilter | None = None) -> VisitCounts:
    """The counts over every visit `visit_filter` lets through, not just a page of them, in
    one query."""
    visits = _filtered(Visit.objects.order_by(), visit_filter or VisitFilter())
    by_status = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in ReviewStatus}
    counts = visits.aggregate(
        total=Count("pk"),
        with_feedback=Count("pk", filter=Q(feedback__isnull=False)),
        illustrative=Count("pk", filter=Q(is_illustrative=True)),
        **by_status,
    )
    return VisitCounts(
        total=counts["total"],
        by_status={value: counts[f"status_{value}"] for value in ReviewStatus},
        with_feedback=counts["with_feedback"],
        illustrative=counts["illustrative"],
    )


def visit_months() -> list[dt.date]:
    """The first day of each month with a visit, oldest first."""
    return list(Visit.objects.dates("visit_date", "month"))


def visit_regions() -> list[Region]:
    """The regions with at least one visit, in ONS code order."""
    return list(Region.objects.filter(Exists(Visit.objects.filter(region=OuterRef("pk")))))


# ----- What needs a person's attention ------------------------------------------


def _on_the_team(user: User) -> Q:
    team = Visit.visiting_team.through.objects.filter(user_id=user.pk).values("visit_id")
    return Q(created_by_id=user.pk) | Q(pk__in=team)


def _feedback_on_the_team(user: User) -> Q:
    team = Visit.visiting_team.through.objects.filter(user_id=user.pk).values("visit_id")
    return Q(created_by_id=user.pk) | Q(visit_id__in=team)


def _visits() -> QuerySet[Visit]:
    return (
        Visit.objects.select_related("region")
        .prefetch_related(_areas_by_name())
        .order_by("visit_date", "pk")
    )


def _feedback() -> QuerySet[DetailedFeedback]:
    return (
        DetailedFeedback.objects.select_related("visit__region")
        .prefetch_related(
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name"))
        )
        .order_by("visit__visit_date", "visit_id")
    )


def visits_created_by(user: User) -> QuerySet[Visit]:
    """The visits `user` recorded, with their areas (two queries)."""
    return _visits().filter(created_by=user)


def feedback_created_by(user: User) -> QuerySet[DetailedFeedback]:
    """The feedback records `user` wrote, with their visits' areas (two queries)."""
    return _feedback().filter(created_by=user)


@dataclass(frozen=True)
class NeedsAttention:
    """The person's records returned by a reviewer and, for reviewers, what awaits review;
    `not_yours` holds the keys of waiting records someone else must review (the reviewer wrote
    them, changed them or sent them for review)."""

    returned_visits: list[Visit]
    returned_feedback: list[DetailedFeedback]
    waiting_visits: list[Visit] = field(default_factory=list)
    waiting_feedback: list[DetailedFeedback] = field(default_factory=list)
    not_yours_visits: frozenset[int] = frozenset()
    not_yours_feedback: frozenset[int] = frozenset()

    @property
    def count(self) -> int:
        return (
            len(self.returned_visits)
            + len(self.returned_feedback)
            + len(self.waiting_visits)
            + len(self.waiting_feedback)
        )


def needs_attention(*, user: User, reviewer: bool) -> NeedsAttention:
    """Visits and feedback returned to `user` (they wrote it or were on the visiting team);
    for a reviewer, also everything submitted, saying which of it someone else must review. At
    most ten queries."""
    returned = ReviewStatus.RETURNED
    returned_visits = list(_visits().filter(_on_the_team(user), status=returned))
    returned_feedback = list(_feedback().filter(_feedback_on_the_team(user), status=returned))
    if not reviewer:
        return NeedsAttention(returned_visits, returned_feedback)
    submitted = ReviewStatus.SUBMITTED
    waiting_visits = list(_visits().filter(status=submitted))
    waiting_feedback = list(_feedback().filter(status=submitted))
    return NeedsAttention(
        returned_visits,
        returned_feedback,
        waiting_visits,
        waiting_feedback,
        not_yours_visits=_not_yours(waiting_visits, user),
        not_yours_feedback=_not_yours(waiting_feedback, user),
    )


def _not_yours(records: Sequence[Visit] | Sequence[DetailedFeedback], user: User) -> frozenset[int]:
    contributors = publishing.contributors_of(records)
    return frozenset(pk for pk, people in contributors.items() if user.pk in people)


def needs_attention_count(*, user: User, reviewer: bool) -> int:
    """How many records `needs_attention` lists, in one query."""
    returned = ReviewStatus.RETURNED
    visits = Q(status=returned) & _on_the_team(user)
    feedback = Q(status=returned) & _feedback_on_the_team(user)
    if reviewer:
        visits |= Q(status=ReviewStatus.SUBMITTED)
        feedback |= Q(status=ReviewStatus.SUBMITTED)
    counts = (
        Visit.objects.filter(visits)
        .order_by()
        .values("pk")
        .union(DetailedFeedback.objects.filter(feedback).order_by().values("pk"), all=True)
    )
    return counts.count()


# ----- One visit, one feedback record -------------------------------------------


def visit_detail(*, pk: int) -> Visit:
    """A visit with everything its page shows (its feedback, if any, as `visit.feedback`)."""
    visits = Visit.objects.select_related(
        "region",
        "created_by",
        "approved_by",
        "selection__survey",
        "selection__local_authority",
        "feedback",
    ).prefetch_related(_areas_by_name(), "agencies", "visiting_team")
    try:
        return visits.get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404("No visit has that number.") from None


def feedback_for_visit(*, visit_pk: int) -> DetailedFeedback | None:
    """The visit's feedback with everything its page shows, or None if it has none (the visit
    must exist)."""
    return (
        DetailedFeedback.objects.select_related(
            "visit__region", "visit__created_by", "created_by", "approved_by"
        )
        .prefetch_related(
            "staffing",
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name")),
        )
        .filter(visit_id=visit_pk)
        .first()
    )


def feedback_detail(*, visit_pk: int) -> DetailedFeedback:
    feedback = feedback_for_visit(visit_pk=visit_pk)
    if feedback is None:
        raise Http404("This visit has no detailed feedback.")
    return feedback


def partners_by_involvement(visit: Visit) -> list[tuple[str, list[str]]]:
    """(involvement, agency types) for each kind of involvement the visit recorded, in the
    order of `Involvement` (uses the prefetched `agencies`)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for involvement in visit.agencies.all():
        grouped[involvement.involvement].append(involvement.get_agency_type_display())
    return [(label, grouped[value]) for value, label in Involvement.choices if grouped[value]]


# ----- Who sees what: the one rule for the API, search and the area page ------------


def visible_visits(audience: Audience) -> QuerySet[Visit] | None:
    """Project members see every visit, partner keys approved visits, the public none."""
    if audience is Audience.STAFF:
        return Visit.objects.all()
    if audience is Audience.PARTNER:
        return Visit.objects.filter(status=ReviewStatus.APPROVED)
    return None


def visible_feedback(audience: Audience) -> QuerySet[DetailedFeedback] | None:
    """Project members see all feedback; partner keys approved feedback on an approved visit
    (the feedback shows the visit's date and areas); the public none."""
    if audience is Audience.STAFF:
        return DetailedFeedback.objects.all()
    if audience is Audience.PARTNER:
        return DetailedFeedback.objects.filter(
            status=ReviewStatus.APPROVED, visit__status=ReviewStatus.APPROVED
        )
    return None


def _api_audience(approved_only: bool) -> Audience:
    return Audience.PARTNER if approved_only else Audience.STAFF


# ----- The API and the area page (partner keys see approved records only) ------------


def visit_list_for_api(*, approved_only: bool) -> QuerySet[Visit]:
    """Visits by date with their region, areas and agencies, and whether they have feedback
    the caller may see (approved feedback only, with `approved_only`)."""
    visits = visible_visits(_api_audience(approved_only))
    feedback = visible_feedback(_api_audience(approved_only))
    assert visits is not None and feedback is not None
    return (
        visits.select_related("region")
        .prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "agencies",
        )
        .annotate(has_feedback=Exists(feedback.filter(visit=OuterRef("pk"))))
        .order_by("visit_date", "pk")
    )


def feedback_list_for_api(*, approved_only: bool) -> QuerySet[DetailedFeedback]:
    """Detailed feedback by visit date with its visit, areas and staffing. With
    `approved_only`, only approved feedback on an approved visit (the feedback shows the
    visit's date and areas)."""
    feedback = visible_feedback(_api_audience(approved_only))
    assert feedback is not None
    return (
        feedback.select_related("visit__region")
        .prefetch_related(
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "staffing",
        )
        .order_by("visit__visit_date", "pk")
    )


def visit_list_for_area(authority: LocalAuthority) -> QuerySet[Visit]:
    """The visits that took in `authority`, by date, each with `has_feedback` (one query)."""
    return (
        Visit.objects.filter(local_authorities=authority)
        .annotate(has_feedback=Exists(DetailedFeedback.objects.filter(visit=OuterRef("pk"))))
        .order_by("visit_date", "pk")
    )
