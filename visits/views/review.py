"""The review workflow in the browser: submitting a visit or its feedback (blocked while its
text has possible identifiers), a reviewer's decision (approve, approve anyway with a reason,
or return with a comment: only for a reviewer who had no hand in the record), and each
record's history."""

from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mash_survey import publishing
from mash_survey.access import FORM, SAFE, member_required, reviewer_required, signed_in_user
from mash_survey.errors import ServiceError
from mash_survey.forms import posted_version
from mash_survey.history import record_history
from mash_survey.identifiers import FoundPage, IdentifiersFoundError, found_page, identifier_hits
from mash_survey.redaction import RedactPage, redact_page
from mash_survey.roles import is_reviewer

from .. import queries
from ..forms_review import APPROVE, ReviewForm
from ..models import DetailedFeedback, ReviewStatus, Visit
from ..services import record_approve, record_return, record_submit
from .pages import facts_context, record_context, record_name, record_urls

R = TypeVar("R", Visit, DetailedFeedback)


# ----- Submitting ----------------------------------------------------------------


def _submit(request: HttpRequest, user: User, record: R) -> HttpResponse:
    context = record_context(user, record)
    name = record_name(record)
    override_reason = request.POST.get("override_reason", "")
    try:
        record_submit(
            record=record,
            user=user,
            seen_version=posted_version(request),
            override_reason=override_reason,
        )
    except IdentifiersFoundError as exc:
        urls = record_urls(record)
        first_field = f"#id_{exc.hits[0].field}" if exc.hits else ""
        page = FoundPage(
            heading="Remove these before you submit",
            caption=str(record),
            not_done=f"The {name} has not been submitted.",
            guidance="Notes and feedback must not identify a child, a family or a member of "
            "staff. Each possible identifier is marked in the words around it:",
            change_url=urls["edit"] + first_field,
            change_label=f"Change the {name}",
            back_url=urls["detail"],
            back_label=f"Back to the {name}",
            override_url=urls["submit"],
            override_heading="Submit anyway",
            override_button="Submit with these identifiers",
            record_label=f"the {name}",
            version=record.version,
            breadcrumbs="visits/pages/_breadcrumbs.html",
            illustrative="visits/pages/_illustrative.html",
        )
        return found_page(request, exc, page, record=record, user=user, context=context)
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            f"The {name} has been submitted for review. A reviewer will approve it or return "
            "it to you with a comment.",
        )
    return redirect(record.get_absolute_url())


@require_POST
@member_required
def visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(request, signed_in_user(request), queries.visit_detail(pk=pk))


@require_POST
@member_required
def feedback_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(request, signed_in_user(request), queries.feedback_detail(visit_pk=pk))


# ----- Reviewing -----------------------------------------------------------------


def _review(request: HttpRequest, record: R) -> HttpResponse:
    user = signed_in_user(request)
    context = record_context(user, record)
    name = record_name(record)
    if record.status != ReviewStatus.SUBMITTED:
        messages.info(
            request,
            f"This {name} is not waiting for review: it is {record.get_status_display().lower()}.",
        )
        return redirect(record.get_absolute_url())
    if not context["can_review"]:  # a reviewer (the decorator says) with a hand in it
        raise PermissionDenied(publishing.not_independent_message(record))
    hits = identifier_hits(record)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(
        data,
        record_name=name,
        has_identifiers=bool(hits),
        kept_reason=record.pii_override_reason,
        version=record.version,
    )
    if data is not None and form.is_valid():
        seen_version = form.cleaned_data["version"]
        try:
            if form.cleaned_data["decision"] == APPROVE:
                record_approve(
                    record=record,
                    user=user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    override_confirmed=form.cleaned_data.get("override_confirmed", False),
                    seen_version=seen_version,
                )
                done = f"The {name} has been approved. It now counts in the findings."
            else:
                record_return(
                    record=record,
                    user=user,
                    comment=form.cleaned_data["comment"],
                    seen_version=seen_version,
                )
                done = f"The {name} has been returned to its authors with your comment."
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(record.get_absolute_url())
    return render(
        request,
        "visits/review/review.html",
        {
            **context,
            **facts_context(record),
            "form": form,
            "errors": form.error_links(),
            "hits": hits,
        },
    )


@reviewer_required(methods=FORM)
def visit_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, queries.visit_detail(pk=pk))


@reviewer_required(methods=FORM)
def feedback_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, queries.feedback_detail(visit_pk=pk))


# ----- History -------------------------------------------------------------------


def _history(request: HttpRequest, user: User, record: R) -> HttpResponse:
    history = record_history(record, page_number=request.GET.get("page", 1))
    return render(
        request,
        "visits/review/history.html",
        {**record_context(user, record), "history": history, "can_redact": is_reviewer(user)},
    )


@member_required(methods=SAFE)
def visit_history(request: HttpRequest, pk: int) -> HttpResponse:
    return _history(request, signed_in_user(request), queries.visit_detail(pk=pk))


@member_required(methods=SAFE)
def feedback_history(request: HttpRequest, pk: int) -> HttpResponse:
    return _history(request, signed_in_user(request), queries.feedback_detail(visit_pk=pk))


# ----- Redaction ------------------------------------------------------------------


def _redact(request: HttpRequest, record: R) -> HttpResponse:
    name = record_name(record)
    page = RedactPage(
        record_label=f"the {name}",
        caption=f"Detailed feedback: {record}" if name == "feedback" else str(record),
        history_url=record_urls(record)["history"],
        breadcrumbs="visits/pages/_breadcrumbs.html",
        illustrative="visits/pages/_illustrative.html",
    )
    user = signed_in_user(request)
    return redact_page(request, record, page, user=user, context=record_context(user, record))


@reviewer_required(methods=FORM)
def visit_redact(request: HttpRequest, pk: int) -> HttpResponse:
    return _redact(request, queries.visit_detail(pk=pk))


@reviewer_required(methods=FORM)
def feedback_redact(request: HttpRequest, pk: int) -> HttpResponse:
    return _redact(request, queries.feedback_detail(visit_pk=pk))
