"""The visit pages: the list of visits (filtered), what needs a person's attention, one visit
and its detailed feedback. Project members only; reviewer actions are in review.py."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from mash_survey import identifiers, publishing
from mash_survey.access import SAFE, member_required, signed_in_user
from mash_survey.markdown import render_markdown
from mash_survey.pagination import first_rows, page_of, paginate, shown_list
from mash_survey.roles import is_reviewer

from .. import queries, rules
from ..forms_review import VisitFilterForm
from ..models import DetailedFeedback, ReviewStatus, Visit

EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


def record_name(record: Visit | DetailedFeedback) -> str:
    return "visit" if isinstance(record, Visit) else "feedback"


#: Each page or action of a record: (the visit's URL name, its feedback's).
URL_NAMES = {
    "detail": ("detail", "feedback"),
    "edit": ("edit", "feedback_edit"),
    "submit": ("submit", "feedback_submit"),
    "review": ("review", "feedback_review"),
    "history": ("history", "feedback_history"),
    "redact": ("redact", "feedback_redact"),
}


def record_urls(record: Visit | DetailedFeedback) -> dict[str, str]:
    """The pages and actions of a visit or of its feedback, by what they do."""
    is_visit = isinstance(record, Visit)
    kwargs = {"pk": record.pk if isinstance(record, Visit) else record.visit_id}
    urls = {
        key: reverse(f"visits:{names[0 if is_visit else 1]}", kwargs=kwargs)
        for key, names in URL_NAMES.items()
    }
    urls["visit"] = reverse("visits:detail", kwargs=kwargs)
    return urls


def record_context(user: User, record: Visit | DetailedFeedback) -> dict[str, object]:
    """What every page about one record shows: its status, and the actions open to `user`
    (a reviewer who had a hand in a submitted record is told someone else must review it)."""
    status = record.status
    waiting = status == ReviewStatus.SUBMITTED and is_reviewer(user)
    can_review = waiting and publishing.may_decide(record, user)
    return {
        "record": record,
        "visit": record if isinstance(record, Visit) else record.visit,
        "record_name": record_name(record),
        "urls": record_urls(record),
        "can_edit": status in EDITABLE,
        "can_submit": status in EDITABLE,
        "can_review": can_review,
        "not_yours": publishing.not_independent_message(record)
        if waiting and not can_review
        else "",
    }


def facts_context(record: Visit | DetailedFeedback) -> dict[str, object]:
    """What the pages that show a record's facts need (its detail and review pages)."""
    if isinstance(record, Visit):
        return {
            "visit": record,
            "partners": queries.partners_by_involvement(record),
            "notes_html": render_markdown(record.notes),
        }
    staffing = list(record.staffing.all())
    return {
        "feedback": record,
        "rule_warnings": rules.feedback_warnings(record),
        "visit": record.visit,
        "staffing": staffing,
        "total_fte": sum((s.staff_fte for s in staffing), start=Decimal(0)),
        "timescales": [
            ("Red", record.red_hours),
            ("Amber", record.amber_hours),
            ("Green", record.green_hours),
            *([("Blue", record.blue_hours)] if record.uses_blue_rating else []),
        ],
    }


def coding_fields(feedback: DetailedFeedback) -> list[tuple[str, str]]:
    """The approved feedback's free-text fields that have text to code: (name, label)."""
    if feedback.status != ReviewStatus.APPROVED:
        return []
    return [
        (name, label.removeprefix("the "))
        for name, label, text in feedback.identifier_texts()
        if text
    ]


@member_required(methods=SAFE)
def visit_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = VisitFilterForm(
        request.GET or None, regions=queries.visit_regions(), months=queries.visit_months()
    )
    visit_filter = form.visit_filter()
    counts = queries.visit_list_counts(visit_filter)
    page = paginate(queries.visit_list(visit_filter), request.GET.get("page"), count=counts.total)
    return render(
        request,
        "visits/index.html",
        {
            "form": form,
            "page": page,
            "visits": page.object_list,
            "filtered_by": form.describe(visit_filter),
            "counts": [(label, counts.by_status[value]) for value, label in ReviewStatus.choices],
            "total": counts.total,
            "with_feedback": counts.with_feedback,
            "illustrative": counts.illustrative,
            "attention_count": queries.needs_attention_count(user=user, reviewer=is_reviewer(user)),
        },
    )


#: The lists of "Needs your attention": (key, heading).
ATTENTION_LISTS = (("returned", "Returned to you"), ("waiting", "Waiting for review"))


def _attention_rows(attention: queries.NeedsAttention) -> dict[str, list[dict[str, object]]]:
    """Each list's rows: the record, the page its link opens and, for a record waiting for
    review, whether someone else must review it. Visits first, then feedback."""

    def waiting(record: Visit | DetailedFeedback, not_yours: frozenset[int]) -> dict[str, object]:
        mine = record.pk in not_yours
        page = "detail" if mine else "review"
        return {"item": record, "link_name": _link(record, page), "not_yours": mine}

    returned: list[Visit | DetailedFeedback] = [
        *attention.returned_visits,
        *attention.returned_feedback,
    ]
    return {
        "returned": [{"item": record, "link_name": _link(record, "detail")} for record in returned],
        "waiting": [
            *(waiting(v, attention.not_yours_visits) for v in attention.waiting_visits),
            *(waiting(f, attention.not_yours_feedback) for f in attention.waiting_feedback),
        ],
    }


def _link(record: Visit | DetailedFeedback, page: str) -> str:
    return f"visits:{URL_NAMES[page][0 if isinstance(record, Visit) else 1]}"


@member_required(methods=SAFE)
def needs_attention(request: HttpRequest) -> HttpResponse:
    """The records returned to the person and, for reviewers, those waiting for review: the
    first few of each list, or with `?show=<list>` that list alone, a page at a time."""
    user = signed_in_user(request)
    reviewer = is_reviewer(user)
    rows = _attention_rows(queries.needs_attention(user=user, reviewer=reviewer))
    lists = [(key, heading) for key, heading in ATTENTION_LISTS if reviewer or key != "waiting"]
    show = shown_list(request, (key for key, _ in lists))
    context: dict[str, object] = {
        "reviewer": reviewer,
        "total": sum(len(listed) for listed in rows.values()),
        "show": show,
    }
    if show:
        context["heading"] = dict(lists)[show]
        context[show] = context["page"] = page_of(request, rows[show])
    else:
        context.update({key: first_rows(rows[key]) for key, _ in lists})
    return render(request, "visits/pages/needs_attention.html", context)


@member_required(methods=SAFE)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    visit = queries.visit_detail(pk=pk)
    try:
        feedback: DetailedFeedback | None = visit.feedback
    except DetailedFeedback.DoesNotExist:
        feedback = None
    return render(
        request,
        "visits/pages/visit_detail.html",
        {
            **record_context(user, visit),
            **facts_context(visit),
            "feedback": feedback,
            "identifier_hits": identifiers.saved_hits(visit),
        },
    )


@member_required(methods=SAFE)
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    feedback = queries.feedback_for_visit(visit_pk=pk)
    if feedback is None:
        visit = get_object_or_404(Visit.objects.prefetch_related("local_authorities"), pk=pk)
        return render(
            request,
            "visits/pages/no_feedback.html",
            {"visit": visit, "add_url": reverse("visits:feedback_edit", kwargs={"pk": pk})},
            status=404,
        )
    return render(
        request,
        "visits/pages/feedback_detail.html",
        {
            **record_context(user, feedback),
            **facts_context(feedback),
            "identifier_hits": identifiers.saved_hits(feedback),
            "coding_fields": coding_fields(feedback),
        },
    )
