"""The codebook and the findings, for project members.

- The codebook lists every theme with its definition and counts, and downloads as CSV and
  XLSX. Members add and change themes; reviewers retire, delete (only a theme nothing uses)
  and merge them. A theme's page shows its excerpts (stale ones flagged) and its findings.
- Findings: members draft and change them and choose the evidence they cite (excerpts of the
  theme and survey questions); a reviewer who did not write or change a finding agrees it
  (possible identifiers need a reason and a tick), retires or reopens it.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from mash_survey import history, once, publishing, spreadsheets
from mash_survey.access import FORM, POST, SAFE, member_required, reviewer_required, signed_in_user
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
from mash_survey.pagination import first_rows, page_of
from mash_survey.roles import is_reviewer

from .. import queries, services
from ..forms_manage import (
    AgreeForm,
    EvidenceForm,
    FindingFilterForm,
    FindingForm,
    MergeForm,
    ThemeForm,
)
from ..models import Finding, FindingStatus, Theme, ThemeStatus
from ..sources import STALE_LABELS


def _posted(request: HttpRequest) -> QueryDict | None:
    """The posted form, even an empty one (so it is checked), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _sent_again(
    exc: ServiceError, record: Theme | Finding, *, user: User, data: dict[str, Any]
) -> bool:
    """Whether a save refused as stale is this person's own edit sent twice (a double click):
    `history.saved_already`, with the record as saved now holding every field of the form.
    `record` is read afresh."""
    if not isinstance(exc, StaleEditError):
        return False
    record.refresh_from_db()
    return history.saved_already(
        record,
        user=user,
        seen_version=data["version"],
        holds=lambda saved: all(
            getattr(saved, name) == value for name, value in data.items() if name != "version"
        ),
    )


# ----- The codebook ---------------------------------------------------------------------


@member_required(methods=SAFE)
def codebook(request: HttpRequest) -> HttpResponse:
    page = page_of(request, queries.codebook_themes())
    return render(
        request,
        "findings/manage/codebook.html",
        {
            "page": page,
            "themes": page.object_list,
            "areas_visited": queries.areas_visited(),
            "may_review": is_reviewer(request.user),
        },
    )


