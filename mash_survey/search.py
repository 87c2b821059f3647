"""Search across the service: one index, two full-text engines, visibility by query.

- **What is indexed**: each app's `search.py` registers its kinds of record (`register`):
  how to write a record as `Document`s (title, summary, body, date, places) and who may see
  which records (`Kind.visible`, the same rule its pages and API use). `SearchEntry` holds one
  row per page found.
- **Kept right on every write**: `index(record)` rewrites a record's entries. It runs from
  one signal handler per model a kind reads (the record and its parts), so services, the
  admin, imports and the demo loader all pass through it. Writes that skip signals call it
  themselves (`mash_survey.redaction`, the register loader). Inside `deferred()` (imports,
  the demo loader) each record is noted instead, and indexed once, in bulk, when the block
  ends. After `migrate` applies anything
  (a data migration writes with historical models, which send no signals), the whole index
  is rebuilt; `manage.py rebuild_search_index` does the same by hand.
- **Two databases, one behaviour**: on PostgreSQL a generated, weighted tsvector (title A,
  summary B, body C) with a GIN index, matched with `websearch_to_tsquery('english')`, ranked
  with `ts_rank`, snippets from `ts_headline`; on SQLite an FTS5 table (Porter stemmer) kept by
  triggers, ranked with `bm25` weighted 10:4:1, snippets from `snippet()`. The query language
  is parsed here once (`parse`) and written for each: words (stemmed; English stop words
  ignored), "exact phrases", -excluded words and `or`.
- **Visibility is the query's job**: an entry is found only if its record is in its kind's
  visible queryset for the audience, so nothing unseen is counted, ranked or snippeted.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db import connection, models, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .audience import Audience
from .models import SearchEntry
from .pagination import paginate

FTS_TABLE = "mash_survey_search_fts"
ENTRY_TABLE = SearchEntry._meta.db_table
PAGE_SIZE = 20
#: Longest query taken: longer ones are cut here (a search box, not a document).
MAX_QUERY = 200

# ----- What is indexed ----------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One searchable page of a record, as `Kind.documents` writes it."""

    url: str
    title: str
    summary: str = ""
    body: str = ""
    date: dt.date | None = None
    places: str = ""
    model: str = ""
    regions: Sequence[int] = ()  # region pks, for the region filter
    is_illustrative: bool = False
    part: str = ""  # a page within the record ("" for the record's own page)


