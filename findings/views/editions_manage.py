"""Report editions for project members: start a draft, write its texts and choose (in order)
the themes, agreed findings and published case studies it includes, send it for review,
withdraw it, and amend a published one. The publish page shows the checklist (errors block,
each linked to where it is fixed; warnings do not) and, for a reviewer who had no hand in the
edition, the button that starts publishing; the progress page follows the freeze job.
The preview of a draft is the public pages' own (`findings:edition_preview`)."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from case_studies.models import CaseStudy, CaseStudyStatus
from mash_survey import history, once, publishing
from mash_survey.access import FORM, POST, SAFE, member_required, signed_in_user
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.forms import posted_version
from mash_survey.identifiers import IdentifiersFoundError, identifier_hits, saved_hits
from mash_survey.pagination import page_of
from mash_survey.roles import is_reviewer

from .. import queries
from ..editions import checklist, services
from ..editions.forms import AmendForm, EditionForm, PublishForm
from ..models import (
    EditionCaseStudy,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Finding,
    FindingStatus,
    FreezeState,
    ReportEdition,
    Theme,
)

M = TypeVar("M", bound=Model)


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _edition(slug: str) -> ReportEdition:
    return get_object_or_404(ReportEdition.objects.select_related("amends"), slug=slug)


def _preview_url(edition: ReportEdition) -> str:
    """The staff preview of the edition's pages (served by the public pages' views)."""
    return reverse("findings:edition_preview", kwargs={"slug": edition.slug})


@member_required(methods=SAFE)
def edition_manage(request: HttpRequest) -> HttpResponse:
    """Every edition, a page at a time: those not yet published first (newest first), then
    the published ones, the latest first."""
    editions = ReportEdition.objects.select_related("amends", "published_by").order_by(
        F("published_at").desc(nulls_first=True), "-pk"
    )
    page = page_of(request, editions)
    return render(
        request,
        "findings/editions/manage/list.html",
        {"page": page, "editions": page.object_list},
    )


@member_required(methods=FORM)
def edition_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = EditionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = once.create_once(
                request,
                user=user,
                create=lambda: services.create_draft(
                    user=user,
                    slug=data["slug"],
                    title=data["title"],
                    summary=data["summary"],
                    introduction=data["introduction"],
                    method=data["method"],
                    caveats=data["caveats"],
                ),
            )
        except ServiceError as exc:
            form.add_error("slug" if "web address" in str(exc) else None, str(exc))
        else:
            messages.success(request, "The edition is saved as a draft. Choose what it includes.")
            return redirect("findings:edition_edit", slug=edition.slug)
    return render(
        request,
        "findings/editions/manage/form.html",
        {"form": form, "errors": form.error_links(), "edition": None},
    )


# ----- Choosing what an edition includes ---------------------------------------------------


def _picked(
    post: QueryDict, name: str, items: Sequence[M], label: Any
) -> tuple[list[M], list[tuple[str, str]]]:
    """The items ticked in the checkboxes `name`, sorted by their order boxes
    (`<name>-order-<pk>`: a whole number; empty puts it after the numbered ones, in the list's
    order), and the problems with the order boxes as (input id, message)."""
    ticked = set(post.getlist(name))
    ordered: list[tuple[int, int, M]] = []
    problems: list[tuple[str, str]] = []
    for position, item in enumerate(items):
        if str(item.pk) not in ticked:
            continue
        box = f"{name}-order-{item.pk}"
        raw = post.get(box, "").strip()
        if not raw:
            ordered.append((10**6, position, item))
        elif raw.isdigit():
            ordered.append((int(raw), position, item))
        else:
            problems.append((box, f"Enter the place of {label(item)} as a whole number, such as 2"))
    return [item for _, _, item in sorted(ordered, key=lambda row: row[:2])], problems


def _choices(edition: ReportEdition) -> dict[str, Any]:
    """What the edition may include (and what it includes, with its place in the order)."""
    theme_rows = {r.theme_id: r.order for r in EditionTheme.objects.filter(edition=edition)}
    finding_rows = {r.finding_id: r.order for r in EditionFinding.objects.filter(edition=edition)}
    study_rows = {
        r.case_study_id: r.order for r in EditionCaseStudy.objects.filter(edition=edition)
    }
    themes = queries.theme_choices()
    themes += list(Theme.objects.filter(pk__in=theme_rows).exclude(pk__in=[t.pk for t in themes]))
    findings = list(
        Finding.objects.filter(status=FindingStatus.AGREED).select_related("theme")
        | Finding.objects.filter(pk__in=finding_rows).select_related("theme")
    )
    findings.sort(key=lambda f: (f.theme.order, f.theme.name, f.order, f.pk))
    studies = list(
        CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED)
        | CaseStudy.objects.filter(pk__in=study_rows)
    )
    studies.sort(key=lambda s: s.title)
    return {
        "themes": themes,
        "findings": findings,
        "case_studies": studies,
        "theme_rows": theme_rows,
        "finding_rows": finding_rows,
        "study_rows": study_rows,
    }


def _ticked(
    post: QueryDict | None, name: str, items: Sequence[Model], rows: dict[int, int]
) -> list[dict[str, Any]]:
    """Each item with whether it is ticked and its order box's value, as posted or saved."""
    shown = []
    for item in items:
        if post is not None:
            ticked = str(item.pk) in post.getlist(name)
            order = post.get(f"{name}-order-{item.pk}", "")
        else:
            ticked = item.pk in rows
            order = str(rows[item.pk] + 1) if item.pk in rows else ""
        shown.append({"item": item, "ticked": ticked, "order": order})
    return shown


