"""The published report: each edition's pages as they were stored when it was published,
inside the live page around them (banners, dates, updates, downloads); the editions list;
what changed between two editions; and the staff preview of a draft, drawn through the same
fragments and page.

A published edition's pages answer conditional requests: the ETag is the stored fragment's
SHA-256 with what the page around it depends on (the latest edition, who is signed in), so a
repeated request gets 304 without the fragment being read or the page rendered. Drafts and
editions in review are 404 on every public address."""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from mash_survey.access import member_required
from mash_survey.conditional import conditional
from mash_survey.pagination import page_of

from ..editions import data, diff, snapshot, store
from ..editions import render as rendering
from ..figures import FigureError
from ..models import PUBLISHED_STATUSES, EditionFile, EditionStatus, ReportEdition
from . import public

#: Part of every page's ETag: change it when page.html changes what it shows.
WRAPPER = "2"
#: Stored downloads offered on the page: (path in the edition, label, URL name).
DOWNLOADS = (
    ("edition.pdf", "The report as a PDF", "findings:edition_pdf"),
    ("data.zip", "The open data (CSV files in a zip)", "findings:edition_data"),
)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


@dataclass
class Chain:
    """A published edition with the editions around it: the latest published one, and the
    updates (this edition and those it amends, newest first)."""

    edition: ReportEdition
    latest: ReportEdition | None
    updates: list[ReportEdition]

    @property
    def first_published(self) -> datetime | None:
        return self.updates[-1].published_at

    @property
    def is_superseded(self) -> bool:
        return self.latest is not None and self.latest.pk != self.edition.pk


@dataclass
class Download:
    label: str
    href: str
    file: EditionFile


@dataclass
class Wrapper:
    """What the page around a fragment shows."""

    title: str
    fragment: SafeString
    chain: Chain | None = None  # None in a preview
    downloads: list[Download] = field(default_factory=list)
    manifest: EditionFile | None = None
    files: list[EditionFile] = field(default_factory=list)
    preview: ReportEdition | None = None
    theme_page: bool = False
    index: bool = False  # /findings/: staff also find their findings pages from here
    jsonld: SafeString | None = None  # the open data as a schema.org Dataset


def _published() -> list[ReportEdition]:
    """Every published and superseded edition, newest first (one query)."""
    return list(ReportEdition.objects.filter(status__in=PUBLISHED_STATUSES))


def _chain(editions: list[ReportEdition], edition: ReportEdition) -> Chain:
    by_pk = {e.pk: e for e in editions}
    updates = [edition]
    while updates[-1].amends_id in by_pk:
        updates.append(by_pk[updates[-1].amends_id])
    latest = next((e for e in editions if e.status == EditionStatus.PUBLISHED), None)
    return Chain(edition=edition, latest=latest, updates=updates)


def _public_chain(slug: str, editions: list[ReportEdition] | None = None) -> Chain:
    editions = _published() if editions is None else editions
    edition = next((e for e in editions if e.slug == slug), None)
    if edition is None:
        raise Http404("There is no published edition at this address.")
    return _chain(editions, edition)


def _files(edition: ReportEdition) -> dict[str, EditionFile]:
    files = {}
    for file in EditionFile.objects.filter(edition=edition):
        file.edition = edition
        files[file.path] = file
    return files


def _etag(request: HttpRequest, chain: Chain, fragment: EditionFile) -> str:
    """The stored fragment's SHA-256 with what the page around it depends on. A message
    waiting to be shown (after publishing, say) makes it differ, so the page is drawn."""
    user = request.user.pk if request.user.is_authenticated else 0
    latest = chain.latest.slug if chain.latest else ""
    waiting = len(messages.get_messages(request))
    key = f"{WRAPPER}|{request.path}|{fragment.sha256}|{latest}|{user}|{waiting}"
    return hashlib.sha256(key.encode()).hexdigest()


def _heading(fragment: str) -> str:
    """The fragment's main heading as text, for the page's title."""
    found = H1.search(fragment)
    return html.unescape(strip_tags(found.group(1))).strip() if found else ""


