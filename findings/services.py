"""Every write to the codebook, the coded evidence and the findings with a rule in it.

Themes: create, change, retire (never deleted once coded), merge (every coding and finding
moves to the surviving theme, the other is retired: one transaction, history on both).
Excerpts: code a passage of a citable source (the quote must be at its offsets), change its
themes and memo, re-anchor or re-confirm a stale one, remove it, set its clearance (reviewers;
the identifier guard reads the quote). Findings: draft, change, cite evidence, agree (a
reviewer who did not write or change it; at least one piece of evidence, none stale, no
identifiers), retire.
"""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mash_survey import audit, history, identifiers, pii, publishing
from mash_survey.errors import ServiceError
from mash_survey.models import AuditKind
from surveys.models import Question

from . import sources
from .models import (
    Clearance,
    Coding,
    Excerpt,
    Finding,
    FindingEvidence,
    FindingStatus,
    Theme,
    ThemeStatus,
)


class FindingsError(ServiceError):
    pass


FINDING_GUARD = identifiers.Guard(subject="The finding", action="agree it", refused=FindingsError)


# ----- Themes -----------------------------------------------------------------------------


def _check_parent(theme: Theme | None, parent: Theme | None) -> None:
    if parent is None:
        return
    if parent.parent_id is not None:
        raise FindingsError(
            f"Choose a main theme as the parent: {parent.name} is itself a sub-theme"
        )
    if theme is not None and theme.pk is not None:
        if parent.pk == theme.pk:
            raise FindingsError("A theme cannot be its own parent")
        if theme.children.exists():
            raise FindingsError(
                f"{theme.name} has sub-themes of its own, so it cannot become a sub-theme"
            )


#: Web addresses the codebook's own pages use.
RESERVED_SLUGS = frozenset({"new"})


def _unique_name(name: str, slug: str, exclude: int | None = None) -> None:
    if not slug or slug in RESERVED_SLUGS:
        raise FindingsError(f"Choose another name: {name} cannot be a theme's web address")
    taken = Theme.objects.exclude(pk=exclude) if exclude else Theme.objects.all()
    same = taken.filter(name__iexact=name).first()
    if same is not None:
        raise FindingsError(f"There is already a theme called {same.name}: choose another name")
    if taken.filter(slug=slug).exists():
        raise FindingsError(f"Another theme already uses the web address {slug}")


@transaction.atomic
def theme_create(
    *,
    user: User,
    name: str,
    definition: str,
    parent: Theme | None = None,
    order: int = 0,
    slug: str = "",
    is_illustrative: bool = False,
) -> Theme:
    FindingsError.unless_member(user, "add themes")
    name = FindingsError.required(name, "Enter the theme's name")
    definition = FindingsError.required(definition, "Enter what belongs in the theme")
    slug = slug or slugify(name)
    _unique_name(name, slug)
    _check_parent(None, parent)
    theme = Theme(
        name=name,
        slug=slug,
        definition=definition,
        parent=parent,
        order=order,
        created_by=user,
        is_illustrative=is_illustrative,
    )
    history.save(theme, user=user, reason="Created")
    return theme


@transaction.atomic
def theme_update(
    *,
    theme: Theme,
    user: User,
    seen_version: int | None,
    name: str,
    definition: str,
    parent: Theme | None,
    order: int,
) -> Theme:
    FindingsError.unless_member(user, "change themes")
    name = FindingsError.required(name, "Enter the theme's name")
    definition = FindingsError.required(definition, "Enter what belongs in the theme")
    theme = history.lock(theme)
    _unique_name(name, theme.slug, exclude=theme.pk)
    _check_parent(theme, parent)
    history.claim_version(theme, seen_version=seen_version)
    theme.name, theme.definition, theme.parent, theme.order = name, definition, parent, order
    history.save(theme, user=user, reason="Changed")
    return theme


