"""Recording and changing visits and their detailed feedback, without losing anyone's work.

- "Save draft" always works, with or without JavaScript. With JavaScript, autosave.mjs posts
  the form to the autosave URL every 30 seconds when it has changed (once the record exists).
- Each form carries the version it started from. A save from an older version (someone saved
  in between) is refused by the service, and the conflict page shows what is saved now beside
  what the person wrote: their text stays in the form, against the new version, ready to save.
- "Preview notes" shows the notes as they will look (sanitised Markdown) and saves nothing.

Project members only: anonymous callers are asked to sign in, anyone else is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mash_survey import history, identifiers, once
from mash_survey.access import FORM, member_required, member_required_or, signed_in_user
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.markdown import render_markdown

from .. import queries, rules, services
from ..forms import (
    FeedbackForm,
    RecordForm,
    RegionChoiceForm,
    VisitForm,
    saved_feedback_values,
    saved_visit_values,
)
from ..models import DetailedFeedback, Visit
from .pages import record_urls

#: How often autosave.mjs saves a changed form; the browser tests make it shorter.
AUTOSAVE_SECONDS = 30

Record = Visit | DetailedFeedback


def _autosave_seconds() -> int:
    return int(getattr(settings, "VISITS_AUTOSAVE_SECONDS", AUTOSAVE_SECONDS))


# ----- What differs between a visit and its feedback ---------------------------------------


@dataclass(frozen=True)
class Editing:
    """How one kind of record is edited: its form, the service that saves it, its pages."""

    #: As the conflict page and autosave's messages name it.
    record_name: str
    #: The page of the form, and its buttons (also under the conflict page's form).
    template: str
    buttons: str
    #: The URL names of the form and of its autosave, by the visit's pk.
    edit_url: str
    autosave_url: str
    #: After a save from the form.
    saved_message: str
    #: (the visit, the record or None before its first save) for the visit's pk.
    load: Callable[[int], tuple[Visit, Record | None]]
    #: The record as saved now, after someone else's save.
    reload: Callable[[int], Record]
    #: The form for the visit's record (None before its first save), bound to `data` if given.
    form: Callable[[Any, Visit, Record | None], RecordForm]
    #: The service call that saves the valid form.
    save: Callable[[Visit, User, RecordForm, bool], Record]
    #: The saved record shaped as the form's cleaned data.
    saved_values: Callable[[Record], dict[str, Any]]
    #: The saved texts the conflict page shows: (label, text, is it HTML).
    saved_texts: Callable[[RecordForm, Record], list[tuple[str, str, bool]]]
    #: Whether the form has "Preview notes".
    previews: bool = False


def _saving_with(
    service: Callable[..., Record],
) -> Callable[[Visit, User, RecordForm, bool], Record]:
    """Save a valid form with `service` (visit_update, feedback_save), from the version the
    form started from."""

    def save(visit: Visit, user: User, form: RecordForm, autosave: bool) -> Record:
        return service(
            visit=visit,
            user=user,
            seen_version=form.cleaned_data["version"],
            autosave=autosave,
            **form.content(),
        )

    return save


def _visit_form(data: Any, visit: Visit, record: Record | None) -> RecordForm:
    assert record is None or isinstance(record, Visit)
    return VisitForm(data, visit=record)


def _visit_values(record: Record) -> dict[str, Any]:
    assert isinstance(record, Visit)
    return saved_visit_values(record)


def _visit_texts(form: RecordForm, record: Record) -> list[tuple[str, str, bool]]:
    assert isinstance(record, Visit)
    return [("Notes", render_markdown(record.notes), True)]


def _visit_load(pk: int) -> tuple[Visit, Record | None]:
    visit = queries.visit_detail(pk=pk)
    return visit, visit


VISIT = Editing(
    record_name="visit",
    template="visits/editing/visit_form.html",
    buttons="visits/editing/_visit_buttons.html",
    edit_url="visits:edit",
    autosave_url="visits:autosave",
    saved_message="Your changes to the visit are saved.",
    load=_visit_load,
    reload=lambda pk: queries.visit_detail(pk=pk),
    form=_visit_form,
    save=_saving_with(services.visit_update),
    saved_values=_visit_values,
    saved_texts=_visit_texts,
    previews=True,
)


def _feedback_form(data: Any, visit: Visit, record: Record | None) -> RecordForm:
    assert record is None or isinstance(record, DetailedFeedback)
    return FeedbackForm(data, visit=visit, feedback=record)


def _feedback_values(record: Record) -> dict[str, Any]:
    assert isinstance(record, DetailedFeedback)
    return saved_feedback_values(record)


def _feedback_texts(form: RecordForm, record: Record) -> list[tuple[str, str, bool]]:
    return [
        (form.label(name), getattr(record, name), False)
        for name in form.fields
        if form.is_text(name) and getattr(record, name)
    ]


def _feedback_load(pk: int) -> tuple[Visit, Record | None]:
    return queries.visit_detail(pk=pk), queries.feedback_for_visit(visit_pk=pk)


FEEDBACK = Editing(
    record_name="feedback record",
    template="visits/editing/feedback_form.html",
    buttons="visits/editing/_feedback_buttons.html",
    edit_url="visits:feedback_edit",
    autosave_url="visits:feedback_autosave",
    saved_message="The detailed feedback is saved.",
    load=_feedback_load,
    reload=lambda pk: queries.feedback_detail(visit_pk=pk),
    form=_feedback_form,
    save=_saving_with(services.feedback_save),
    saved_values=_feedback_values,
    saved_texts=_feedback_texts,
)


# ----- The form, its page and a save from it ---------------------------------------------


def _action(request: HttpRequest) -> str:
    """Which button was pressed: "preview", "continue" or "save" (Save draft, or Enter)."""
    for action in ("preview", "continue"):
        if action in request.POST:
            return action
    return "save"


def _page(
    request: HttpRequest,
    editing: Editing,
    form: RecordForm,
    *,
    visit: Visit | None,
    record: Record | None,
    preview: str | None = None,
    date_warning: str = "",
) -> HttpResponse:
    autosave_url = ""
    if visit is not None and record is not None:  # autosave only changes a saved record
        autosave_url = reverse(editing.autosave_url, kwargs={"pk": visit.pk})
    return render(
        request,
        editing.template,
        {
            "form": form,
            "visit": visit,
            "feedback": record if isinstance(record, DetailedFeedback) else None,
            "preview": preview,
            "date_warning": date_warning,
            "buttons": editing.buttons,
            "autosave_url": autosave_url,
            "autosave_seconds": _autosave_seconds(),
            # What is in the form is not saved yet (a preview, or a form with problems):
            # autosave saves it at the first tick rather than waiting for a change.
            "unsaved": form.is_bound,
            # Possible identifiers in the text as saved: a warning, the save went through.
            "identifier_hits": identifiers.saved_hits(record),
            # Figures as saved that look wrong: a warning, the save went through.
            "rule_warnings": rules.feedback_warnings(
                record if isinstance(record, DetailedFeedback) else None
            ),
        },
    )


def _preview(form: RecordForm) -> str:
    assert isinstance(form, VisitForm)
    form.hide_errors()
    return render_markdown(form.notes_text())


def _last_saved_by(record: Record) -> str:
    """Who made the version saved now, as people read it ("" if no one is recorded)."""
    latest = record.history.select_related("history_user").first()
    user = getattr(latest, "history_user", None)
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _conflict(
    request: HttpRequest, editing: Editing, *, late: RecordForm, visit: Visit
) -> HttpResponse:
    """The page for a save that came after someone else's: what is saved now, what the person
    wrote (their entries against the new version) and how they differ."""
    fresh = editing.reload(visit.pk)
    data = request.POST.copy()
    data["version"] = str(fresh.version)
    merged = editing.form(data, fresh if isinstance(fresh, Visit) else visit, fresh)
    merged.is_valid()
    saved = editing.saved_values(fresh)
    return render(
        request,
        "visits/editing/conflict.html",
        {
            "form": merged,
            "visit": fresh if isinstance(fresh, Visit) else visit,
            "record": fresh,
            "record_name": editing.record_name,
            "conflict_errors": [("", history.stale_message(fresh)), *merged.error_links()],
            "differences": late.differences(saved),
            "text_differences": late.text_differences(saved),
            "saved_by": _last_saved_by(fresh),
            "saved_at": fresh.updated_at,
            "action_url": reverse(editing.edit_url, kwargs={"pk": visit.pk}),
            "saved_texts": editing.saved_texts(late, fresh),
            "buttons": editing.buttons,
        },
        status=409,
    )


def _saved_already(request: HttpRequest, editing: Editing, form: RecordForm, visit: Visit) -> bool:
    """Whether a refused save is the same edit sent twice (a double click): see
    `history.saved_already`."""

    def holds(fresh: Record) -> bool:
        saved = editing.saved_values(fresh)
        return not form.differences(saved) and not form.text_differences(saved)

    return history.saved_already(
        editing.reload(visit.pk),
        user=signed_in_user(request),
        seen_version=form.cleaned_data["version"],
        holds=holds,
    )


def _post(
    request: HttpRequest,
    editing: Editing,
    form: RecordForm,
    *,
    visit: Visit | None,
    record: Record | None,
    save: Callable[[], Record],
    message: str,
) -> HttpResponse:
    """Preview, or save the posted form and go on; or show its problems (or the conflict)."""
    if editing.previews and _action(request) == "preview":
        return _page(request, editing, form, visit=visit, record=record, preview=_preview(form))
    if form.is_valid():
        try:
            saved = save()
        except StaleEditError as exc:
            if visit is None:  # nothing saved yet that someone else could have changed
                form.add_error(None, str(exc))
            elif _saved_already(request, editing, form, visit):
                messages.success(request, message)
                return redirect(record_urls(editing.reload(visit.pk))["edit"])
            else:
                return _conflict(request, editing, late=form, visit=visit)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, message)
            if warning := form.date_warning():
                messages.warning(request, warning)
            if "continue" in request.POST:
                return redirect(saved)
            return redirect(record_urls(saved)["edit"])
    return _page(request, editing, form, visit=visit, record=record)


def _edit(request: HttpRequest, editing: Editing, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    visit, record = editing.load(pk)
    if request.method != "POST":
        if record is not None and not services.is_editable(record):
            messages.info(request, services.read_only_message(record))
            return redirect(record)
        form = editing.form(None, visit, record)
        return _page(
            request, editing, form, visit=visit, record=record, date_warning=form.date_warning()
        )
    # A record submitted since the form was opened is refused by the service, with the
    # person's text still on the page, rather than sent away here.
    form = editing.form(request.POST, visit, record)
    return _post(
        request,
        editing,
        form,
        visit=visit,
        record=record,
        save=lambda: editing.save(visit, user, form, False),
        message=editing.saved_message,
    )


# ----- Autosave ----------------------------------------------------------------------------


def _autosave_refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": f"Not saved automatically: {message}"}, status=status)


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
members_only = member_required_or(lambda request: _autosave_refusal(SIGNED_OUT, 403))


def _autosave(request: HttpRequest, editing: Editing, pk: int) -> JsonResponse:
    """Save the posted form; JSON: when and which version (and a warning if the saved text
    holds possible identifiers), or why not (400 for a problem in the form, 409 when someone
    else saved first or the record is read-only)."""
    user = signed_in_user(request)
    visit, record = editing.load(pk)
    form = editing.form(request.POST, visit, record)
    if not form.is_valid():
        return _autosave_refusal(_first_problem(form), 400)
    try:
        saved = editing.save(visit, user, form, True)
    except StaleEditError:
        return _autosave_refusal(STALE_AUTOSAVE.format(name=editing.record_name), 409)
    except services.WorkflowError as exc:
        return _autosave_refusal(str(exc), 409)
    except ServiceError as exc:
        return _autosave_refusal(str(exc), 400)
    saved_at = timezone.localtime(saved.updated_at)
    answer: dict[str, Any] = {"saved_at": f"{saved_at:%H:%M:%S}", "version": saved.version}
    if warning := identifiers.saved_warning(identifiers.saved_hits(saved)):
        answer["warning"] = warning
    return JsonResponse(answer)


# ----- The views ---------------------------------------------------------------------------


@member_required(methods=FORM)
def visit_create(request: HttpRequest) -> HttpResponse:
    """Record a visit: first its region (a plain GET form), then the visit's form, which lists
    that region's local authorities."""
    user = signed_in_user(request)
    if request.method != "POST":
        chooser = RegionChoiceForm(request.GET or None)
        if not chooser.is_bound or not chooser.is_valid():
            return render(request, "visits/editing/choose_region.html", {"form": chooser})
        form = VisitForm(region=chooser.cleaned_data["region"], user=user)
        return _page(request, VISIT, form, visit=None, record=None)
    form = VisitForm(request.POST, user=user)
    return _post(
        request,
        VISIT,
        form,
        visit=None,
        record=None,
        save=lambda: once.create_once(
            request, user=user, create=lambda: services.visit_create(user=user, **form.content())
        ),
        message="The visit is saved as a draft.",
    )


@member_required(methods=FORM)
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, VISIT, pk)


@require_POST
@members_only
def visit_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the posted visit form (see _autosave; 403 for anyone but a project member)."""
    return _autosave(request, VISIT, pk)


@member_required(methods=FORM)
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit's detailed feedback: made on its first save, then changed like a visit."""
    return _edit(request, FEEDBACK, pk)


@require_POST
@members_only
def feedback_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """As visit_autosave, for the visit's detailed feedback (once it has been saved)."""
    return _autosave(request, FEEDBACK, pk)
