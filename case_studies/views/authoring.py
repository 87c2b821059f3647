"""Writing case studies and taking them through review, for project members.

- The manage list shows every case study, whatever its status.
- Create and edit (drafts only) carry the version the person started from: a save from an older
  version is refused with the person's input kept in the form. "Preview" shows the sections as
  they will look (sanitised Markdown) and saves nothing.
- Submit runs the identifier check; a reviewer may let possible identifiers through with a
  reason. Reviewers publish, send back with a comment, or withdraw with a notice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from areas.models import LocalAuthority
from mash_survey.access import FORM, SAFE, member_required, reviewer_required, signed_in_user
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.forms import seen_version
from mash_survey.markdown import render_markdown
from mash_survey.roles import is_reviewer

from .. import services
from ..forms import PUBLISH, CaseStudyForms, CaseStudyReviewForm, CaseStudyWithdrawForm
from ..models import CaseStudy, CaseStudyStatus

HISTORY_HIDDEN = ["version", "updated_at"]


def _seen_version(request: HttpRequest) -> int:
    return seen_version(request.POST.get("version", ""))


# ----- Reads (members see every status) -------------------------------------------------


def _manage_list() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.prefetch_related(
        Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name"))
    ).order_by("-updated_at", "title")


def _case_study(slug: str) -> CaseStudy:
    return get_object_or_404(
        CaseStudy.objects.select_related("visit").prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "sections",
            "key_facts",
        ),
        slug=slug,
    )


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    reason: str
    changed: list[str]


def _history(case_study: CaseStudy) -> list[HistoryEntry]:
    """Every saved version, newest first, with who, when, why and which fields changed."""
    rows = list(
        case_study.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    labels = {f.name: str(f.verbose_name) for f in CaseStudy._meta.concrete_fields}
    entries = []
    for position, row in enumerate(rows):
        previous = rows[position + 1] if position + 1 < len(rows) else None
        changed: list[str] = []
        if previous is not None:
            delta = row.diff_against(previous, excluded_fields=HISTORY_HIDDEN)
            changed = [labels.get(c.field, c.field).capitalize() for c in delta.changes]
        user = row.history_user
        who = (user.get_full_name() or user.get_username()) if user else "Not recorded"
        entries.append(
            HistoryEntry(row.history_date, who, row.history_change_reason or "", changed)
        )
    return entries


def _not_now(request: HttpRequest, message: str) -> HttpResponse:
    """Back to the list, saying why the page is not open to the case study now."""
    messages.info(request, message)
    return redirect("case_studies:manage")


def _status_words(case_study: CaseStudy) -> str:
    return case_study.get_status_display().lower()


# ----- Pages -----------------------------------------------------------------------------


@member_required(methods=SAFE)
def case_study_manage(request: HttpRequest) -> HttpResponse:
    return render(request, "case_studies/authoring/manage.html", {"case_studies": _manage_list()})


def _form_page(
    request: HttpRequest,
    forms: CaseStudyForms,
    *,
    case_study: CaseStudy | None = None,
    preview: list[tuple[str, str]] | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "case_studies/authoring/form.html",
        {
            "forms": forms,
            "form": forms.main,
            "errors": forms.error_links() if preview is None else [],
            "case_study": case_study,
            "preview": preview,
            "conflict": conflict,
            "model_choices": forms.main["model"],
        },
        status=status,
    )


def _preview(forms: CaseStudyForms) -> list[tuple[str, str]]:
    return [(heading, render_markdown(body)) for heading, body in forms.preview_sections()]


def _post(
    request: HttpRequest,
    forms: CaseStudyForms,
    *,
    case_study: CaseStudy | None,
    save: Callable[[], CaseStudy],
    message: str,
) -> HttpResponse:
    """Preview the posted sections, or save the forms and go on to the saved case study's
    form; or show the problems (or, for a save from an older version, the conflict)."""
    if "preview" in request.POST:
        return _form_page(request, forms, case_study=case_study, preview=_preview(forms))
    if forms.is_valid():
        try:
            saved = save()
        except ServiceError as exc:
            if isinstance(exc, StaleEditError) and case_study is not None:
                return _conflict(request, exc, slug=case_study.slug)
            forms.add_error("slug" if "web address" in str(exc) else None, str(exc))
        else:
            messages.success(request, message)
            return redirect("case_studies:edit", slug=saved.slug)
    return _form_page(request, forms, case_study=case_study)


def _conflict(request: HttpRequest, exc: StaleEditError, *, slug: str) -> HttpResponse:
    """The form again, with what the person wrote against the version saved now."""
    fresh = _case_study(slug)
    data = request.POST.copy()
    data["version"] = str(fresh.version)  # saving again keeps what the person wrote
    kept = CaseStudyForms(data, case_study=fresh)
    kept.is_valid()
    kept.add_error(None, str(exc))
    return _form_page(request, kept, case_study=fresh, conflict=True, status=409)


@member_required(methods=FORM)
def case_study_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method != "POST":
        return _form_page(request, CaseStudyForms())
    forms = CaseStudyForms(request.POST)
    return _post(
        request,
        forms,
        case_study=None,
        save=lambda: services.case_study_create(user=user, **forms.content()),
        message="The case study is saved as a draft.",
    )


@member_required(methods=FORM)
def case_study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = _case_study(slug)
    if case_study.status != CaseStudyStatus.DRAFT:
        return _not_now(
            request,
            f"Only a draft case study can be changed. This one is {_status_words(case_study)}.",
        )
    if request.method != "POST":
        return _form_page(request, CaseStudyForms(case_study=case_study), case_study=case_study)
    forms = CaseStudyForms(request.POST, case_study=case_study)
    return _post(
        request,
        forms,
        case_study=case_study,
        save=lambda: services.case_study_update(
            case_study=case_study,
            user=user,
            seen_version=forms.main.cleaned_data["version"],
            **forms.content(),
        ),
        message="Your changes to the case study are saved.",
    )


# ----- Submitting and reviewing ----------------------------------------------------------


@dataclass(frozen=True)
class ShownHit:
    where: str
    kind: str
    before: str
    match: str
    after: str


def _shown_hits(hits: list[services.TextHit]) -> list[ShownHit]:
    shown = []
    for text_hit in hits:
        match = " ".join(text_hit.hit.text.split())
        at = text_hit.context.find(match)
        before, after = (
            (text_hit.context[:at], text_hit.context[at + len(match) :]) if at >= 0 else ("", "")
        )
        shown.append(ShownHit(text_hit.where, text_hit.hit.label, before, match, after))
    return shown


@require_POST
@member_required
def case_study_submit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = _case_study(slug)
    try:
        services.case_study_submit(
            case_study=case_study,
            user=user,
            seen_version=_seen_version(request),
            override_reason=request.POST.get("override_reason", ""),
        )
    except services.IdentifiersFoundError as exc:
        return render(
            request,
            "case_studies/authoring/identifiers_found.html",
            {
                "case_study": case_study,
                "hits": _shown_hits(exc.hits),
                "problem": str(exc),
                "may_override": is_reviewer(user),
                "override_error": (
                    "Enter why these can stay" if "override_reason" in request.POST else ""
                ),
            },
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
        return redirect("case_studies:manage")
    messages.success(
        request,
        "The case study has been sent for review. A reviewer will publish it or send it back "
        "to you with a comment.",
    )
    return redirect("case_studies:manage")


@reviewer_required(methods=FORM)
def case_study_review(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = _case_study(slug)
    if case_study.status != CaseStudyStatus.IN_REVIEW:
        return _not_now(
            request,
            f"This case study is not waiting for review: it is {_status_words(case_study)}.",
        )
    hits = _shown_hits(services.identifier_hits(case_study))
    data = request.POST if request.method == "POST" else None
    form = CaseStudyReviewForm(data, has_identifiers=bool(hits))
    if data is not None and form.is_valid():
        posted = form.cleaned_data
        try:
            if posted["decision"] == PUBLISH:
                services.case_study_publish(
                    case_study=case_study,
                    user=user,
                    seen_version=posted["version"],
                    override_reason=posted["override_reason"],
                )
                done = "The case study is published. Anyone can now read it."
            else:
                services.case_study_send_back(
                    case_study=case_study,
                    user=user,
                    comment=posted["comment"],
                    seen_version=posted["version"],
                )
                done = "The case study has been sent back to draft with your comment."
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("case_studies:manage")
    return render(
        request,
        "case_studies/authoring/review.html",
        {
            "case_study": case_study,
            "sections": [(s.heading, render_markdown(s.body)) for s in case_study.sections.all()],
            "hits": hits,
            "form": form,
            "errors": form.error_links(),
        },
    )


@reviewer_required(methods=FORM)
def case_study_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = _case_study(slug)
    if request.method != "POST" and case_study.status != CaseStudyStatus.PUBLISHED:
        return _not_now(request, "Only a published case study can be withdrawn.")
    form = CaseStudyWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.case_study_withdraw(
                case_study=case_study,
                user=user,
                notice=form.cleaned_data["notice"],
                seen_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The case study is withdrawn. Its page now shows your notice."
            )
            return redirect("case_studies:manage")
    return render(
        request,
        "case_studies/authoring/withdraw.html",
        {"case_study": case_study, "form": form, "errors": form.error_links()},
    )


@member_required(methods=SAFE)
def case_study_history(request: HttpRequest, slug: str) -> HttpResponse:
    case_study = _case_study(slug)
    return render(
        request,
        "case_studies/authoring/history.html",
        {"case_study": case_study, "history": _history(case_study)},
    )