@transaction.atomic
def theme_retire(*, theme: Theme, user: User, seen_version: int | None = None) -> Theme:
    """Retire a theme: it stays (with its codings and findings) but no new coding uses it."""
    FindingsError.unless_reviewer(user, "retire a theme")
    theme = history.lock(theme)
    if theme.status == ThemeStatus.RETIRED:
        raise FindingsError(f"{theme.name} is already retired.")
    history.claim_version(theme, seen_version=seen_version)
    theme.status = ThemeStatus.RETIRED
    history.save(theme, user=user, reason="Retired")
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, user: User) -> None:
    """Delete a theme nothing uses; one that has coded excerpts or findings is retired instead."""
    FindingsError.unless_reviewer(user, "delete a theme")
    theme = history.lock(theme)
    if theme.codings.exists() or theme.findings.exists() or theme.children.exists():
        raise FindingsError(
            f"{theme.name} has coded excerpts, findings or sub-themes, so it cannot be "
            "deleted: retire it instead"
        )
    history.delete(theme, user=user)


@transaction.atomic
def theme_merge(*, theme: Theme, into: Theme, user: User) -> Theme:
    """Move every coding, finding and sub-theme of `theme` to `into` and retire `theme`."""
    FindingsError.unless_reviewer(user, "merge themes")
    if theme.pk == into.pk:
        raise FindingsError("Choose a different theme to merge into")
    first, second = sorted([theme, into], key=lambda t: t.pk)  # lock in one order: no deadlock
    locked = {t.pk: history.lock(t) for t in (first, second)}
    theme, into = locked[theme.pk], locked[into.pk]
    if into.status == ThemeStatus.RETIRED:
        raise FindingsError(f"{into.name} is retired: merge into an active theme")
    if into.parent_id == theme.pk:
        raise FindingsError(f"{into.name} is a sub-theme of {theme.name}: merge it the other way")
    reason = f"Merged into {into.name}"
    with history.change(user=user):
        moved = 0
        for coding in Coding.objects.filter(theme=theme).select_related("excerpt"):
            if Coding.objects.filter(excerpt=coding.excerpt_id, theme=into).exists():
                history.delete(coding, user=user)  # already coded to both
            else:
                coding.theme = into
                history.save(coding, user=user, reason=reason)
            moved += 1
        for finding in Finding.objects.filter(theme=theme):
            finding.theme = into
            history.claim_version(finding, seen_version=None)
            history.save(finding, user=user, reason=reason)
        for child in Theme.objects.filter(parent=theme):
            child.parent = into.parent or into
            history.claim_version(child, seen_version=None)
            history.save(child, user=user, reason=reason)
        history.claim_version(theme, seen_version=None)
        theme.status = ThemeStatus.RETIRED
        theme.merged_into = into
        history.save(theme, user=user, reason=reason)
        history.claim_version(into, seen_version=None)
        history.save(into, user=user, reason=f"{theme.name} merged in ({moved} codings)")
    return into


# ----- Excerpts ---------------------------------------------------------------------------


def _active_themes(themes: Iterable[Theme]) -> list[Theme]:
    chosen = list({t.pk: t for t in themes}.values())
    if not chosen:
        raise FindingsError("Select at least one theme")
    retired = [t.name for t in chosen if t.status != ThemeStatus.ACTIVE]
    if retired:
        raise FindingsError(f"Choose active themes: {', '.join(retired)} is retired")
    return chosen


def find_passage(text: str, passage: str) -> list[int]:
    """Where `passage` starts in `text`, each time it occurs."""
    starts, at = [], text.find(passage)
    while passage and at >= 0:
        starts.append(at)
        at = text.find(passage, at + 1)
    return starts


def as_in(text: str, passage: str) -> str:
    """The passage with its line breaks written as `text` writes them: a browser sends every
    line break in a form as CR LF, whatever the stored text uses."""
    passage = passage.replace("\r\n", "\n").replace("\r", "\n")
    return passage.replace("\n", "\r\n") if "\r\n" in text else passage