@dataclass(frozen=True)
class Kind:
    """A kind of record search finds.

    - `documents(record)`: its pages (none: not indexed, e.g. a blank answer).
    - `visible(audience)`: the records that audience may see, or None for none of them.
    - `parts`: other models whose saves change the record's pages, each with a function from
      the saved instance to the records to index again.
    - `read`: what to fetch with the records (select_related, prefetch_related) so writing
      many records' documents costs a few queries, not a few a record.
    """

    key: str
    label: str
    model: type[models.Model]
    documents: Callable[[Any], list[Document]]
    visible: Callable[[Audience], QuerySet[Any] | None]
    parts: dict[type[models.Model], Callable[[Any], Iterable[models.Model]]] = field(
        default_factory=dict
    )
    m2m: Sequence[Any] = ()  # many-to-many fields (their `through`) that change the pages
    order: int = 0  # where the kind comes in the type filter
    read: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda records: records


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Index `kind` from now on: connect the signal handlers of the record and its parts."""
    KINDS[kind.key] = kind

    def record_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            index(instance)

    def record_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        _entries_of(kind, [instance.pk]).delete()

    post_save.connect(record_saved, sender=kind.model, weak=False)
    post_delete.connect(record_deleted, sender=kind.model, weak=False)

    def changed(instance: Any) -> None:
        """The record, or a part of it, changed: index the record(s) again."""
        if isinstance(instance, kind.model):
            index(instance)
            return
        for part, records_of in kind.parts.items():
            if isinstance(instance, part):
                records = records_of(instance)
                pending = _pending.get()
                if isinstance(records, QuerySet) and pending is not None:
                    pending.setdefault(kind.key, set()).update(records.values_list("pk", flat=True))
                elif isinstance(records, QuerySet):  # maybe many: read and written in bulk
                    index_all(kind.read(records))
                else:
                    for record in records:
                        index(record)

    def part_changed(sender: Any, instance: Any, raw: bool = False, **kw: Any) -> None:
        if not raw:
            changed(instance)

    def links_changed(
        sender: Any,
        instance: Any,
        action: str,
        reverse: bool = False,
        model: Any = None,
        pk_set: Any = None,
        **kw: Any,
    ) -> None:
        # Whose links changed: `instance`, or the records in `pk_set` when they were changed
        # from the other side (authority.case_studies.add(…)).
        if action.startswith("post_"):
            for record in (
                model._default_manager.filter(pk__in=pk_set or []) if reverse else [instance]
            ):
                changed(record)

    for part in kind.parts:
        post_save.connect(part_changed, sender=part, weak=False)
        post_delete.connect(part_changed, sender=part, weak=False)
    for through in kind.m2m:
        m2m_changed.connect(links_changed, sender=through, weak=False)


def kind_of_model(model: type[models.Model]) -> Kind | None:
    return next((k for k in KINDS.values() if issubclass(model, k.model)), None)


def kind_of(record: models.Model) -> Kind | None:
    return kind_of_model(type(record))


def _entries_of(kind: Kind, pks: Iterable[Any]) -> QuerySet[SearchEntry]:
    return SearchEntry.objects.filter(kind=kind.key, object_id__in=list(pks))


#: Inside `deferred()`: the records to index when it ends, by kind.
_pending: ContextVar[dict[str, set[Any]] | None] = ContextVar("search_pending", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Index the records written inside the block once, in bulk, when it ends: a loader or
    an import that saves a record and each of its parts one by one would otherwise index the
    record again after every part. Use it inside the writer's transaction, so the index is
    written with the records or not at all; if the block fails, nothing is indexed. Nested
    blocks leave the work to the outermost."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[str, set[Any]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for key, pks in pending.items():
        kind, ordered = KINDS[key], sorted(pks)
        for start in range(0, len(ordered), REBUILD_CHUNK):
            chunk = ordered[start : start + REBUILD_CHUNK]
            stored = list(kind.read(kind.model._default_manager.filter(pk__in=chunk)))
            _entries_of(kind, set(chunk) - {record.pk for record in stored}).delete()
            index_all(stored)


def index(record: models.Model) -> None:
    """Write the record's entries afresh from the record as stored (none if it has no pages
    now, or is gone)."""
    kind = kind_of(record)
    if kind is None or record.pk is None:
        return
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(kind.key, set()).add(record.pk)
        return
    stored = kind.read(kind.model._default_manager.filter(pk=record.pk)).first()
    if stored is None:
        _entries_of(kind, [record.pk]).delete()
    else:
        index_all([stored])


def _entry(kind: Kind, pk: Any, document: Document) -> SearchEntry:
    return SearchEntry(
        kind=kind.key,
        object_id=pk,
        part=document.part,
        url=document.url,
        title=document.title[:500],
        summary=document.summary,
        body=document.body,
        date=document.date,
        places=document.places[:500],
        model=document.model,
        is_illustrative=document.is_illustrative,
    )


def index_all(records: Iterable[models.Model]) -> None:
    """Index records just read from the database (or just bulk-created), writing their
    entries in bulk: a few queries for any number, besides what their documents read."""
    pages: list[tuple[SearchEntry, Document]] = []
    by_kind: dict[str, list[Any]] = {}
    for record in records:
        kind = kind_of(record)
        if kind is None:
            continue
        by_kind.setdefault(kind.key, []).append(record.pk)
        pages += [(_entry(kind, record.pk, doc), doc) for doc in kind.documents(record)]
    if not by_kind:
        return
    with transaction.atomic():
        for key, pks in by_kind.items():
            _entries_of(KINDS[key], pks).delete()
        entries = SearchEntry.objects.bulk_create([entry for entry, _ in pages])
        through: Any = SearchEntry.regions.through
        through.objects.bulk_create(
            through(searchentry_id=entry.pk, region_id=region)
            for entry, (_, doc) in zip(entries, pages, strict=True)
            for region in doc.regions
        )


#: Records read at once when rebuilding: memory stays flat whatever the data.
REBUILD_CHUNK = 2000


def rebuild() -> int:
    """Index every record of every kind afresh; the number of entries written."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for kind in KINDS.values():
            records = kind.model._default_manager
            pks = list(records.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), REBUILD_CHUNK):
                index_all(kind.read(records.filter(pk__in=pks[start : start + REBUILD_CHUNK])))
        return SearchEntry.objects.count()


def _rebuild_after_migrate(sender: Any, plan: Any = None, **kwargs: Any) -> None:
    # Once per `migrate`, for the last app: a data migration may have written any record.
    if plan and sender.name == "mash_survey" and any(not backwards for _m, backwards in plan):
        rebuild()


post_migrate.connect(_rebuild_after_migrate, dispatch_uid="mash_survey.search.rebuild")


