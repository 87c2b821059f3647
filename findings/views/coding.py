"""Coding the evidence in the browser (project members): each citable source's text with its
coded passages, where a passage is coded by selecting it (offsets taken from the stored text)
or by pasting it; an excerpt's page (its quote in context, themes and memo, clearance for
reviewers, re-anchor, re-confirm, remove, history); and the stale excerpts that need
attention."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mash_survey import history
from mash_survey.access import FORM, POST, SAFE, member_required, signed_in_user
from mash_survey.errors import ServiceError
from mash_survey.forms import seen_version
from mash_survey.pagination import page_of
from mash_survey.roles import is_reviewer

from .. import coding, queries, services, sources
from ..coding import CodingPage
from ..forms_coding import ClearanceForm, CodePassageForm, ExcerptForm, ReconfirmForm
from ..models import Clearance, Coding, Excerpt, Theme

# ----- A source's coding page ----------------------------------------------------------


def _coding_page(request: HttpRequest, page: CodingPage) -> HttpResponse:
    user = signed_in_user(request)
    source = page.source
    data = request.POST if request.method == "POST" else None
    form = CodePassageForm(data, occurrences=_occurrences(source, data))
    if data is not None and form.is_valid():
        if form.has_occurrences and form.cleaned_data["occurrence"] is None:
            count = len(form.fields["occurrence"].choices)  # type: ignore[attr-defined]
            form.add_error(
                "occurrence", f"The passage appears {count} times: select which one you mean"
            )
        else:
            try:
                excerpt = _code(user, source, form)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                names = ", ".join(t.name for t in excerpt.themes.all())
                messages.success(request, f"The passage has been coded to {names}.")
                return redirect(f"{page.coding_url}#excerpt-{excerpt.pk}")
    excerpts = queries.excerpts_of_source(**source.excerpt_fields())
    return render(
        request,
        "findings/coding/source.html",
        {
            "page": page,
            "source": source,
            "text_html": coding.highlighted(source.text, excerpts),
            "excerpts": excerpts,
            "form": form,
            "errors": form.error_links(),
            "stale_labels": sources.STALE_LABELS,
        },
    )


def _occurrences(source: sources.Source, data: Any) -> list[str]:
    """A pasted passage's places in the text, each in its words, when there are several (a
    selection says where it is: none to choose from)."""
    if data is None or data.get("start") or data.get("end"):
        return []
    passage = services.as_in(source.text, data.get("passage", "").strip())
    starts = services.find_passage(source.text, passage)
    if len(starts) < 2:
        return []
    return [coding.in_context(source.text, at, at + len(passage)) for at in starts]


def _code(user: User, source: sources.Source, form: CodePassageForm) -> Excerpt:
    """Code the form's passage: at the offsets of a selection (checked against the text), or
    wherever the pasted passage is."""
    passage, themes = form.cleaned_data["passage"], list(form.cleaned_data["themes"])
    memo = form.cleaned_data["memo"]
    offsets = form.offsets()
    if offsets is not None:
        start, end = offsets
        if not coding.same_text(source.text[start:end], passage):
            raise services.FindingsError(
                "The selected passage does not match the text: select it again, or paste it"
            )
        return services.excerpt_create(
            source=source, start=start, end=end, themes=themes, user=user, memo=memo
        )
    return services.excerpt_paste(
        source=source,
        passage=passage,
        themes=themes,
        user=user,
        memo=memo,
        occurrence=form.cleaned_data.get("occurrence"),
    )


@member_required(methods=FORM)
def code_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _coding_page(request, coding.visit_page(pk))


@member_required(methods=FORM)
def code_feedback(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    return _coding_page(request, coding.feedback_page(pk, field))


@member_required(methods=FORM)
def code_section(request: HttpRequest, pk: int) -> HttpResponse:
    return _coding_page(request, coding.section_page(pk))


@member_required(methods=FORM)
def code_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _coding_page(request, coding.answer_page(pk))


# ----- One excerpt -----------------------------------------------------------------------


def _excerpt_context(excerpt: Excerpt, page: CodingPage, **forms: Any) -> dict[str, Any]:
    current = excerpt.themes.all()
    return {
        "excerpt": excerpt,
        "page": page,
        "source": page.source,
        "text_html": coding.highlighted(page.source.text, [excerpt]),
        "stale_label": sources.STALE_LABELS.get(excerpt.stale, ""),  # type: ignore[attr-defined]
        "form": forms.get("form")
        or ExcerptForm(
            current=current,
            initial={"themes": list(current), "memo": excerpt.memo, "version": excerpt.version},
        ),
        "reconfirm_form": forms.get("reconfirm_form")
        or ReconfirmForm(auto_id="reconfirm_%s", initial={"version": excerpt.version}),
        "clearance_form": forms.get("clearance_form")
        or ClearanceForm(
            auto_id="clearance_%s",
            initial={"clearance": excerpt.clearance, "version": excerpt.version},
        ),
        "urls": _excerpt_urls(excerpt),
    }


def _excerpt_urls(excerpt: Excerpt) -> dict[str, str]:
    kwargs = {"pk": excerpt.pk}
    return {
        name: reverse(f"findings:excerpt{suffix}", kwargs=kwargs)
        for name, suffix in (
            ("detail", ""),
            ("reanchor", "_reanchor"),
            ("reconfirm", "_reconfirm"),
            ("clearance", "_clearance"),
            ("remove", "_remove"),
            ("history", "_history"),
        )
    }


def _render_excerpt(request: HttpRequest, excerpt: Excerpt, **forms: Any) -> HttpResponse:
    context = _excerpt_context(excerpt, coding.page_of(excerpt), **forms)
    problems = [
        link
        for name in ("form", "reconfirm_form", "clearance_form")
        for link in (context[name].error_links() if name in forms else [])
    ]
    context["errors"] = problems
    context["is_reviewer"] = is_reviewer(request.user)
    return render(request, "findings/coding/excerpt.html", context)


@member_required(methods=FORM)
def excerpt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    excerpt = queries.excerpt_detail(pk)
    if request.method != "POST":
        return _render_excerpt(request, excerpt)
    form = ExcerptForm(request.POST, current=excerpt.themes.all())
    if form.is_valid():
        try:
            services.excerpt_update(
                excerpt=excerpt,
                user=user,
                seen_version=form.cleaned_data["version"],
                themes=list(form.cleaned_data["themes"]),
                memo=form.cleaned_data["memo"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The excerpt's themes and memo have been saved.")
            return redirect("findings:excerpt", pk=pk)
    return _render_excerpt(request, excerpt, form=form)


@member_required(methods=POST)
def excerpt_reanchor(request: HttpRequest, pk: int) -> HttpResponse:
    excerpt = queries.excerpt_detail(pk)
    try:
        services.excerpt_reanchor(
            excerpt=excerpt,
            user=signed_in_user(request),
            seen_version=seen_version(request.POST.get("version", "")),
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, "The excerpt now points at where its quote is in the source.")
    return redirect("findings:excerpt", pk=pk)


@member_required(methods=POST)
def excerpt_reconfirm(request: HttpRequest, pk: int) -> HttpResponse:
    excerpt = queries.excerpt_detail(pk)
    form = ReconfirmForm(request.POST, auto_id="reconfirm_%s")
    if form.is_valid():
        source = sources.source_of(excerpt)
        passage = form.cleaned_data["passage"]
        try:
            start, end = _passage_offsets(source, passage, form.offsets())
            services.excerpt_reconfirm(
                excerpt=excerpt,
                user=signed_in_user(request),
                start=start,
                end=end,
                seen_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The excerpt has been re-confirmed on the passage you chose.")
            return redirect("findings:excerpt", pk=pk)
    return _render_excerpt(request, excerpt, reconfirm_form=form)


def _passage_offsets(
    source: sources.Source, passage: str, offsets: tuple[int, int] | None
) -> tuple[int, int]:
    """Where the passage is: the selection's offsets (checked against the text), or the one
    place a pasted passage appears."""
    if offsets is not None:
        if not coding.same_text(source.text[offsets[0] : offsets[1]], passage):
            raise services.FindingsError(
                "The selected passage does not match the text: select it again, or paste it"
            )
        return offsets
    passage = services.as_in(source.text, passage.strip())
    starts = services.find_passage(source.text, passage)
    if not starts:
        raise services.FindingsError(
            f"The passage is not in {source.label}. Copy it exactly from the text above"
        )
    if len(starts) > 1:
        raise services.FindingsError(
            f"The passage appears {len(starts)} times: select it in the text, or paste a longer "
            "passage"
        )
    return starts[0], starts[0] + len(passage)


@member_required(methods=POST)
def excerpt_clearance(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the quote's clearance (reviewers; the service refuses anyone else, and any quote
    that holds a possible identifier)."""
    user = signed_in_user(request)
    excerpt = queries.excerpt_detail(pk)
    form = ClearanceForm(request.POST, auto_id="clearance_%s")
    if form.is_valid():
        clearance = form.cleaned_data["clearance"]
        try:
            services.excerpt_clear(
                excerpt=excerpt,
                user=user,
                clearance=clearance,
                seen_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            label = Clearance(clearance).label
            messages.success(request, f"The quote's clearance is now: {label}.")
            return redirect("findings:excerpt", pk=pk)
    return _render_excerpt(request, excerpt, clearance_form=form)


@member_required(methods=FORM)
def excerpt_remove(request: HttpRequest, pk: int) -> HttpResponse:
    excerpt = queries.excerpt_detail(pk)
    page = coding.page_of(excerpt)
    problem = ""
    if request.method == "POST":
        try:
            services.excerpt_remove(excerpt=excerpt, user=signed_in_user(request))
        except ServiceError as exc:
            problem = str(exc)
        else:
            messages.success(request, "The excerpt has been removed.")
            return redirect(page.coding_url)
    return render(
        request,
        "findings/coding/remove.html",
        {"excerpt": excerpt, "page": page, "problem": problem, "urls": _excerpt_urls(excerpt)},
    )


@member_required(methods=SAFE)
def excerpt_history(request: HttpRequest, pk: int) -> HttpResponse:
    excerpt = queries.excerpt_detail(pk)
    names = dict(Theme.objects.values_list("pk", "name"))
    themes = history.Part(
        "themes",
        "Themes",
        Coding,
        "excerpt",
        lambda row: names.get(row.theme_id, "A deleted theme"),
        order_by="theme_id",
    )
    return render(
        request,
        "findings/coding/history.html",
        {
            "excerpt": excerpt,
            "page": coding.page_of(excerpt),
            "history": history.record_history(
                excerpt, page_number=request.GET.get("page", 1), parts=[themes]
            ),
            "urls": _excerpt_urls(excerpt),
        },
    )


# ----- What needs attention ----------------------------------------------------------------


@member_required(methods=SAFE)
def needs_attention(request: HttpRequest) -> HttpResponse:
    page = page_of(request, queries.excerpts_needing_attention())
    return render(
        request,
        "findings/coding/needs_attention.html",
        {
            "page": page,
            "excerpts": coding.with_sources(list(page.object_list)),
            "stale_labels": sources.STALE_LABELS,
        },
    )