@transaction.atomic
def excerpt_create(
    *,
    source: sources.Source,
    start: int,
    end: int,
    themes: Sequence[Theme],
    user: User,
    memo: str = "",
    is_illustrative: bool = False,
) -> Excerpt:
    """Code the passage text[start:end] of a citable source to one or more themes."""
    FindingsError.unless_member(user, "code evidence")
    if not source.citable:
        raise FindingsError(
            "Only approved visits and feedback, published case studies and submitted survey "
            "answers can be coded"
        )
    if not (0 <= start < end <= len(source.text)):
        raise FindingsError("Select a passage of the text to code")
    quote = source.text[start:end]
    if not quote.strip():
        raise FindingsError("Select a passage with words in it")
    chosen = _active_themes(themes)
    now = timezone.now()
    excerpt = Excerpt(
        **source.excerpt_fields(),
        start=start,
        end=end,
        quote=quote,
        source_version=source.version,
        memo=memo.strip(),
        clearance=(
            Clearance.AREA
            if source.kind == sources.SourceType.CASE_STUDY
            else Clearance.NOT_FOR_PUBLICATION
        ),
        coded_by=user,
        coded_at=now,
        is_illustrative=is_illustrative,
    )
    with history.change(user=user):
        history.save(excerpt, user=user, reason="Coded")
        for theme in chosen:
            history.save(
                Coding(excerpt=excerpt, theme=theme, coded_by=user, coded_at=now), user=user
            )
    return excerpt


@transaction.atomic
def excerpt_paste(
    *,
    source: sources.Source,
    passage: str,
    themes: Sequence[Theme],
    user: User,
    memo: str = "",
    occurrence: int | None = None,
) -> Excerpt:
    """Code a pasted passage: found exactly once (or the `occurrence` chosen, counting from 1),
    or refused with a message saying what to do."""
    passage = as_in(source.text, passage.strip())
    if not passage:
        raise FindingsError("Paste the passage to code")
    starts = find_passage(source.text, passage)
    if not starts:
        raise FindingsError(
            f"The passage is not in {source.label}. Copy it exactly from the text above"
        )
    if len(starts) > 1 and occurrence is None:
        raise AmbiguousPassageError(len(starts))
    index = (occurrence or 1) - 1
    if not 0 <= index < len(starts):
        raise FindingsError(f"Choose which of the {len(starts)} places the passage is")
    start = starts[index]
    return excerpt_create(
        source=source,
        start=start,
        end=start + len(passage),
        themes=themes,
        user=user,
        memo=memo,
    )


class AmbiguousPassageError(FindingsError):
    """The passage occurs more than once: the person must say which."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"The passage appears {count} times: choose which one you mean")


@transaction.atomic
def excerpt_update(
    *,
    excerpt: Excerpt,
    user: User,
    seen_version: int | None,
    themes: Sequence[Theme],
    memo: str,
) -> Excerpt:
    """Change an excerpt's themes and memo."""
    FindingsError.unless_member(user, "change coded evidence")
    excerpt = history.lock(excerpt)
    history.claim_version(excerpt, seen_version=seen_version)
    wanted = {t.pk for t in themes}
    current = {c.theme_id: c for c in Coding.objects.filter(excerpt=excerpt)}
    added = [t for t in themes if t.pk not in current]
    if added:
        _active_themes(added)
    if not wanted:
        raise FindingsError("Select at least one theme, or remove the excerpt")
    now = timezone.now()
    with history.saving(excerpt, user=user, reason="Changed"):
        excerpt.memo = memo.strip()
        excerpt.save()
        for theme_id, coding in current.items():
            if theme_id not in wanted:
                history.delete(coding, user=user)
        for theme in added:
            history.save(
                Coding(excerpt=excerpt, theme=theme, coded_by=user, coded_at=now), user=user
            )
    return excerpt


@transaction.atomic
def excerpt_reanchor(*, excerpt: Excerpt, user: User, seen_version: int | None = None) -> Excerpt:
    """Point a stale excerpt at where its quote now is in the changed source (found once)."""
    FindingsError.unless_member(user, "re-anchor evidence")
    excerpt = history.lock(excerpt)
    source = sources.source_of(excerpt)
    if not source.citable:
        raise FindingsError(
            "The source can no longer be cited, so the excerpt cannot be re-anchored"
        )
    starts = find_passage(source.text, excerpt.quote)
    if not starts:
        raise FindingsError(
            "The quote is no longer in the source: re-confirm a new passage or remove the excerpt"
        )
    if len(starts) > 1:
        raise FindingsError(
            f"The quote appears {len(starts)} times in the changed source: remove the excerpt and "
            "code the passage again"
        )
    history.claim_version(excerpt, seen_version=seen_version)
    excerpt.start, excerpt.end = starts[0], starts[0] + len(excerpt.quote)
    excerpt.source_version = source.version
    history.save(excerpt, user=user, reason="Re-anchored to the changed source")
    return excerpt