# ----- The query language -------------------------------------------------------------------

#: PostgreSQL's English stop words (Snowball's list), which it leaves out of its index and its
#: queries: SQLite's FTS5 keeps them, so words from this list are dropped from the query too.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905  (a list this long reads better as words)
)
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
#: A word as both engines' tokenizers read one: letters and digits, so "children's" is the
#: words "children" and "s" (and "multi-agency" "multi" and "agency").
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase's words
    excluded: bool = False
    # A phrase of several words with a hyphenated one, as typed, for PostgreSQL: it indexes
    # "co-located" as the compound and then its parts, so only the same compound written
    # in the query keeps the phrase's positions ("police co-located assessment").
    typed: str = ""


@dataclass(frozen=True)
class Query:
    """What someone typed, as groups joined by `or`; each group's terms all apply."""

    text: str
    groups: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def words(self) -> list[str]:
        return [w for g in self.groups for t in g if not t.excluded for w in t.words]


def parse(text: str) -> Query:
    """Words, "phrases", -excluded words or phrases, and `or` between alternatives. A group
    with nothing but excluded words is dropped (it would find everything else)."""
    text = " ".join(text.split())[:MAX_QUERY]
    groups: list[tuple[Term, ...]] = []
    current: list[Term] = []

    def close() -> None:
        if any(not t.excluded for t in current):
            groups.append(tuple(current))
        current.clear()

    for match in TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            close()
            continue
        if bare is not None:
            minus, bare = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        words = _trimmed(w.lower() for w in WORD.findall(phrase if bare is None else bare))
        typed = " ".join(phrase.split()) if phrase and "-" in phrase and " " in phrase else ""
        if words:
            current.append(Term(words, excluded=minus == "-", typed=typed))
    close()
    return Query(text, tuple(groups))


def _trimmed(words: Iterable[str]) -> tuple[str, ...]:
    """A term's words without the stop words at either end. "multi-agency" is a phrase of
    two words, as PostgreSQL reads it; PostgreSQL leaves stop words out of a query (a stop
    word within a phrase only keeps its place), where FTS5 would require them: so "the and"
    is no term, and "children's" or "a:b" the one word "children" or "b" on both."""
    kept = list(words)
    while kept and kept[0] in STOP_WORDS:
        kept.pop(0)
    while kept and kept[-1] in STOP_WORDS:
        kept.pop()
    return tuple(kept)


def _fts5(query: Query) -> str:
    """The query in FTS5's syntax: each term a quoted phrase (so nothing in it is syntax)."""

    def phrase(term: Term) -> str:
        return '"' + " ".join(term.words) + '"'

    groups = []
    for group in query.groups:
        wanted = " AND ".join(phrase(t) for t in group if not t.excluded)
        unwanted = " OR ".join(phrase(t) for t in group if t.excluded)
        groups.append(f"({wanted}) NOT ({unwanted})" if unwanted else f"({wanted})")
    return " OR ".join(groups)


def _websearch(query: Query) -> str:
    """The query in `websearch_to_tsquery`'s syntax, from the same parse."""

    def phrase(term: Term) -> str:
        words = term.typed or " ".join(term.words)
        written = f'"{words}"' if len(term.words) > 1 else words
        return f"-{written}" if term.excluded else written

    return " or ".join(" ".join(phrase(t) for t in group) for group in query.groups)


# ----- The two engines ----------------------------------------------------------------------

#: Marks around matched words in snippets, turned into <mark> after escaping the text.
START, STOP = "\ue000", "\ue001"


