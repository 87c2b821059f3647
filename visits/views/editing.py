"""Recording and changing visits and their detailed feedback, without losing anyone's work.

- "Save draft" always works, with or without JavaScript. With JavaScript, autosave.mjs posts
  the form to the autosave URL every 30 seconds when it has changed (once the record exists).
- Each form carries the version it started from. A save from an older version (someone saved
  in between) is refused by the service, and the conflict page shows what is saved now beside
  what the person wrote: their text stays in the form, against the new version, ready to save.
- "Preview notes" shows the notes as they will look (sanitised Markdown) and saves nothing.

Project members only: anonymous callers are asked to sign in, anyone else is refused.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.markdown import render_markdown
from mash_survey.roles import is_staff_member

from .. import queries, services
from ..forms import (
    FeedbackForm,
    RecordForm,
    RegionChoiceForm,
    VisitForm,
    fieldwork_warning,
    saved_feedback_values,
    saved_visit_values,
)
from ..models import DetailedFeedback, Visit

#: How often autosave.mjs saves a changed form; the browser tests make it shorter.
AUTOSAVE_SECONDS = 30


def _autosave_seconds() -> int:
    return int(getattr(settings, "VISITS_AUTOSAVE_SECONDS", AUTOSAVE_SECONDS))


def _member(request: HttpRequest) -> User:
    """The signed-in project member, or 403 (anonymous callers are sent to sign in first)."""
    user = request.user
    if not is_staff_member(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def _action(request: HttpRequest) -> str:
    """Which button was pressed: "preview", "continue" or "save" (Save draft, or Enter)."""
    for action in ("preview", "continue"):
        if action in request.POST:
            return action
    return "save"


def _saved(request: HttpRequest, message: str, warning: str = "") -> None:
    messages.success(request, message)
    if warning:
        messages.warning(request, warning)


def _last_saved_by(record: Visit | DetailedFeedback) -> str:
    """Who made the version saved now, as people read it ("" if no one is recorded)."""
    latest = record.history.select_related("history_user").first()
    user = getattr(latest, "history_user", None)
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _conflict(
    request: HttpRequest,
    *,
    late: RecordForm,
    merged: RecordForm,
    saved: dict[str, Any],
    record: Visit | DetailedFeedback,
    visit: Visit,
    context: dict[str, Any],
) -> HttpResponse:
    """The page for a save that came after someone else's: what is saved now, what the person
    wrote (`merged`: their entries against the new version) and how they differ."""
    return render(
        request,
        "visits/editing/conflict.html",
        {
            "form": merged,
            "visit": visit,
            "record": record,
            "record_name": "visit" if isinstance(record, Visit) else "feedback record",
            "conflict_errors": [("", services.stale_message(record)), *merged.error_links()],
            "differences": late.differences(saved),
            "text_differences": late.text_differences(saved),
            "saved_by": _last_saved_by(record),
            "saved_at": record.updated_at,
            **context,
        },
        status=409,
    )


def _with_version(request: HttpRequest, version: int) -> Any:
    data = request.POST.copy()
    data["version"] = str(version)
    return data


# ----- Visits ----------------------------------------------------------------------------


def _visit_page(
    request: HttpRequest,
    form: VisitForm,
    *,
    visit: Visit | None = None,
    preview: str | None = None,
    date_warning: str = "",
) -> HttpResponse:
    autosave_url = reverse("visits:autosave", kwargs={"pk": visit.pk}) if visit else ""
    return render(
        request,
        "visits/editing/visit_form.html",
        {
            "form": form,
            "visit": visit,
            "preview": preview,
            "date_warning": date_warning,
            "autosave_url": autosave_url,
            "autosave_seconds": _autosave_seconds(),
            # What is in the form is not saved yet (a preview, or a form with problems):
            # autosave saves it at the first tick rather than waiting for a change.
            "unsaved": form.is_bound,
        },
    )


def _preview(form: VisitForm) -> str:
    form.hide_errors()
    return render_markdown(form.notes_text())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    """Record a visit: first its region (a plain GET form), then the visit's form, which lists
    that region's local authorities."""
    user = _member(request)
    if request.method != "POST":
        chooser = RegionChoiceForm(request.GET or None)
        if not chooser.is_bound or not chooser.is_valid():
            return render(request, "visits/editing/choose_region.html", {"form": chooser})
        return _visit_page(request, VisitForm(region=chooser.cleaned_data["region"], user=user))

    form = VisitForm(request.POST, user=user)
    action = _action(request)
    if action == "preview":
        return _visit_page(request, form, preview=_preview(form))
    if form.is_valid():
        try:
            visit = services.visit_create(user=user, **form.content())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            _saved(request, "The visit is saved as a draft.", form.date_warning())
            if action == "continue":
                return redirect(visit)
            return redirect("visits:edit", pk=visit.pk)
    return _visit_page(request, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    visit = queries.visit_detail(pk=pk)
    if request.method != "POST":
        if not services.is_editable(visit):
            messages.info(request, services.read_only_message(visit))
            return redirect(visit)
        return _visit_page(
            request,
            VisitForm(visit=visit),
            visit=visit,
            date_warning=fieldwork_warning(visit.visit_date),
        )

    # A visit submitted since the form was opened is refused by the service below, with the
    # person's text still on the page, rather than sent away here.
    form = VisitForm(request.POST, visit=visit)
    action = _action(request)
    if action == "preview":
        return _visit_page(request, form, visit=visit, preview=_preview(form))
    if form.is_valid():
        try:
            services.visit_update(
                visit=visit,
                user=user,
                seen_version=form.cleaned_data["version"],
                **form.content(),
            )
        except StaleEditError:
            fresh = queries.visit_detail(pk=pk)
            merged = VisitForm(_with_version(request, fresh.version), visit=fresh)
            merged.is_valid()
            return _conflict(
                request,
                late=form,
                merged=merged,
                saved=saved_visit_values(fresh),
                record=fresh,
                visit=fresh,
                context={
                    "action_url": reverse("visits:edit", kwargs={"pk": pk}),
                    "saved_texts": [("Notes", render_markdown(fresh.notes), True)],
                    "buttons": "visits/editing/_visit_buttons.html",
                },
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            _saved(request, "Your changes to the visit are saved.", form.date_warning())
            if action == "continue":
                return redirect(visit)
            return redirect("visits:edit", pk=visit.pk)
    return _visit_page(request, form, visit=visit)


def _autosave_refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": f"Not saved automatically: {message}"}, status=status)


def _autosave_member(request: HttpRequest) -> User | None:
    user = request.user
    if is_staff_member(user) and isinstance(user, User):
        return user
    return None


def _autosaved(record: Visit | DetailedFeedback) -> JsonResponse:
    saved_at = timezone.localtime(record.updated_at)
    return JsonResponse({"saved_at": f"{saved_at:%H:%M:%S}", "version": record.version})


def _first_problem(form: RecordForm) -> str:
    links = form.error_links()
    return links[0][1] if links else "check the form"


STALE_AUTOSAVE = (
    "someone else changed this {name} while you were editing it. Your changes are still on "
    "this page: choose Save draft to see both versions and keep what you need."
)
SIGNED_OUT = (
    "only project members can save this. If you have been signed out, copy your changes, sign "
    "in again, then paste them back."
)


@require_POST
def visit_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the posted visit form; JSON: when and which version, or why not (403, 400 for a
    problem in the form, 409 when someone else saved first or the visit is read-only)."""
    user = _autosave_member(request)
    if user is None:
        return _autosave_refusal(SIGNED_OUT, 403)
    visit = queries.visit_detail(pk=pk)
    form = VisitForm(request.POST, visit=visit)
    if not form.is_valid():
        return _autosave_refusal(_first_problem(form), 400)
    try:
        visit = services.visit_update(
            visit=visit,
            user=user,
            seen_version=form.cleaned_data["version"],
            autosave=True,
            **form.content(),
        )
    except StaleEditError:
        return _autosave_refusal(STALE_AUTOSAVE.format(name="visit"), 409)
    except services.WorkflowError as exc:
        return _autosave_refusal(str(exc), 409)
    except ServiceError as exc:
        return _autosave_refusal(str(exc), 400)
    return _autosaved(visit)


# ----- Detailed feedback -------------------------------------------------------------------


def _feedback_page(
    request: HttpRequest, form: FeedbackForm, *, visit: Visit, feedback: DetailedFeedback | None
) -> HttpResponse:
    autosave_url = reverse("visits:feedback_autosave", kwargs={"pk": visit.pk}) if feedback else ""
    return render(
        request,
        "visits/editing/feedback_form.html",
        {
            "form": form,
            "visit": visit,
            "feedback": feedback,
            "autosave_url": autosave_url,
            "autosave_seconds": _autosave_seconds(),
            "unsaved": form.is_bound,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit's detailed feedback: made on its first save, then changed like a visit."""
    user = _member(request)
    visit = queries.visit_detail(pk=pk)
    feedback = queries.feedback_for_visit(visit_pk=pk)
    if request.method != "POST":
        if feedback is not None and not services.is_editable(feedback):
            messages.info(request, services.read_only_message(feedback))
            return redirect(feedback)
        form = FeedbackForm(feedback=feedback)
        return _feedback_page(request, form, visit=visit, feedback=feedback)

    form = FeedbackForm(request.POST, feedback=feedback)
    if form.is_valid():
        try:
            feedback = services.feedback_save(
                visit=visit,
                user=user,
                seen_version=form.cleaned_data["version"],
                **form.content(),
            )
        except StaleEditError:
            fresh = queries.feedback_detail(visit_pk=pk)
            merged = FeedbackForm(_with_version(request, fresh.version), feedback=fresh)
            merged.is_valid()
            return _conflict(
                request,
                late=form,
                merged=merged,
                saved=saved_feedback_values(fresh),
                record=fresh,
                visit=visit,
                context={
                    "action_url": reverse("visits:feedback_edit", kwargs={"pk": pk}),
                    "saved_texts": [
                        (form.label(name), getattr(fresh, name), False)
                        for name in form.fields
                        if form.is_text(name) and getattr(fresh, name)
                    ],
                    "buttons": "visits/editing/_feedback_buttons.html",
                },
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            _saved(request, "The detailed feedback is saved.")
            if "continue" in request.POST:
                return redirect(feedback)
            return redirect("visits:feedback_edit", pk=pk)
    return _feedback_page(request, form, visit=visit, feedback=feedback)


@require_POST
def feedback_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """As visit_autosave, for the visit's detailed feedback (once it has been saved)."""
    user = _autosave_member(request)
    if user is None:
        return _autosave_refusal(SIGNED_OUT, 403)
    visit = queries.visit_detail(pk=pk)
    feedback = queries.feedback_for_visit(visit_pk=pk)
    form = FeedbackForm(request.POST, feedback=feedback)
    if not form.is_valid():
        return _autosave_refusal(_first_problem(form), 400)
    try:
        feedback = services.feedback_save(
            visit=visit,
            user=user,
            seen_version=form.cleaned_data["version"],
            autosave=True,
            **form.content(),
        )
    except StaleEditError:
        return _autosave_refusal(STALE_AUTOSAVE.format(name="feedback record"), 409)
    except services.WorkflowError as exc:
        return _autosave_refusal(str(exc), 409)
    except ServiceError as exc:
        return _autosave_refusal(str(exc), 400)
    return _autosaved(feedback)