@transaction.atomic
def excerpt_reconfirm(
    *, excerpt: Excerpt, user: User, start: int, end: int, seen_version: int | None = None
) -> Excerpt:
    """Re-confirm a stale excerpt on a passage of the source as it is now."""
    FindingsError.unless_member(user, "re-confirm evidence")
    excerpt = history.lock(excerpt)
    source = sources.source_of(excerpt)
    if not source.citable:
        raise FindingsError(
            "The source can no longer be cited, so the excerpt cannot be re-confirmed"
        )
    if not (0 <= start < end <= len(source.text)) or not source.text[start:end].strip():
        raise FindingsError("Select a passage of the text to code")
    history.claim_version(excerpt, seen_version=seen_version)
    excerpt.start, excerpt.end, excerpt.quote = start, end, source.text[start:end]
    excerpt.source_version = source.version
    history.save(excerpt, user=user, reason="Re-confirmed on the changed source")
    return excerpt


@transaction.atomic
def excerpt_remove(*, excerpt: Excerpt, user: User) -> None:
    """Remove an excerpt and its codings; one that a finding cites must be taken out of the
    finding first."""
    FindingsError.unless_member(user, "remove coded evidence")
    excerpt = history.lock(excerpt)
    cited = list(
        Finding.objects.filter(evidence__excerpt=excerpt).values_list("headline", flat=True)
    )
    if cited:
        raise FindingsError(
            "A finding cites this excerpt: take it out of the finding first ("
            + "; ".join(cited)
            + ")"
        )
    with history.change(user=user):
        for coding in Coding.objects.filter(excerpt=excerpt):
            history.delete(coding, user=user)
        history.delete(excerpt, user=user)


@transaction.atomic
def excerpt_clear(
    *, excerpt: Excerpt, user: User, clearance: str, seen_version: int | None = None
) -> Excerpt:
    """Set how far the quote may go in public (reviewers). A quote with a possible identifier
    is never cleared for publication: code a shorter passage without it."""
    FindingsError.unless_reviewer(user, "clear a quote for publication")
    if clearance not in Clearance.values:
        raise FindingsError("Select how the quote may be used")
    excerpt = history.lock(excerpt)
    if clearance != Clearance.NOT_FOR_PUBLICATION:
        kinds = sorted({pii.label(hit.kind) for hit in pii.scan(excerpt.quote)})
        if kinds:
            raise FindingsError(
                f"The quote holds a possible {' and '.join(kinds)}, so it cannot be cleared "
                "for publication. Code a shorter passage without it"
            )
    history.claim_version(excerpt, seen_version=seen_version)
    excerpt.clearance = clearance
    history.save(excerpt, user=user, reason=f"Clearance: {Clearance(clearance).label}")
    return excerpt


# ----- Findings ---------------------------------------------------------------------------


@transaction.atomic
def finding_create(
    *,
    user: User,
    theme: Theme,
    headline: str,
    statement: str,
    order: int = 0,
    is_illustrative: bool = False,
) -> Finding:
    FindingsError.unless_member(user, "write findings")
    finding = Finding(
        theme=theme,
        headline=FindingsError.required(headline, "Enter the finding's headline"),
        statement=FindingsError.required(statement, "Enter the finding's statement"),
        order=order,
        created_by=user,
        is_illustrative=is_illustrative,
    )
    history.save(finding, user=user, reason="Created")
    return finding


def _editable(finding: Finding) -> None:
    if finding.status != FindingStatus.DRAFT:
        status = finding.get_status_display().lower()
        raise FindingsError(f"Only a draft finding can be changed. This one is {status}.")


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    user: User,
    seen_version: int | None,
    theme: Theme,
    headline: str,
    statement: str,
    order: int,
) -> Finding:
    FindingsError.unless_member(user, "change findings")
    finding = history.lock(finding)
    _editable(finding)
    history.claim_version(finding, seen_version=seen_version)
    finding.theme = theme
    finding.headline = FindingsError.required(headline, "Enter the finding's headline")
    finding.statement = FindingsError.required(statement, "Enter the finding's statement")
    finding.order = order
    history.save(finding, user=user, reason="Changed")
    return finding


