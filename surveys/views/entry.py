"""Entering areas' returns in the browser: the list of areas with their status, one area's
return, its form, the "check your answers" page before submitting, reopening (reviewers) and
the return's history. Project members only; the area page shows them the area's returns."""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from areas import queries as area_queries
from areas.models import LocalAuthority
from areas.panels import AreaPanel
from mash_survey import history
from mash_survey.access import FORM, SAFE, member_required, reviewer_required, signed_in_user
from mash_survey.errors import StaleEditError
from mash_survey.forms import seen_version
from mash_survey.history import Part
from mash_survey.identifiers import FieldHit, saved_hits
from mash_survey.pagination import page_of
from mash_survey.redaction import RedactPage, redact_page
from mash_survey.roles import is_reviewer, is_staff_member
from mash_survey.spreadsheets import attachment, write_csv

from .. import queries
from ..forms import ReopenForm, ReturnFilterForm, ReturnForm, anchor
from ..models import Answer, Question, ResponseStatus, ReturnState, Survey
from ..services import (
    IncompleteResponseError,
    ResponseError,
    response_reopen,
    response_save_draft,
    response_submit,
)
from ..values import AnswerValue


def _survey_and_area(slug: str, area: str) -> tuple[Survey, LocalAuthority]:
    return queries.survey_detail(slug=slug), area_queries.authority_detail(slug=area)


def _area_return(slug: str, area: str) -> tuple[Survey, LocalAuthority, queries.AreaReturn]:
    """The survey, the area and the area's return to it as saved now (404 for either)."""
    survey, authority = _survey_and_area(slug, area)
    return survey, authority, queries.area_return(survey, authority)


def shown(value: AnswerValue) -> list[str]:
    """An answer as a person reads it: one line per ticked choice, dates in words."""
    if value.choices:
        return list(value.choices)
    if value.number is not None:
        return [f"{value.number.normalize():,f}"]
    if value.date is not None:
        return [f"{value.date.day} {value.date:%B %Y}"]
    if value.text:
        return [value.text]
    return []


def shown_text(value: AnswerValue) -> str:
    return "; ".join(shown(value)) or "Not answered"


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    value: AnswerValue
    anchor: str
    answer_id: int | None = None  # a submitted free-text answer: it can be coded

    @property
    def lines(self) -> list[str]:
        return shown(self.value)

    @property
    def missing(self) -> bool:
        return self.question.required and self.value.is_empty


@dataclass
class Section:
    heading: str
    rows: list[AnswerRow] = field(default_factory=list)


def _sections(
    questions: list[Question],
    values: dict[int, AnswerValue],
    answer_ids: dict[int, int] | None = None,
) -> list[Section]:
    """The questions with their answers, under each section heading in turn (with the ids of
    the `answer_ids` that can be coded)."""
    sections: list[Section] = []
    for question in questions:
        if question.section or not sections:
            sections.append(Section(question.section))
        value = values.get(question.pk, AnswerValue())
        answer_id = (answer_ids or {}).get(question.pk)
        sections[-1].rows.append(AnswerRow(question, value, anchor(question), answer_id))
    return sections


def _return_urls(survey: Survey, authority: LocalAuthority) -> dict[str, str]:
    kwargs = {"slug": survey.slug, "area": authority.slug}
    return {
        name: reverse(f"surveys:return_{name}", kwargs=kwargs)
        for name in ("detail", "edit", "check", "reopen", "history", "redact")
    } | {"list": reverse("surveys:return_list", kwargs={"slug": survey.slug})}


def _context(current: queries.AreaReturn, **extra: object) -> dict[str, object]:
    return {
        "survey": current.survey,
        "authority": current.local_authority,
        "current": current,
        "response": current.response,
        "urls": _return_urls(current.survey, current.local_authority),
        **extra,
    }


