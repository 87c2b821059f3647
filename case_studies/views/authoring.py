"""Writing case studies and taking them through review, for project members.

- The manage list shows every case study, whatever its status.
- Create and edit (drafts only) carry the version the person started from: a save from an older
  version is refused with the person's input kept in the form. "Preview" shows the summary, the
  key facts and the sections as they will look (sanitised Markdown) and saves nothing.
- Submit runs the identifier check; a reviewer who had no hand in the case study may let
  possible identifiers through with a reason. Reviewers publish or send back with a comment
  (not what they wrote, changed or sent for review: `mash_survey.publishing`), and withdraw
  with a notice. Nobody sees a link to a step they may not take.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mash_survey import history, once, publishing
from mash_survey.access import FORM, SAFE, member_required, reviewer_required, signed_in_user
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.forms import posted_version
from mash_survey.identifiers import (
    FoundPage,
    IdentifiersFoundError,
    found_page,
    identifier_hits,
    saved_hits,
)
from mash_survey.markdown import render_markdown
from mash_survey.pagination import page_of
from mash_survey.redaction import RedactPage, redact_page
from mash_survey.roles import is_reviewer

from .. import queries, services
from ..forms import PUBLISH, CaseStudyForms, CaseStudyReviewForm, CaseStudyWithdrawForm
from ..models import CaseStudy, CaseStudyStatus


def _not_now(request: HttpRequest, message: str) -> HttpResponse:
    """Back to the list, saying why the page is not open to the case study now."""
    messages.info(request, message)
    return redirect("case_studies:manage")


def _status_words(case_study: CaseStudy) -> str:
    return case_study.get_status_display().lower()


# ----- Pages -----------------------------------------------------------------------------


@member_required(methods=SAFE)
def case_study_manage(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = page_of(request, queries.case_studies_for_manage())
    return render(
        request,
        "case_studies/authoring/manage.html",
        {
            "page": page,
            "rows": queries.manage_rows(page.object_list, user=user),
            "reviewer": is_reviewer(user),
        },
    )


@dataclass(frozen=True)
class Preview:
    """What the form holds as the case study page will show it: the summary, the key facts
    (label, value) and the sections (heading, HTML)."""

    summary: str
    facts: list[tuple[str, str]]
    sections: list[tuple[str, str]]


def _form_page(
    request: HttpRequest,
    forms: CaseStudyForms,
    *,
    case_study: CaseStudy | None = None,
    preview: Preview | None = None,
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
            # Possible identifiers in the text as saved: a warning, the save went through.
            "identifier_hits": saved_hits(case_study),
        },
        status=status,
    )


def _preview(forms: CaseStudyForms) -> Preview:
    return Preview(
        summary=forms.preview_summary(),
        facts=forms.preview_facts(),
        sections=[(heading, render_markdown(body)) for heading, body in forms.preview_sections()],
    )


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
    if "preview" in request.POST and forms.too_many_rows():
        forms.is_valid()  # the formsets say what there is too much of; nothing is saved
        return _form_page(request, forms, case_study=case_study)
    if "preview" in request.POST:
        return _form_page(request, forms, case_study=case_study, preview=_preview(forms))
    if forms.is_valid():
        try:
            saved = save()
        except ServiceError as exc:
            if not isinstance(exc, StaleEditError) or case_study is None:
                forms.add_error("slug" if "web address" in str(exc) else None, str(exc))
                return _form_page(request, forms, case_study=case_study)
            fresh = queries.case_study_for_member(case_study.slug)
            if not history.saved_already(
                fresh,
                user=signed_in_user(request),
                seen_version=forms.main.cleaned_data["version"],
                holds=forms.holds,
            ):
                return _conflict(request, exc, fresh=fresh)
            saved = fresh  # the same form sent twice: its first send saved it
        messages.success(request, message)
        return redirect("case_studies:edit", slug=saved.slug)
    return _form_page(request, forms, case_study=case_study)


def _conflict(request: HttpRequest, exc: StaleEditError, *, fresh: CaseStudy) -> HttpResponse:
    """The form again, with what the person wrote against the version saved now."""
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
        save=lambda: once.create_once(
            request,
            user=user,
            create=lambda: services.case_study_create(user=user, **forms.content()),
        ),
        message="The case study is saved as a draft.",
    )


@member_required(methods=FORM)
def case_study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = queries.case_study_for_member(slug)
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


@require_POST
@member_required
def case_study_submit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = queries.case_study_for_member(slug)
    try:
        services.case_study_submit(
            case_study=case_study,
            user=user,
            seen_version=posted_version(request),
            override_reason=request.POST.get("override_reason", ""),
        )
    except IdentifiersFoundError as exc:
        page = FoundPage(
            heading="Remove these before you send the case study for review",
            caption=case_study.title,
            not_done="The case study has not been sent for review.",
            guidance="Each possible identifier is marked in the words around it:",
            change_url=reverse("case_studies:edit", kwargs={"slug": case_study.slug}),
            change_label="Change the case study",
            back_url=reverse("case_studies:manage"),
            back_label="Back to case studies",
            override_url=reverse("case_studies:submit", kwargs={"slug": case_study.slug}),
            override_heading="Send for review anyway",
            override_button="Send for review with these identifiers",
            record_label="the case study",
            version=case_study.version,
            breadcrumbs="case_studies/authoring/_breadcrumbs.html",
            illustrative="case_studies/authoring/_illustrative.html",
        )
        return found_page(
            request, exc, page, record=case_study, user=user, context={"case_study": case_study}
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
    case_study = queries.case_study_for_member(slug)
    if case_study.status != CaseStudyStatus.IN_REVIEW:
        return _not_now(
            request,
            f"This case study is not waiting for review: it is {_status_words(case_study)}.",
        )
    if not publishing.may_decide(case_study, user):  # a reviewer with a hand in it
        raise PermissionDenied(publishing.not_independent_message(case_study))
    hits = identifier_hits(case_study)
    data = request.POST if request.method == "POST" else None
    form = CaseStudyReviewForm(
        data, has_identifiers=bool(hits), kept_reason=case_study.pii_override_reason
    )
    if data is not None and form.is_valid():
        posted = form.cleaned_data
        try:
            if posted["decision"] == PUBLISH:
                services.case_study_publish(
                    case_study=case_study,
                    user=user,
                    seen_version=posted["version"],
                    override_reason=posted["override_reason"],
                    override_confirmed=posted["override_confirmed"],
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
            "confirm_label": publishing.CONFIRM_LABEL,
        },
    )


@reviewer_required(methods=FORM)
def case_study_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    case_study = queries.case_study_for_member(slug)
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
    case_study = queries.case_study_for_member(slug)
    return render(
        request,
        "case_studies/authoring/history.html",
        {
            "case_study": case_study,
            "history": queries.case_study_history(
                case_study, page_number=request.GET.get("page", 1)
            ),
            "can_redact": is_reviewer(request.user),
        },
    )


@reviewer_required(methods=FORM)
def case_study_redact(request: HttpRequest, slug: str) -> HttpResponse:
    case_study = queries.case_study_for_member(slug)
    page = RedactPage(
        record_label="the case study",
        caption=case_study.title,
        history_url=reverse("case_studies:history", kwargs={"slug": case_study.slug}),
        breadcrumbs="case_studies/authoring/_breadcrumbs.html",
        illustrative="case_studies/authoring/_illustrative.html",
    )
    return redact_page(
        request,
        case_study,
        page,
        user=signed_in_user(request),
        parts=queries.HISTORY_PARTS,
        context={"case_study": case_study},
    )
