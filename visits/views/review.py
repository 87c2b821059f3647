"""The review workflow in the browser: submitting a visit or its feedback (blocked while its
text has possible identifiers), a reviewer's decision (approve, approve anyway with a reason,
or return with a comment), and each record's history."""

from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mash_survey.errors import ServiceError
from mash_survey.identifiers import FoundPage, IdentifiersFoundError, found_page, identifier_hits
from mash_survey.roles import is_reviewer

from .. import queries
from ..forms_review import APPROVE, ReviewForm
from ..models import DetailedFeedback, ReviewStatus, Visit
from ..services import record_approve, record_return, record_submit
from .pages import facts_context, member, record_context, record_name, record_urls

R = TypeVar("R", Visit, DetailedFeedback)


def _reviewer(request: HttpRequest) -> User:
    user = member(request)
    if not is_reviewer(user):
        raise PermissionDenied
    return user


def _seen_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # never a real version: refused as a stale edit


# ----- Submitting ----------------------------------------------------------------


def _submit(request: HttpRequest, user: User, record: R) -> HttpResponse:
    context = record_context(user, record)
    name = record_name(record)
    override_reason = request.POST.get("override_reason", "")
    try:
        record_submit(
            record=record,
            user=user,
            seen_version=_seen_version(request),
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
        return found_page(request, exc, page, user=user, context=context)
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
@login_required
def visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    return _submit(request, user, queries.visit_detail(pk=pk))


@require_POST
@login_required
def feedback_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    return _submit(request, user, queries.feedback_detail(visit_pk=pk))


# ----- Reviewing -----------------------------------------------------------------


def _errors(form: ReviewForm) -> list[tuple[str, str]]:
    """(id to link to, message) for the error summary; the radios' first input for the
    decision, no link for a problem with the record as a whole."""
    anchors = {"decision": "id_decision_1", "comment": "id_comment"}
    anchors["override_reason"] = "id_override_reason"
    errors = [("", str(message)) for message in form.non_field_errors()]
    for name, messages_ in form.errors.items():
        if name == "__all__":
            continue
        errors.extend((anchors.get(name, ""), str(message)) for message in messages_)
    return errors


def _review(request: HttpRequest, user: User, record: R) -> HttpResponse:
    context = record_context(user, record)
    name = record_name(record)
    if record.status != ReviewStatus.SUBMITTED:
        messages.info(
            request,
            f"This {name} is not waiting for review: it is {record.get_status_display().lower()}.",
        )
        return redirect(record.get_absolute_url())
    hits = identifier_hits(record)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, record_name=name, has_identifiers=bool(hits), version=record.version)
    if data is not None and form.is_valid():
        seen_version = form.cleaned_data["version"]
        try:
            if form.cleaned_data["decision"] == APPROVE:
                record_approve(
                    record=record,
                    user=user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
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
    own = record.created_by_id == user.pk and not user.is_superuser
    return render(
        request,
        "visits/review/review.html",
        {
            **context,
            **facts_context(record),
            "form": form,
            "errors": _errors(form),
            "hits": hits,
            "own": own,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    visit = queries.visit_detail(pk=pk)
    return _review(request, user, visit)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    return _review(request, user, queries.feedback_detail(visit_pk=pk))


# ----- History -------------------------------------------------------------------


def _history(request: HttpRequest, user: User, record: R) -> HttpResponse:
    history = queries.record_history(record, page_number=request.GET.get("page", 1))
    return render(
        request,
        "visits/review/history.html",
        {**record_context(user, record), "history": history},
    )


@login_required
@require_safe
def visit_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    return _history(request, user, queries.visit_detail(pk=pk))


@login_required
@require_safe
def feedback_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    return _history(request, user, queries.feedback_detail(visit_pk=pk))