def _sent_again(
    exc: ServiceError,
    edition: ReportEdition,
    *,
    user: User,
    data: dict[str, Any],
    parts: tuple[list[Theme], list[Finding], list[CaseStudy]],
) -> bool:
    """Whether a save refused as stale is this person's own edit sent twice (a double click):
    `history.saved_already`, the edition as saved now holding every field of the form and the
    themes, findings and case studies in the order sent."""
    if not isinstance(exc, StaleEditError):
        return False
    edition.refresh_from_db()
    themes, findings, studies = parts

    def holds(saved: ReportEdition) -> bool:
        rows = (
            (EditionTheme, "theme_id", themes),
            (EditionFinding, "finding_id", findings),
            (EditionCaseStudy, "case_study_id", studies),
        )
        return all(
            getattr(saved, name) == value
            for name, value in data.items()
            if name != "version" and hasattr(saved, name)
        ) and all(
            list(model.objects.filter(edition=saved).order_by("order").values_list(key, flat=True))
            == [item.pk for item in items]
            for model, key, items in rows
        )

    return history.saved_already(edition, user=user, seen_version=data["version"], holds=holds)


@member_required(methods=FORM)
def edition_edit(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    if edition.status != EditionStatus.DRAFT:
        messages.info(
            request,
            f"Only a draft edition can be changed. This one is "
            f"{edition.get_status_display().lower()}.",
        )
        return redirect("findings:edition_detail", slug=edition.slug)
    initial = {
        "title": edition.title,
        "slug": edition.slug,
        "summary": edition.summary,
        "introduction": edition.introduction,
        "method": edition.method,
        "caveats": edition.caveats,
        "amendment_reason": edition.amendment_reason,
        "version": edition.version,
    }
    post = _posted(request)
    form = EditionForm(post, initial=initial, amendment=edition.amends_id is not None)
    choices = _choices(edition)
    if post is not None and form.is_valid():
        themes, theme_problems = _picked(post, "themes", choices["themes"], lambda t: t.name)
        findings, finding_problems = _picked(
            post, "findings", choices["findings"], lambda f: f"“{f.headline}”"
        )
        studies, study_problems = _picked(
            post, "case_studies", choices["case_studies"], lambda s: f"“{s.title}”"
        )
        problems = theme_problems + finding_problems + study_problems
        for _box, message in problems:
            form.add_error(None, message)
        if not problems:
            data = form.cleaned_data
            user = signed_in_user(request)
            try:
                services.update(
                    edition=edition,
                    user=user,
                    seen_version=data["version"],
                    title=data["title"],
                    slug=data["slug"],
                    summary=data["summary"],
                    introduction=data["introduction"],
                    method=data["method"],
                    caveats=data["caveats"],
                    amendment_reason=data.get("amendment_reason", ""),
                    themes=themes,
                    findings=findings,
                    case_studies=studies,
                )
                saved = True
            except ServiceError as exc:
                parts = (themes, findings, studies)
                saved = _sent_again(exc, edition, user=user, data=data, parts=parts)
                if not saved:
                    form.add_error("slug" if "web address" in str(exc) else None, str(exc))
            if saved:
                messages.success(request, "Your changes to the edition are saved.")
                return redirect("findings:edition_detail", slug=edition.slug)
    return render(
        request,
        "findings/editions/manage/form.html",
        {
            "form": form,
            "errors": form.error_links(),
            "edition": edition,
            "identifier_hits": saved_hits(edition),
            "themes": _ticked(post, "themes", choices["themes"], choices["theme_rows"]),
            "findings": _ticked(post, "findings", choices["findings"], choices["finding_rows"]),
            "case_studies": _ticked(
                post, "case_studies", choices["case_studies"], choices["study_rows"]
            ),
        },
    )


# ----- An edition's page, review and publishing --------------------------------------------


def _contents(edition: ReportEdition) -> dict[str, Any]:
    return {
        "included_themes": [
            r.theme for r in EditionTheme.objects.filter(edition=edition).select_related("theme")
        ],
        "included_findings": [
            r.finding
            for r in EditionFinding.objects.filter(edition=edition).select_related("finding__theme")
        ],
        "included_case_studies": [
            r.case_study
            for r in EditionCaseStudy.objects.filter(edition=edition).select_related("case_study")
        ],
    }


@member_required(methods=SAFE)
def edition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    found = None if edition.is_published else checklist.check(edition)
    return render(
        request,
        "findings/editions/manage/detail.html",
        {
            "edition": edition,
            "checklist": found,
            "preview_url": _preview_url(edition),
            "identifier_hits": saved_hits(edition),
            "may_publish": edition.status == EditionStatus.IN_REVIEW
            and publishing.may_decide(edition, request.user),
            "not_yours": publishing.not_independent_message(edition),
            "is_reviewer": is_reviewer(request.user),
            "publishing": edition.freeze_state in (FreezeState.QUEUED, FreezeState.RUNNING),
            **_contents(edition),
        },
    )


@member_required(methods=POST)
def edition_submit(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    try:
        services.submit(
            edition=edition, user=signed_in_user(request), seen_version=posted_version(request)
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            "The edition is sent for review. A reviewer who did not write or change it "
            "publishes it.",
        )
    return redirect("findings:edition_detail", slug=edition.slug)


@member_required(methods=POST)
def edition_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    try:
        services.withdraw(
            edition=edition, user=signed_in_user(request), seen_version=posted_version(request)
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, "The edition is back in draft. You can change it again.")
    return redirect("findings:edition_detail", slug=edition.slug)


@member_required(methods=FORM)
def edition_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the checklist, and the button for a reviewer who may publish. POST: publish."""
    edition = _edition(slug)
    user = signed_in_user(request)
    hits = [] if edition.pii_override_reason else identifier_hits(edition)
    form = PublishForm(_posted(request), has_identifiers=bool(hits))
    may_publish = publishing.may_decide(edition, user)
    if request.method == "POST":
        if not is_reviewer(user):
            raise PermissionDenied("Only a reviewer can publish an edition.")
        if not may_publish:
            raise PermissionDenied(publishing.not_independent_message(edition))
        if form.is_valid():
            try:
                services.publish(
                    edition=edition,
                    user=user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except IdentifiersFoundError as exc:
                form.add_error("override_reason" if hits else None, str(exc))
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("findings:edition_progress", slug=edition.slug)
    found = checklist.check(edition)
    return render(
        request,
        "findings/editions/manage/publish.html",
        {
            "edition": edition,
            "checklist": found,
            "form": form,
            "errors": form.error_links(),
            "hits": hits,
            "may_publish": may_publish and edition.status == EditionStatus.IN_REVIEW,
            "not_yours": publishing.not_independent_message(edition),
            "is_reviewer": is_reviewer(user),
            "preview_url": _preview_url(edition),
        },
    )


@member_required(methods=SAFE)
def edition_progress(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    running = edition.freeze_state in (FreezeState.QUEUED, FreezeState.RUNNING)
    return render(
        request,
        "findings/editions/manage/progress.html",
        {
            "edition": edition,
            "running": running,
            "failed": edition.freeze_state == FreezeState.FAILED,
            "may_retry": edition.freeze_state == FreezeState.FAILED
            and publishing.may_decide(edition, request.user),
            "public_url": reverse("findings:edition", kwargs={"edition": edition.slug}),
        },
    )


@member_required(methods=FORM)
def edition_amend(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    if edition.status != EditionStatus.PUBLISHED:
        messages.info(request, "Only the published edition can be amended.")
        return redirect("findings:edition_detail", slug=edition.slug)
    form = AmendForm(_posted(request), initial={"slug": services.suggested_slug(edition)})
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.amend(
                edition=edition,
                user=signed_in_user(request),
                reason=form.cleaned_data["reason"],
                slug=form.cleaned_data["slug"],
            )
        except ServiceError as exc:
            form.add_error("slug" if "web address" in str(exc) else "reason", str(exc))
        else:
            messages.success(
                request,
                "The amendment is saved as a draft with the published edition's texts and "
                "contents. Make the correction, then send it for review.",
            )
            return redirect("findings:edition_edit", slug=amendment.slug)
    return render(
        request,
        "findings/editions/manage/amend.html",
        {"edition": edition, "form": form, "errors": form.error_links()},
    )


@member_required(methods=SAFE)
def edition_history(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition(slug)
    return render(
        request,
        "findings/editions/manage/history.html",
        {
            "edition": edition,
            "history": history.record_history(edition, page_number=request.GET.get("page", 1)),
        },
    )