def _stored_page(
    request: HttpRequest,
    chain: Chain,
    path: str,
    *,
    theme_page: bool = False,
    index: bool = False,
) -> HttpResponseBase:
    """A stored fragment of a published edition inside the page, answering conditional
    requests."""
    edition = chain.edition
    files = _files(edition)
    if path not in files:
        raise Http404(f"The edition {edition.slug} has no such page.")
    fragment = files[path]
    modified = fragment.created_at
    if chain.latest and chain.latest.published_at and chain.latest.published_at > modified:
        modified = chain.latest.published_at

    def respond() -> HttpResponse:
        content = store.read(fragment).decode()
        wrapper = Wrapper(
            title=_heading(content),
            fragment=mark_safe(content),  # noqa: S308 (stored from our own templates)
            chain=chain,
            downloads=[
                Download(label, reverse(view, kwargs={"edition": edition.slug}), files[name])
                for name, label, view in DOWNLOADS
                if name in files
            ],
            manifest=files.get(store.MANIFEST),
            files=sorted(files.values(), key=lambda f: f.path),
            theme_page=theme_page,
            index=index,
            jsonld=data.dataset_jsonld(edition, request, first_published=chain.first_published)
            if "data.zip" in files
            else None,
        )
        return _page(request, wrapper)

    return conditional(
        request,
        etag=_etag(request, chain, fragment),
        last_modified=modified,
        respond=respond,
        public=not request.user.is_authenticated,
    )


def _page(request: HttpRequest, wrapper: Wrapper, *, status: int = 200) -> HttpResponse:
    return render(request, "findings/editions/page.html", {"page": wrapper}, status=status)


def findings_index(request: HttpRequest) -> HttpResponseBase:
    """/findings/: the latest published edition; before there is one, the findings by theme."""
    editions = _published()
    latest = next((e for e in editions if e.status == EditionStatus.PUBLISHED), None)
    if latest is None:
        return public.findings_index(request)
    return _stored_page(request, _chain(editions, latest), rendering.INDEX, index=True)


def edition_page(request: HttpRequest, edition: str) -> HttpResponseBase:
    return _stored_page(request, _public_chain(edition), rendering.INDEX)


def edition_theme(request: HttpRequest, edition: str, theme: str) -> HttpResponseBase:
    return _stored_page(
        request, _public_chain(edition), rendering.theme_path(theme), theme_page=True
    )


def edition_list(request: HttpRequest) -> HttpResponse:
    """Every published edition, the latest first, with what each amends and why, a page at a
    time."""
    editions = (
        ReportEdition.objects.filter(status__in=PUBLISHED_STATUSES)
        .select_related("amends")
        .order_by("-published_at", "-pk")
    )
    page = page_of(request, editions)
    return render(
        request, "findings/editions/list.html", {"page": page, "editions": page.object_list}
    )


def _stored_snapshot(edition: ReportEdition) -> snapshot.Snapshot:
    loaded: snapshot.Snapshot = json.loads(store.read(store.stored(edition, rendering.SNAPSHOT)))
    return loaded


def edition_changes(request: HttpRequest, edition: str) -> HttpResponse:
    """What changed between this edition and the one it amends, or the published edition
    chosen with ?from=<slug>."""
    editions = _published()
    chain = _public_chain(edition, editions)
    current = chain.edition
    others = [e for e in editions if e.pk != current.pk]
    chosen = request.GET.get("from", "")
    error = ""
    older: ReportEdition | None = None
    if chosen:
        older = next((e for e in others if e.slug == chosen), None)
        if older is None:
            error = "Choose a published edition from the list to compare this edition with."
    elif current.amends_id is not None:
        older = next((e for e in others if e.pk == current.amends_id), None)
    comparison = None
    if older is not None:
        comparison = diff.compare(_stored_snapshot(older), _stored_snapshot(current))
    return render(
        request,
        "findings/editions/changes.html",
        {
            "edition": current,
            "older": older,
            "others": others,
            "chosen": chosen,
            "error": error,
            "comparison": comparison,
        },
        status=400 if error else 200,
    )


@member_required
def edition_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft or an edition in review exactly as it will be published, for staff: the same
    fragments inside the same page (?theme=<slug> for a theme's own page). A figure that
    fails or an unknown shortcode is shown as its message."""
    edition = get_object_or_404(ReportEdition, slug=slug)
    if edition.is_published:
        return redirect(reverse("findings:edition", kwargs={"edition": edition.slug}))
    theme = request.GET.get("theme", "")
    path = rendering.theme_path(theme) if theme else rendering.INDEX
    title = edition.title
    try:
        fragments = rendering.files(snapshot.build(edition))
    except FigureError as exc:
        wrapper = Wrapper(title=title, fragment=SafeString(""), preview=edition)
        return render(
            request,
            "findings/editions/page.html",
            {"page": wrapper, "preview_error": str(exc)},
        )
    if path not in fragments:
        raise Http404("This edition has no such theme.")
    content = fragments[path][0].decode()
    wrapper = Wrapper(
        title=_heading(content) or title,
        fragment=mark_safe(content),  # noqa: S308 (rendered from our own templates)
        preview=edition,
        theme_page=bool(theme),
    )
    return _page(request, wrapper)
