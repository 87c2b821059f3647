"""Writing case studies and taking them through review, for project members.

- The manage list shows every case study, whatever its status.
- Create and edit (drafts only) carry the version the person started from: a save from an older
  version is refused with the person's input kept in the form. "Preview" shows the sections as
  they will look (sanitised Markdown) and saves nothing.
- Submit runs the identifier check; a reviewer may let possible identifiers through with a
  reason. Reviewers publish, send back with a comment, or withdraw with a notice.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.identifiers import FoundPage, IdentifiersFoundError, found_page, identifier_hits
from mash_survey.markdown import render_markdown
from mash_survey.roles import is_reviewer, is_staff_member

from .. import queries, services
from ..forms import CaseStudyForms
from ..models import CaseStudy, CaseStudyStatus

PUBLISH, SEND_BACK = "publish", "send_back"


def _member(request: HttpRequest) -> User:
    user = request.user
    if not is_staff_member(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def _reviewer(request: HttpRequest) -> User:
    user = _member(request)
    if not is_reviewer(user):
        raise PermissionDenied
    return user


def _seen_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # never a real version: refused as a stale edit


# ----- Reads (members see every status): see queries.py ----------------------------------

_manage_list = queries.case_study_list_for_manage
_case_study = queries.case_study_for_member


# ----- Pages -----------------------------------------------------------------------------


@login_required
@require_safe
def case_study_manage(request: HttpRequest) -> HttpResponse:
    _member(request)
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_create(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method != "POST":
        return _form_page(request, CaseStudyForms())
    forms = CaseStudyForms(request.POST)
    if "preview" in request.POST:
        return _form_page(request, forms, preview=_preview(forms))
    if forms.is_valid():
        try:
            case_study = services.case_study_create(user=user, **forms.content())
        except ServiceError as exc:
            forms.add_error("slug" if "web address" in str(exc) else None, str(exc))
        else:
            messages.success(request, "The case study is saved as a draft.")
            return redirect("case_studies:edit", slug=case_study.slug)
    return _form_page(request, forms)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = _member(request)
    case_study = _case_study(slug)
    if case_study.status != CaseStudyStatus.DRAFT:
        messages.info(
            request,
            "Only a draft case study can be changed. This one is "
            f"{case_study.get_status_display().lower()}.",
        )
        return redirect("case_studies:manage")
    if request.method != "POST":
        return _form_page(request, CaseStudyForms(case_study=case_study), case_study=case_study)
    forms = CaseStudyForms(request.POST, case_study=case_study)
    if "preview" in request.POST:
        return _form_page(request, forms, case_study=case_study, preview=_preview(forms))
    if forms.is_valid():
        try:
            case_study = services.case_study_update(
                case_study=case_study,
                user=user,
                seen_version=forms.main.cleaned_data["version"],
                **forms.content(),
            )
        except StaleEditError as exc:
            fresh = _case_study(slug)
            data = request.POST.copy()
            data["version"] = str(fresh.version)  # saving again keeps what the person wrote
            kept = CaseStudyForms(data, case_study=fresh)
            kept.is_valid()
            kept.add_error(None, str(exc))
            return _form_page(request, kept, case_study=fresh, conflict=True, status=409)
        except ServiceError as exc:
            forms.add_error("slug" if "web address" in str(exc) else None, str(exc))
        else:
            messages.success(request, "Your changes to the case study are saved.")
            return redirect("case_studies:edit", slug=case_study.slug)
    return _form_page(request, forms, case_study=case_study)


# ----- Submitting and reviewing ----------------------------------------------------------


@require_POST
@login_required
def case_study_submit(request: HttpRequest, slug: str) -> HttpResponse:
    user = _member(request)
    case_study = _case_study(slug)
    try:
        services.case_study_submit(
            case_study=case_study,
            user=user,
            seen_version=_seen_version(request),
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
        return found_page(request, exc, page, user=user, context={"case_study": case_study})
    except ServiceError as exc:
        messages.info(request, str(exc))
        return redirect("case_studies:manage")
    messages.success(
        request,
        "The case study has been sent for review. A reviewer will publish it or send it back "
        "to you with a comment.",
    )
    return redirect("case_studies:manage")


def _review_errors(
    decision: str, comment: str, has_hits: bool, override: str
) -> list[tuple[str, str]]:
    if decision not in (PUBLISH, SEND_BACK):
        return [("decision", "Select publish or send back")]
    if decision == SEND_BACK and not comment.strip():
        return [("comment", "Enter a comment saying what needs to change")]
    if decision == PUBLISH and has_hits and not override.strip():
        return [("override_reason", "Enter why the possible identifiers can stay, or send it back")]
    return []


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_review(request: HttpRequest, slug: str) -> HttpResponse:
    user = _reviewer(request)
    case_study = _case_study(slug)
    if case_study.status != CaseStudyStatus.IN_REVIEW:
        messages.info(
            request,
            "This case study is not waiting for review: it is "
            f"{case_study.get_status_display().lower()}.",
        )
        return redirect("case_studies:manage")
    hits = identifier_hits(case_study)
    posted: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("decision", "comment", "override_reason")}
        errors = _review_errors(
            posted["decision"], posted["comment"], bool(hits), posted["override_reason"]
        )
        if not errors:
            try:
                if posted["decision"] == PUBLISH:
                    services.case_study_publish(
                        case_study=case_study,
                        user=user,
                        seen_version=_seen_version(request),
                        override_reason=posted["override_reason"],
                    )
                    done = "The case study is published. Anyone can now read it."
                else:
                    services.case_study_send_back(
                        case_study=case_study,
                        user=user,
                        comment=posted["comment"],
                        seen_version=_seen_version(request),
                    )
                    done = "The case study has been sent back to draft with your comment."
            except ServiceError as exc:
                errors = [("", str(exc))]
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
            "errors": errors,
            "error_fields": {field for field, _ in errors},
            "posted": posted,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    user = _reviewer(request)
    case_study = _case_study(slug)
    errors: list[tuple[str, str]] = []
    notice = ""
    if request.method == "POST":
        notice = request.POST.get("notice", "")
        if not notice.strip():
            errors = [("notice", "Enter the notice readers will see in place of the case study")]
        else:
            try:
                services.case_study_withdraw(
                    case_study=case_study,
                    user=user,
                    notice=notice,
                    seen_version=_seen_version(request),
                )
            except ServiceError as exc:
                errors = [("", str(exc))]
            else:
                messages.success(
                    request, "The case study is withdrawn. Its page now shows your notice."
                )
                return redirect("case_studies:manage")
    elif case_study.status != CaseStudyStatus.PUBLISHED:
        messages.info(request, "Only a published case study can be withdrawn.")
        return redirect("case_studies:manage")
    return render(
        request,
        "case_studies/authoring/withdraw.html",
        {"case_study": case_study, "errors": errors, "notice": notice},
    )


@login_required
@require_safe
def case_study_history(request: HttpRequest, slug: str) -> HttpResponse:
    _member(request)
    case_study = _case_study(slug)
    return render(
        request,
        "case_studies/authoring/history.html",
        {
            "case_study": case_study,
            "history": queries.case_study_history(
                case_study, page_number=request.GET.get("page", 1)
            ),
        },
    )