@member_required(methods=SAFE)
def codebook_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The codebook with its counts as CSV or XLSX."""
    spreadsheets.check_format(fmt)
    rows = queries.codebook_rows(queries.codebook())
    return spreadsheets.download(fmt, "codebook", [("Codebook", rows)], audited=request)


@member_required(methods=SAFE)
def codebook_theme(request: HttpRequest, slug: str) -> HttpResponse:
    """A theme with its first findings (the rest on the findings list, narrowed to the
    theme) and its coded excerpts a page at a time."""
    theme = queries.theme_detail(slug)
    findings = first_rows(queries.finding_list_for_manage(theme=theme.slug))
    page = page_of(request, queries.excerpts_of_theme(theme))
    in_use = theme.excerpt_count > 0 or findings.paginator.count > 0 or theme.children.exists()  # type: ignore[attr-defined]
    return render(
        request,
        "findings/manage/theme.html",
        {
            "theme": theme,
            "page": page,
            "excerpts": page.object_list,
            "findings": findings,
            "all_findings_url": f"{reverse('findings:manage')}?{urlencode({'theme': theme.slug})}",
            "areas_visited": queries.areas_visited(),
            "stale_labels": STALE_LABELS,
            "may_review": is_reviewer(request.user),
            "in_use": in_use,
        },
    )


def _theme_form_page(
    request: HttpRequest, form: ThemeForm, *, theme: object = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "findings/manage/theme_form.html",
        {"form": form, "theme": theme, "errors": form.error_links()},
        status=status,
    )


@member_required(methods=FORM)
def theme_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ThemeForm(_posted(request), parents=queries.theme_choices(main_only=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme = once.create_once(
                request,
                user=user,
                create=lambda: services.theme_create(
                    user=user,
                    name=data["name"],
                    definition=data["definition"],
                    parent=data["parent"],
                    order=data["order"],
                ),
            )
        except ServiceError as exc:
            form.add_error("name" if "theme called" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"{theme.name} is added to the codebook.")
            return redirect("findings:codebook_theme", slug=theme.slug)
    return _theme_form_page(request, form)


@member_required(methods=FORM)
def theme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    theme = queries.theme_for_member(slug)
    parents = queries.theme_choices(exclude=theme, main_only=True)
    if theme.parent is not None and theme.parent not in parents:
        parents.append(theme.parent)  # a retired parent stays until it is changed
    initial = {
        "name": theme.name,
        "definition": theme.definition,
        "parent": theme.parent_id,
        "order": theme.order,
        "version": theme.version,
    }
    form = ThemeForm(_posted(request), initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme = services.theme_update(
                theme=theme,
                user=user,
                seen_version=data["version"],
                name=data["name"],
                definition=data["definition"],
                parent=data["parent"],
                order=data["order"],
            )
        except ServiceError as exc:
            if not _sent_again(exc, theme, user=user, data=data):
                form.add_error("name" if "theme called" in str(exc) else None, str(exc))
                return _theme_form_page(request, form, theme=theme)
        messages.success(request, f"Your changes to {theme.name} are saved.")
        return redirect("findings:codebook_theme", slug=theme.slug)
    return _theme_form_page(request, form, theme=theme)


@reviewer_required(methods=POST)
def theme_retire(request: HttpRequest, slug: str) -> HttpResponse:
    theme = queries.theme_for_member(slug)
    try:
        services.theme_retire(
            theme=theme,
            user=signed_in_user(request),
            seen_version=posted_version(request),
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request, f"{theme.name} is retired. Its coded excerpts and findings stay with it."
        )
    return redirect("findings:codebook_theme", slug=theme.slug)


@reviewer_required(methods=POST)
def theme_delete(request: HttpRequest, slug: str) -> HttpResponse:
    theme = queries.theme_for_member(slug)
    try:
        services.theme_delete(theme=theme, user=signed_in_user(request))
    except ServiceError as exc:
        messages.info(request, str(exc))
        return redirect("findings:codebook_theme", slug=theme.slug)
    messages.success(request, f"{theme.name} is deleted from the codebook.")
    return redirect("findings:codebook")


@reviewer_required(methods=FORM)
def theme_merge(request: HttpRequest, slug: str) -> HttpResponse:
    theme = queries.theme_for_member(slug)
    if theme.status != ThemeStatus.ACTIVE:
        messages.info(request, f"{theme.name} is retired, so it cannot be merged.")
        return redirect("findings:codebook_theme", slug=theme.slug)
    form = MergeForm(_posted(request), choices=queries.theme_choices(exclude=theme))
    if request.method == "POST" and form.is_valid():
        try:
            into = services.theme_merge(
                theme=theme, into=form.cleaned_data["into"], user=signed_in_user(request)
            )
        except ServiceError as exc:
            form.add_error("into", str(exc))
        else:
            messages.success(
                request,
                f"{theme.name} is merged into {into.name}: its coded excerpts and findings "
                "moved, and it is retired.",
            )
            return redirect("findings:codebook_theme", slug=into.slug)
    return render(
        request,
        "findings/manage/theme_merge.html",
        {"theme": theme, "form": form, "errors": form.error_links()},
    )


@member_required(methods=SAFE)
def theme_history(request: HttpRequest, slug: str) -> HttpResponse:
    theme = queries.theme_for_member(slug)
    return render(
        request,
        "findings/manage/theme_history.html",
        {
            "theme": theme,
            "history": queries.theme_history(theme, page_number=request.GET.get("page", 1)),
        },
    )


# ----- Findings -------------------------------------------------------------------------


@member_required(methods=SAFE)
def finding_manage(request: HttpRequest) -> HttpResponse:
    themes = queries.theme_filter_choices()
    form = FindingFilterForm(request.GET or None, themes=themes)
    theme = form.selected_theme()
    page = page_of(request, queries.finding_list_for_manage(theme=theme))
    return render(
        request,
        "findings/manage/findings.html",
        {
            "form": form,
            "theme_name": dict(themes).get(theme, ""),
            "page": page,
            "findings": page.object_list,
        },
    )


def _finding_form_page(
    request: HttpRequest, form: FindingForm, *, finding: Finding | None = None
) -> HttpResponse:
    return render(
        request,
        "findings/manage/finding_form.html",
        {
            "form": form,
            "finding": finding,
            "errors": form.error_links(),
            "identifier_hits": saved_hits(finding),
        },
    )


@member_required(methods=FORM)
def finding_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    themes = queries.theme_choices()
    chosen = next((t.pk for t in themes if t.slug == request.GET.get("theme")), None)
    form = FindingForm(_posted(request), initial={"theme": chosen}, themes=themes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = once.create_once(
                request,
                user=user,
                create=lambda: services.finding_create(
                    user=user,
                    theme=data["theme"],
                    headline=data["headline"],
                    statement=data["statement"],
                    order=data["order"],
                ),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The finding is saved as a draft. Choose the evidence it rests on."
            )
            return redirect("findings:finding_evidence", pk=finding.pk)
    return _finding_form_page(request, form)


def _not_draft(request: HttpRequest, finding: Finding) -> HttpResponse:
    messages.info(
        request,
        f"Only a draft finding can be changed. This one is {finding.get_status_display().lower()}.",
    )
    return redirect("findings:finding", pk=finding.pk)


@member_required(methods=FORM)
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    finding = queries.finding_for_manage(pk)
    if finding.status != FindingStatus.DRAFT:
        return _not_draft(request, finding)
    themes = queries.theme_choices()
    if finding.theme not in themes:
        themes.append(finding.theme)
    initial = {
        "theme": finding.theme_id,
        "headline": finding.headline,
        "statement": finding.statement,
        "order": finding.order,
        "version": finding.version,
    }
    form = FindingForm(_posted(request), initial=initial, themes=themes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_update(
                finding=finding,
                user=user,
                seen_version=data["version"],
                theme=data["theme"],
                headline=data["headline"],
                statement=data["statement"],
                order=data["order"],
            )
        except ServiceError as exc:
            if not _sent_again(exc, finding, user=user, data=data):
                form.add_error(None, str(exc))
                return _finding_form_page(request, form, finding=finding)
        messages.success(request, "Your changes to the finding are saved.")
        return redirect("findings:finding", pk=finding.pk)
    return _finding_form_page(request, form, finding=finding)


@member_required(methods=SAFE)
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = queries.finding_for_manage(pk)
    return render(
        request,
        "findings/manage/finding.html",
        {
            "finding": finding,
            "statement": render_markdown(finding.statement),
            "areas_visited": queries.areas_visited(),
            "stale_labels": STALE_LABELS,
            "may_review": is_reviewer(request.user),
            "may_agree": publishing.may_decide(finding, request.user),
            "not_yours": publishing.not_independent_message(finding),
            # Possible identifiers in the saved text: a warning until changed or let through.
            "identifier_hits": saved_hits(finding),
            "change_url": reverse("findings:finding_edit", kwargs={"pk": finding.pk}),
        },
    )


@member_required(methods=FORM)
def finding_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    finding = queries.finding_for_manage(pk)
    if finding.status != FindingStatus.DRAFT:
        return _not_draft(request, finding)
    excerpts, questions = queries.evidence_choices(finding)
    cited = finding.evidence.all()
    form = EvidenceForm(
        _posted(request),
        initial={
            "excerpts": [e.excerpt_id for e in cited if e.excerpt_id],
            "questions": [e.question_id for e in cited if e.question_id],
            "version": finding.version,
        },
        excerpts=excerpts,
        question_ids=[q.pk for q in questions],
    )
    if request.method == "POST" and form.is_valid():
        chosen_excerpts = set(form.cleaned_data["excerpts"])
        chosen_questions = set(form.cleaned_data["questions"])
        try:
            services.finding_cite(
                finding=finding,
                user=user,
                excerpts=[e for e in excerpts if e.pk in chosen_excerpts],
                questions=[q for q in questions if q.pk in chosen_questions],
                seen_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The finding's evidence is saved.")
            return redirect("findings:finding", pk=finding.pk)
    selected = form["excerpts"].value() or []
    asked = form["questions"].value() or []
    return render(
        request,
        "findings/manage/finding_evidence.html",
        {
            "finding": finding,
            "form": form,
            "errors": form.error_links(),
            "excerpts": excerpts,
            "questions": questions,
            "selected": {str(v) for v in selected},
            "asked": {str(v) for v in asked},
            "stale_labels": STALE_LABELS,
        },
    )


@reviewer_required(methods=FORM)
def finding_agree(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    finding = queries.finding_for_manage(pk)
    if finding.status != FindingStatus.DRAFT:
        messages.info(request, "Only a draft finding can be agreed.")
        return redirect("findings:finding", pk=finding.pk)
    if not publishing.may_decide(finding, user):
        raise PermissionDenied(publishing.not_independent_message(finding))
    hits = identifier_hits(finding)
    form = AgreeForm(
        _posted(request), initial={"version": finding.version}, has_identifiers=bool(hits)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_agree(
                finding=finding,
                user=user,
                seen_version=form.cleaned_data["version"],
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except IdentifiersFoundError as exc:
            # The text changed since the page was opened: show what is there now.
            return found_page(
                request,
                exc,
                _agree_found_page(finding),
                record=finding,
                user=user,
                context={"section": "findings", "finding_crumb": finding, "finding": finding},
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The finding is agreed. Anyone can now read it.")
            return redirect("findings:finding", pk=finding.pk)
    return render(
        request,
        "findings/manage/finding_agree.html",
        {
            "finding": finding,
            "statement": render_markdown(finding.statement),
            "hits": hits,
            "change_url": reverse("findings:finding_edit", kwargs={"pk": finding.pk}),
            "form": form,
            "errors": form.error_links(),
            "stale_labels": STALE_LABELS,
        },
    )


def _agree_found_page(finding: Finding) -> FoundPage:
    return FoundPage(
        heading="Remove these before the finding is agreed",
        caption=finding.headline,
        not_done="The finding has not been agreed.",
        guidance="Each possible identifier is marked in the words around it:",
        change_url=reverse("findings:finding_edit", kwargs={"pk": finding.pk}),
        change_label="Change the finding",
        back_url=reverse("findings:finding", kwargs={"pk": finding.pk}),
        back_label="Back to the finding",
        override_url=reverse("findings:finding_agree", kwargs={"pk": finding.pk}),
        override_heading="Agree it anyway",
        override_button="Agree the finding with these identifiers",
        record_label="the finding",
        version=finding.version,
        breadcrumbs="findings/manage/_breadcrumbs.html",
        illustrative="findings/manage/_illustrative.html",
    )


@reviewer_required(methods=POST)
def finding_retire(request: HttpRequest, pk: int) -> HttpResponse:
    finding = queries.finding_for_manage(pk)
    try:
        services.finding_retire(
            finding=finding, user=signed_in_user(request), seen_version=posted_version(request)
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, "The finding is retired. It no longer appears in public.")
    return redirect("findings:finding", pk=finding.pk)


@reviewer_required(methods=POST)
def finding_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    finding = queries.finding_for_manage(pk)
    try:
        services.finding_reopen(
            finding=finding, user=signed_in_user(request), seen_version=posted_version(request)
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            "The finding is back in draft and no longer appears in public. Another reviewer "
            "must agree it again.",
        )
    return redirect("findings:finding", pk=finding.pk)


@member_required(methods=SAFE)
def finding_history(request: HttpRequest, pk: int) -> HttpResponse:
    finding = queries.finding_for_manage(pk)
    return render(
        request,
        "findings/manage/finding_history.html",
        {
            "finding": finding,
            "history": queries.finding_history(finding, page_number=request.GET.get("page", 1)),
        },
    )