class _Engine:
    def matching(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        raise NotImplementedError

    def ranked(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        raise NotImplementedError

    def highlights(self, ids: list[int], query: Query) -> dict[int, tuple[str, str, str]]:
        """(title, summary, body snippet) of each entry, matched words between START/STOP."""
        raise NotImplementedError


class _PostgreSQL(_Engine):
    TSQUERY = "websearch_to_tsquery('english', %s)"
    BODY = (
        f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2, "
        'FragmentDelimiter=" … "'
    )
    WHOLE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

    def matching(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        where = f"{ENTRY_TABLE}.vector @@ {self.TSQUERY}"
        return entries.extra(  # noqa: S610  (constant SQL; the query is a parameter)
            where=[where], params=[_websearch(query)]
        )

    def ranked(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        rank = f"ts_rank({ENTRY_TABLE}.vector, {self.TSQUERY})"
        return self.matching(entries, query).extra(  # noqa: S610  (constant SQL)
            select={"rank": rank}, select_params=[_websearch(query)]
        )

    def highlights(self, ids: list[int], query: Query) -> dict[int, tuple[str, str, str]]:
        sql = (
            f"SELECT id, ts_headline('english', title, q, %s), "  # noqa: S608
            f"ts_headline('english', summary, q, %s), ts_headline('english', body, q, %s) "
            f"FROM {ENTRY_TABLE}, {self.TSQUERY} AS q WHERE id = ANY(%s)"
        )
        params: list[Any] = [self.WHOLE, self.WHOLE, self.BODY, _websearch(query), ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


class _SQLite(_Engine):
    WEIGHTS = "10.0, 4.0, 1.0"  # title, summary, body

    def matching(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        return entries.extra(  # noqa: S610  (constant SQL; the query is a parameter)
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {ENTRY_TABLE}.id", f"{FTS_TABLE} MATCH %s"],
            params=[_fts5(query)],
        )

    def ranked(self, entries: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
        return self.matching(entries, query).extra(  # noqa: S610  (constant SQL)
            select={"rank": f"-bm25({FTS_TABLE}, {self.WEIGHTS})"}
        )

    def highlights(self, ids: list[int], query: Query) -> dict[int, tuple[str, str, str]]:
        marks = f"'{START}', '{STOP}'"
        sql = (
            f"SELECT rowid, highlight({FTS_TABLE}, 0, {marks}), "  # noqa: S608
            f"highlight({FTS_TABLE}, 1, {marks}), snippet({FTS_TABLE}, 2, {marks}, ' … ', 30) "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid IN ({', '.join('%s' for _ in ids)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_fts5(query), *ids])
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def _engine() -> _Engine:
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


def marked(text: str) -> SafeString:
    """The snippet escaped, its matched words in <mark>."""
    escaped = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308  (escaped above; only our own tags added)


# ----- Searching ----------------------------------------------------------------------------


def visible_kinds(audience: Audience) -> list[Kind]:
    kinds = sorted(KINDS.values(), key=lambda k: k.order)
    return [k for k in kinds if k.visible(audience) is not None]


def visible_entries(audience: Audience) -> QuerySet[SearchEntry]:
    """The entries whose records `audience` may see, by each kind's own rule."""
    condition = Q(pk__in=[])
    for kind in KINDS.values():
        records = kind.visible(audience)
        if records is not None:
            condition |= Q(kind=kind.key, object_id__in=records.values("pk"))
    return SearchEntry.objects.filter(condition)


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    region: int | None = None  # a region's pk
    model: str = ""


@dataclass
class Result:
    entry: SearchEntry
    kind: Kind
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    query: Query
    page: Page[Any]
    results: list[Result]
    counts: list[tuple[Kind, int]]  # by kind, before the kind filter
    total: int  # all kinds, before the kind filter


def search(
    text: str, *, audience: Audience, filters: Filters | None = None, page: Any = 1
) -> Results:
    """A page of the entries matching `text` that `audience` may see, best first, with the
    counts by kind. A bounded number of queries whatever the data: counts, page count, page,
    highlights."""
    filters = filters or Filters()
    query = parse(text)
    engine = _engine()
    entries = visible_entries(audience)
    if filters.region is not None:
        entries = entries.filter(regions=filters.region)
    if filters.model:
        entries = entries.filter(model=filters.model)
    if not query:
        entries = entries.none()
    by_kind = dict(
        engine.matching(entries, query).order_by().values_list("kind").annotate(n=Count("id"))
        if query
        else []
    )
    counts = [(k, by_kind[k.key]) for k in visible_kinds(audience) if by_kind.get(k.key)]
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    ranked = (
        engine.ranked(entries, query).order_by("-rank", "-date", "title", "id")
        if query
        else entries.order_by("id")
    )
    filtered_total = sum(n for k, n in counts if not filters.kind or k.key == filters.kind)
    current = paginate(ranked, page, per_page=PAGE_SIZE, count=filtered_total)
    rows: list[SearchEntry] = list(current.object_list)
    marks = engine.highlights([e.pk for e in rows], query) if rows else {}
    results = []
    for entry in rows:
        title, summary, body = marks.get(entry.pk, (entry.title, entry.summary, entry.body))
        snippet = body if START in body else summary if START in summary else body or summary
        results.append(Result(entry, KINDS[entry.kind], marked(title), marked(_cut(snippet))))
    return Results(query, current, results, counts, sum(by_kind.values()))


def _cut(text: str, limit: int = 320) -> str:
    """At most `limit` characters, cut at a word, for snippets that came back whole."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + (STOP if cut.count(START) > cut.count(STOP) else "") + " …"