def _identifier_hits(current: queries.AreaReturn) -> list[FieldHit]:
    """The possible identifiers a draft return's saved answers hold, for the warning."""
    response = current.response
    if response is None or response.status != ResponseStatus.DRAFT:
        return []
    return saved_hits(response)


# ----- The list of areas ----------------------------------------------------


def _listed(
    request: HttpRequest, survey: Survey
) -> tuple[ReturnFilterForm, list[queries.AreaStatus], list[queries.AreaStatus]]:
    """The filter form, the areas of the region chosen (all when none) and those of them
    with the status chosen."""
    statuses = queries.area_statuses(survey)
    regions = sorted({s.local_authority.region for s in statuses}, key=lambda r: r.name)
    form = ReturnFilterForm(request.GET or None, regions=regions)
    region = form.selected_region()
    in_region = [s for s in statuses if not region or s.local_authority.region.code == region]
    state = form.selected_state()
    return form, in_region, [s for s in in_region if state is None or s.state == state]


@member_required(methods=SAFE)
def return_list(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    form, in_region, listed = _listed(request, survey)
    region = form.selected_region()
    counts = Counter(s.state for s in in_region)
    page = page_of(request, listed)
    base = {"region": region} if region else {}
    return render(
        request,
        "surveys/entry/list.html",
        {
            "survey": survey,
            "form": form,
            "page": page,
            "statuses": page.object_list,
            "state": form.selected_state(),
            "counts": [
                (state.label, counts[state], f"?{urlencode(base | {'status': state.value})}")
                for state in ReturnState
            ],
            "not_started_csv": reverse("surveys:return_not_started", kwargs={"slug": slug})
            + (f"?{urlencode(base)}" if base else ""),
            "region_name": next((s.local_authority.region.name for s in in_region if region), ""),
        },
    )


@member_required(methods=SAFE)
def return_not_started(request: HttpRequest, slug: str) -> HttpResponse:
    """The areas with no return (of the region chosen), as CSV, to chase them."""
    survey = queries.survey_detail(slug=slug)
    form, in_region, _ = _listed(request, survey)
    rows: list[list[str]] = [["Local authority", "Region", "ONS code", "DfE LA code"]]
    rows += [
        [a.name, a.region.name, a.gss_code, a.dfe_code]
        for a in (s.local_authority for s in in_region if s.state == ReturnState.NOT_STARTED)
    ]
    suffix = f"-{form.selected_region()}" if form.selected_region() else ""
    return attachment(write_csv(rows), "csv", f"{survey.slug}-not-started{suffix}", audited=request)


# ----- One area's return ----------------------------------------------------


@member_required(methods=SAFE)
def return_detail(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    _, _, current = _area_return(slug, area)
    return _detail_page(request, current, ReopenForm())


def _detail_page(
    request: HttpRequest, current: queries.AreaReturn, reopen_form: ReopenForm
) -> HttpResponse:
    questions = queries.survey_questions(current.survey)
    submitted = current.response is not None and current.response.status == ResponseStatus.SUBMITTED
    return render(
        request,
        "surveys/entry/detail.html",
        _context(
            current,
            sections=_sections(
                questions,
                current.values,
                queries.free_text_answer_ids(current.response)
                if submitted and current.response
                else None,
            ),
            identifier_hits=_identifier_hits(current),
            can_edit=not submitted,
            can_reopen=submitted and is_reviewer(signed_in_user(request)),
            reopen_form=reopen_form,
        ),
    )


def _differences(
    questions: list[Question], yours: dict[Question, AnswerValue], saved: dict[int, AnswerValue]
) -> list[tuple[Question, str, str, str]]:
    """Where the saved return now differs from what the person entered: each question, the
    id of its field, the saved answer and theirs."""
    return [
        (q, anchor(q), shown_text(saved.get(q.pk, AnswerValue())), shown_text(yours[q]))
        for q in questions
        if q in yours and yours[q] != saved.get(q.pk, AnswerValue())
    ]


@member_required(methods=FORM)
def return_edit(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    user = signed_in_user(request)
    survey, authority, current = _area_return(slug, area)
    if current.response is not None and current.response.status == ResponseStatus.SUBMITTED:
        return render(request, "surveys/entry/submitted.html", _context(current))
    questions = queries.survey_questions(survey)
    version = current.response.version if current.response else 0

    def form_for(data: QueryDict | None, stored: dict[int, AnswerValue], seen: int) -> ReturnForm:
        return ReturnForm(
            data,
            questions=questions,
            stored=stored,
            version=seen,
            require_answers=data is not None and "continue" in data,
        )

    if request.method != "POST":
        form = form_for(None, current.values, version)
        return render(
            request,
            "surveys/entry/edit.html",
            _context(current, form=form, identifier_hits=_identifier_hits(current)),
        )

    form = form_for(request.POST, current.values, version)
    differences: list[tuple[Question, str, str, str]] = []
    if form.is_valid():
        # The same form sent twice (a double click) finds its answers saved by its first
        # send: it is told they are saved, as the first was, not that nothing had changed.
        sent_again = _saved_already(form, current, user=user)
        unchanged = not sent_again and _holds(form, current)
        try:
            if not unchanged and not sent_again:
                response_save_draft(
                    survey=survey,
                    local_authority=authority,
                    values=form.values,
                    user=user,
                    seen_version=form.cleaned_data["version"],
                )
        except StaleEditError as exc:
            fresh = queries.area_return(survey, authority)
            if _saved_already(form, fresh, user=user):  # both sends at once
                return _saved(request, survey, authority, unchanged=False)
            # Keep what the person entered, against the version now saved, so that saving
            # again (after checking the differences) keeps their answers.
            data = request.POST.copy()
            fresh_version = fresh.response.version if fresh.response else 0
            data["version"] = str(fresh_version)
            yours = form.values
            form = form_for(data, fresh.values, fresh_version)
            form.is_valid()
            form.add_error(None, str(exc))
            differences = _differences(questions, yours, fresh.values)
            current = fresh
        except ResponseError as exc:
            form.add_error(None, str(exc))
        else:
            return _saved(request, survey, authority, unchanged=unchanged)
    return render(
        request,
        "surveys/entry/edit.html",
        _context(current, form=form, differences=differences),
    )


def _holds(form: ReturnForm, area_return: queries.AreaReturn) -> bool:
    """Whether the return as saved has exactly the answers the (valid) form sent."""
    return area_return.response is not None and all(
        value == area_return.values.get(q.pk, AnswerValue()) for q, value in form.values.items()
    )


def _saved_already(form: ReturnForm, area_return: queries.AreaReturn, *, user: User) -> bool:
    """Whether this person's own earlier send of the form saved it (`history.saved_already`)."""
    return area_return.response is not None and history.saved_already(
        area_return.response,
        user=user,
        seen_version=form.cleaned_data["version"],
        holds=lambda _: _holds(form, area_return),
    )


def _saved(
    request: HttpRequest, survey: Survey, authority: LocalAuthority, *, unchanged: bool
) -> HttpResponse:
    """On to the check page (Continue) or the return's page, saying what was saved."""
    urls = _return_urls(survey, authority)
    if "continue" in request.POST:
        return redirect(urls["check"])
    if unchanged:
        messages.success(request, "No answers had changed, so nothing was saved.")
    else:
        messages.success(request, f"The return for {authority.name} is saved as a draft.")
    return redirect(urls["detail"])


@member_required(methods=FORM)
def return_check(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    user = signed_in_user(request)
    survey, authority, current = _area_return(slug, area)
    urls = _return_urls(survey, authority)
    if current.response is None:
        return redirect(urls["edit"])
    if current.response.status == ResponseStatus.SUBMITTED:
        messages.info(request, "This return has already been submitted.")
        return redirect(urls["detail"])
    problem = ""
    if request.method == "POST":
        try:
            response_submit(
                response=current.response,
                user=user,
                seen_version=seen_version(request.POST.get("version", "")),
            )
        except (StaleEditError, IncompleteResponseError) as exc:
            problem = str(exc)
            current = queries.area_return(survey, authority)
        except ResponseError as exc:
            messages.info(request, str(exc))
            return redirect(urls["detail"])
        else:
            messages.success(request, f"The return for {authority.name} has been submitted.")
            return redirect(urls["detail"])
    sections = _sections(queries.survey_questions(survey), current.values)
    missing = [row for section in sections for row in section.rows if row.missing]
    errors = [
        ("", problem),
        *((f"{urls['edit']}#{row.anchor}", row.question.missing_message) for row in missing),
    ]
    return render(
        request,
        "surveys/entry/check.html",
        _context(
            current,
            sections=sections,
            missing=missing,
            problem=problem,
            errors=errors if problem else [],
            identifier_hits=_identifier_hits(current),
        ),
    )


@require_POST
@reviewer_required
def return_reopen(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    user = signed_in_user(request)
    survey, authority, current = _area_return(slug, area)
    response = current.response
    if response is None:
        raise Http404("This area has no return to this survey.")
    form = ReopenForm(request.POST)
    if not form.is_valid() and response.status == ResponseStatus.SUBMITTED:
        return _detail_page(request, current, form)
    try:
        response_reopen(response=response, user=user, reason=form.cleaned_data.get("reason", ""))
    except ResponseError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            f"The return for {authority.name} has been reopened as a draft and can be changed. "
            "It is left out of the public statistics until it is submitted again.",
        )
    return redirect(_return_urls(survey, authority)["detail"])


# ----- History ---------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    change: queries.ReturnChange
    answers: list[tuple[Question, str, str]]


@member_required(methods=SAFE)
def return_history(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    survey, authority = _survey_and_area(slug, area)
    current = queries.area_return(survey, authority)
    entries: list[HistoryEntry] = []
    if current.response is not None:
        questions = queries.survey_questions(survey)
        entries = [
            HistoryEntry(
                change,
                [
                    (c.question, shown_text(c.before), shown_text(c.after))
                    for c in change.answer_changes
                ],
            )
            for change in queries.response_history(current.response, questions)
        ]
    return render(
        request,
        "surveys/entry/history.html",
        _context(current, entries=entries, can_redact=is_reviewer(request.user)),
    )


#: A return's answers, for redaction: their text is part of the return.
ANSWERS = Part("answers", "Answers", Answer, "response", lambda row: row.text)


@reviewer_required(methods=FORM)
def return_redact(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    survey, authority, current = _area_return(slug, area)
    if current.response is None:
        raise Http404("This return has not been started.")
    page = RedactPage(
        record_label="the return",
        caption=f"{authority.name}: {survey.title}",
        history_url=_return_urls(survey, authority)["history"],
        breadcrumbs="surveys/entry/_breadcrumbs.html",
        illustrative="surveys/entry/_illustrative.html",
    )
    return redact_page(
        request,
        current.response,
        page,
        user=signed_in_user(request),
        parts=[ANSWERS],
        context=_context(current),
    )


# ----- The area page ---------------------------------------------------------


def area_returns_panel(request: HttpRequest, authority: LocalAuthority) -> AreaPanel | None:
    """The area's return to each survey, for project members (registered in apps.py)."""
    if not is_staff_member(request.user):
        return None
    returns = queries.returns_for_area(authority)
    if not returns:
        return None
    rows = [
        {
            "survey": r.survey,
            "status": r.status,
            "href": reverse(
                "surveys:return_detail", kwargs={"slug": r.survey.slug, "area": authority.slug}
            ),
        }
        for r in returns
    ]
    return AreaPanel(template="surveys/area_panel.html", context={"returns": rows}, order=20)