@transaction.atomic
def finding_cite(
    *,
    finding: Finding,
    user: User,
    excerpts: Sequence[Excerpt] = (),
    questions: Sequence[Question] = (),
    seen_version: int | None = None,
) -> Finding:
    """Make the finding cite exactly these excerpts and survey questions."""
    FindingsError.unless_member(user, "change findings")
    finding = history.lock(finding)
    _editable(finding)
    history.claim_version(finding, seen_version=seen_version)
    wanted = [FindingEvidence(finding=finding, excerpt=e, order=i) for i, e in enumerate(excerpts)]
    wanted += [
        FindingEvidence(finding=finding, question=q, order=len(excerpts) + i)
        for i, q in enumerate(questions)
    ]
    with history.saving(finding, user=user, reason="Evidence changed"):
        finding.save()
        existing = {(e.excerpt_id, e.question_id): e for e in finding.evidence.all()}
        keep = {(w.excerpt_id, w.question_id) for w in wanted}
        for key, row in existing.items():
            if key not in keep:
                history.delete(row, user=user)
        for row in wanted:
            saved = existing.get((row.excerpt_id, row.question_id))
            if saved is None:
                history.save(row, user=user)
            elif saved.order != row.order:
                saved.order = row.order
                history.save(saved, user=user)
    return finding


@transaction.atomic
def finding_agree(
    *, finding: Finding, user: User, seen_version: int | None = None, override_reason: str = ""
) -> Finding:
    """Agree a draft finding (a reviewer who did not write or change it): it needs evidence,
    none of it stale, and a statement that names nobody."""
    FindingsError.unless_reviewer(user, "agree a finding")
    finding = history.lock(finding)
    if finding.status != FindingStatus.DRAFT:
        raise FindingsError("Only a draft finding can be agreed.")
    publishing.unless_independent(finding, user=user, refused=FindingsError)
    if not finding.evidence.exists():
        raise FindingsError("Cite at least one piece of evidence before the finding is agreed")
    if sources.stale(Excerpt.objects.filter(cited_by__finding=finding)).exists():
        raise FindingsError(
            "Some of the evidence is stale: re-anchor, re-confirm or take it out first"
        )
    reason = FINDING_GUARD.check(finding, user=user, override_reason=override_reason)
    history.claim_version(finding, seen_version=seen_version)
    finding.status = FindingStatus.AGREED
    finding.agreed_by = user
    finding.agreed_at = timezone.now()
    history.save(finding, user=user, reason=FINDING_GUARD.keep(finding, reason, step="Agreed"))
    # An agreed finding is on the public pages.
    audit.record(AuditKind.PUBLISHED, user=user, target=finding, detail={"step": "agreed"})
    return finding


@transaction.atomic
def finding_retire(*, finding: Finding, user: User, seen_version: int | None = None) -> Finding:
    FindingsError.unless_reviewer(user, "retire a finding")
    finding = history.lock(finding)
    if finding.status == FindingStatus.RETIRED:
        raise FindingsError("This finding is already retired.")
    history.claim_version(finding, seen_version=seen_version)
    finding.status = FindingStatus.RETIRED
    history.save(finding, user=user, reason="Retired")
    return finding


@transaction.atomic
def finding_reopen(*, finding: Finding, user: User, seen_version: int | None = None) -> Finding:
    """Take an agreed finding back to draft to change it; it must be agreed again."""
    FindingsError.unless_reviewer(user, "reopen a finding")
    finding = history.lock(finding)
    if finding.status != FindingStatus.AGREED:
        raise FindingsError("Only an agreed finding can be reopened.")
    history.claim_version(finding, seen_version=seen_version)
    finding.status = FindingStatus.DRAFT
    finding.agreed_by, finding.agreed_at = None, None
    history.save(finding, user=user, reason="Reopened")
    return finding
