"""Scale data for benchmarks: the demo data made N times bigger, with varied text.

    from bench.scale import scale_demo       # after django.setup(), the register and
    scaled = scale_demo(100)                 # `load_demo_data` loaded in a throwaway db
    print(scaled.describe())

`scale_demo(n)` adds n - 1 copies of the demo's visits (with their areas, agencies and
detailed feedback), case studies (sections, key facts, areas), survey returns' free-text
answers, findings (with their evidence) and coded excerpts (with their codings), so that
each of those is n times what the demo has. Regions, authorities, themes, the survey's closed
questions and the report editions are not copied: a bigger service has more records, not
more areas of England.

- **Varied, not identical**: each copy has its own word choices (synonyms swapped, one
  choice per copy: "partners" may read "agencies"), its own figures (numbers of 10 and more
  scaled, years left alone) and its sentences shuffled within each paragraph; so the copies
  rank differently, match different queries and quote different snippets. The same copy
  numbered k of every record uses the same word choices, so an excerpt's copy still quotes
  its source's copy at the right offsets (it stands, as the original did).
- **Fast**: written with `bulk_create`, which sends no signals and keeps no history, then
  put in the search index with `mash_survey.search.index_all` (timed apart: `Scaled` has
  both). Nothing else that listens to saves runs: these rows have no history versions.
- **Copies of a survey**: an area answers a survey once, so the returns' copies are returns
  to copies of the demo survey ("… (copy 2)"), with every question, choice, answer and
  ticked choice: 100x is 100 surveys of the demo's returns. Free-text answers are reworded.
- Deterministic: the same `seed` and `factor` make the same rows.

Not part of `make test`. `bench/search.py` uses it; so can any bench that sets up a
throwaway database as it does (`load_demo()` then `scale_demo(n)`).
"""

import datetime as dt
import os
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.management import call_command
from django.db import models, transaction

from areas.services import register_load
from case_studies.models import CaseStudy, KeyFact, Section
from findings.models import Coding, Excerpt, Finding, FindingEvidence
from mash_survey import search
from mash_survey.models import SearchEntry
from surveys.models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from visits.models import AgencyInvolvement, DetailedFeedback, FeedbackStaffing, Visit

M = TypeVar("M", bound=models.Model)

#: Words that may stand for each other in the demo's texts; each copy picks one of each group.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("partners", "agencies", "partner agencies"),
    ("contacts", "enquiries", "notifications"),
    ("office", "building", "room"),
    ("team", "unit", "service"),
    ("information", "intelligence"),
    ("decisions", "judgements"),
    ("decision", "judgement"),
    ("early", "prompt", "timely"),
    ("quickly", "promptly", "swiftly"),
    ("concerns", "worries"),
    ("meeting", "briefing"),
    ("managers", "leaders"),
    ("agreed", "settled"),
    ("checks", "searches", "enquiries"),
    ("board", "group"),
    ("consent", "agreement"),
    ("social workers", "practitioners"),
    ("difficult", "hard"),
    ("slow", "sluggish"),
    ("often", "frequently"),
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
NUMBER = re.compile(r"(?<![\w.,])\d{2,4}(?![\w.,]\d)")


class Variation:
    """Copy number `k`'s way of rewording a text: its synonyms, its figures, its shuffles."""

    def __init__(self, k: int, seed: int) -> None:
        self.k = k
        rng = random.Random(f"{seed}:{k}")
        self.words: dict[str, str] = {}
        for group in SYNONYMS:
            chosen = rng.choice(group)
            self.words.update({word: chosen for word in group})
        self.figures = rng.uniform(0.6, 1.6)
        self.shuffle = random.Random(f"{seed}:{k}:shuffle")
        alternatives = sorted(self.words, key=len, reverse=True)
        self.pattern = re.compile(
            r"\b(" + "|".join(re.escape(w) for w in alternatives) + r")\b", re.IGNORECASE
        )

    def reword(self, text: str) -> str:
        """The same text in this copy's words and figures: whole words only, so a passage
        reworded alone is still found in its source reworded."""

        def word(match: re.Match[str]) -> str:
            found = match.group(0)
            chosen = self.words[found.lower()]
            return chosen[0].upper() + chosen[1:] if found[0].isupper() else chosen

        def figure(match: re.Match[str]) -> str:
            value = int(match.group(0))
            if 1900 <= value <= 2099:  # a year
                return match.group(0)
            return str(max(10, round(value * self.figures)))

        return NUMBER.sub(figure, self.pattern.sub(word, text))

    def text(self, text: str) -> str:
        """Reworded, and the sentences of each line in another order."""
        lines = []
        for line in self.reword(text).split("\n"):
            sentences = SENTENCE_END.split(line)
            if len(sentences) > 2:
                self.shuffle.shuffle(sentences)
            lines.append(" ".join(sentences))
        return "\n".join(lines)


@dataclass
class Scaled:
    """What `scale_demo` made, and how long it took."""

    factor: int
    rows: dict[str, int] = field(default_factory=dict)  # model label: rows added
    write_seconds: float = 0.0
    index_seconds: float = 0.0
    entries_before: int = 0
    entries_after: int = 0

    @property
    def seconds(self) -> float:
        return self.write_seconds + self.index_seconds

    def describe(self) -> str:
        made = ", ".join(f"{n} {label}" for label, n in self.rows.items())
        return (
            f"scaled the demo data {self.factor}x in {self.seconds:.1f} s (writing "
            f"{self.write_seconds:.1f} s, indexing {self.index_seconds:.1f} s): added {made}; "
            f"search entries {self.entries_before} -> {self.entries_after}"
        )


def _clone(record: M, **changes: Any) -> M:
    """An unsaved copy of `record` (its concrete fields, by attname), with `changes`."""
    values = {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if not f.primary_key
    }
    return type(record)(**{**values, **changes})


class _Copies:
    """Bulk-creates copies and remembers which copy k of which original each row is."""

    def __init__(self, scaled: Scaled) -> None:
        self.scaled = scaled
        self.made: dict[type[models.Model], dict[tuple[int, int], Any]] = defaultdict(dict)

    def create(
        self,
        originals: Iterable[M],
        ks: Sequence[int],
        copy: Callable[[M, int], M],
    ) -> list[M]:
        keyed = [((original.pk, k), copy(original, k)) for original in originals for k in ks]
        if not keyed:
            return []
        model = type(keyed[0][1])
        created = model._default_manager.bulk_create([row for _, row in keyed], batch_size=500)
        for (key, _), row in zip(keyed, created, strict=True):
            self.made[model][key] = row
        self.count(model, len(created))
        return created

    def of(self, model: type[M], pk: Any, k: int) -> M:
        copy: M = self.made[model][(pk, k)]
        return copy

    def count(self, model: type[models.Model], n: int) -> None:
        label = model._meta.verbose_name_plural
        self.scaled.rows[str(label)] = self.scaled.rows.get(str(label), 0) + n

    def link(self, through: Any, rows: Iterable[Any]) -> None:
        """Many-to-many links (not counted)."""
        through.objects.bulk_create(list(rows), batch_size=1000)


def _write(factor: int, seed: int, scaled: Scaled) -> dict[type[models.Model], list[Any]]:
    """Write the copies; the new rows of each kind search indexes."""
    ks = range(1, factor)
    variations = {k: Variation(k, seed) for k in ks}
    copies = _Copies(scaled)
    new: dict[type[models.Model], list[Any]] = {}

    # Visits, their areas, team and agencies; their detailed feedback and its staffing.
    visits = list(Visit.objects.prefetch_related("local_authorities", "visiting_team"))
    new[Visit] = copies.create(
        visits,
        ks,
        lambda v, k: _clone(
            v,
            notes=variations[k].text(v.notes),
            version=1,
            visit_date=v.visit_date + _days(k),
        ),
    )
    areas_through: Any = Visit.local_authorities.through
    team_through: Any = Visit.visiting_team.through
    copies.link(
        areas_through,
        (
            areas_through(visit_id=copies.of(Visit, v.pk, k).pk, localauthority_id=a.pk)
            for v in visits
            for k in ks
            for a in v.local_authorities.all()
        ),
    )
    copies.link(
        team_through,
        (
            team_through(visit_id=copies.of(Visit, v.pk, k).pk, user_id=u.pk)
            for v in visits
            for k in ks
            for u in v.visiting_team.all()
        ),
    )
    copies.create(
        AgencyInvolvement.objects.all(),
        ks,
        lambda a, k: _clone(a, visit_id=copies.of(Visit, a.visit_id, k).pk),
    )
    new[DetailedFeedback] = copies.create(
        DetailedFeedback.objects.all(),
        ks,
        lambda f, k: _clone(
            f,
            visit_id=copies.of(Visit, f.visit_id, k).pk,
            version=1,
            **{
                name: variations[k].text(getattr(f, name))
                for name in DetailedFeedback.TEXT_FIELDS
                if name != "board_chair"  # 200 characters at most, and a role
            },
        ),
    )
    copies.create(
        FeedbackStaffing.objects.all(),
        ks,
        lambda s, k: _clone(s, feedback_id=copies.of(DetailedFeedback, s.feedback_id, k).pk),
    )

    # Every survey in full, as copies: its questions and their choices, its returns, their
    # answers and ticked choices. Free-text answers are reworded; the copies' returns are
    # searchable as the originals are.
    copies.create(
        Survey.objects.all(),
        ks,
        lambda s, k: _clone(
            s, slug=f"{s.slug}-copy-{k + 1}"[:100], title=f"{s.title} (copy {k + 1})"
        ),
    )
    new[Question] = copies.create(
        Question.objects.all(),
        ks,
        lambda q, k: _clone(q, survey_id=copies.of(Survey, q.survey_id, k).pk),
    )
    copies.create(
        Choice.objects.all(),
        ks,
        lambda c, k: _clone(c, question_id=copies.of(Question, c.question_id, k).pk),
    )
    copies.create(
        Response.objects.all(),
        ks,
        lambda r, k: _clone(r, survey_id=copies.of(Survey, r.survey_id, k).pk, version=1),
    )
    answers = list(Answer.objects.select_related("question"))
    copies.create(
        answers,
        ks,
        lambda a, k: _clone(
            a,
            response_id=copies.of(Response, a.response_id, k).pk,
            question_id=copies.of(Question, a.question_id, k).pk,
            choice_id=a.choice_id and copies.of(Choice, a.choice_id, k).pk,
            text=variations[k].text(a.text) if a.text else a.text,
        ),
    )
    free_text = {a.pk for a in answers if a.question.kind == QuestionKind.FREE_TEXT and a.text}
    new[Answer] = [copies.of(Answer, pk, k) for pk in free_text for k in ks]
    copies.link(
        AnswerChoice,
        (
            AnswerChoice(
                answer_id=copies.of(Answer, ticked.answer_id, k).pk,
                choice_id=copies.of(Choice, ticked.choice_id, k).pk,
            )
            for ticked in AnswerChoice.objects.all()
            for k in ks
        ),
    )

    # Case studies, their sections, key facts and areas.
    studies = list(CaseStudy.objects.prefetch_related("local_authorities"))
    new[CaseStudy] = copies.create(
        studies,
        ks,
        lambda c, k: _clone(
            c,
            slug=f"{c.slug}-copy-{k + 1}"[:100],
            title=variations[k].reword(c.title)[:200],
            summary=variations[k].text(c.summary),
            visit_id=copies.of(Visit, c.visit_id, k).pk if c.visit_id else None,
            version=1,
        ),
    )
    copies.create(
        Section.objects.all(),
        ks,
        lambda s, k: _clone(
            s,
            case_study_id=copies.of(CaseStudy, s.case_study_id, k).pk,
            heading=variations[k].reword(s.heading)[:200],
            body=variations[k].text(s.body),
        ),
    )
    copies.create(
        KeyFact.objects.all(),
        ks,
        lambda f, k: _clone(
            f,
            case_study_id=copies.of(CaseStudy, f.case_study_id, k).pk,
            value=variations[k].reword(f.value)[:200],
        ),
    )
    study_areas: Any = CaseStudy.local_authorities.through
    copies.link(
        study_areas,
        (
            study_areas(casestudy_id=copies.of(CaseStudy, c.pk, k).pk, localauthority_id=a.pk)
            for c in studies
            for k in ks
            for a in c.local_authorities.all()
        ),
    )

    # Coded excerpts, quoting their source's copy; their codings.
    def excerpt_copy(e: Excerpt, k: int) -> Excerpt:
        source: dict[str, Any]
        if e.visit_id:
            visit = copies.of(Visit, e.visit_id, k)
            source, text = {"visit_id": visit.pk}, visit.notes
        elif e.feedback_id:
            feedback = copies.of(DetailedFeedback, e.feedback_id, k)
            source, text = {"feedback_id": feedback.pk}, getattr(feedback, e.feedback_field)
        elif e.section_id:
            section = copies.of(Section, e.section_id, k)
            source, text = {"section_id": section.pk}, section.body
        else:
            answer = copies.of(Answer, e.answer_id, k)
            source, text = {"answer_id": answer.pk}, answer.text
        quote = variations[k].reword(e.quote)
        start = text.find(quote)
        if start < 0:  # the original no longer stood either (or spanned shuffled sentences)
            start = min(e.start, max(len(text) - 1, 0))
        sources = {"visit_id": None, "feedback_id": None, "section_id": None, "answer_id": None}
        return _clone(
            e,
            **{**sources, **source},
            quote=quote,
            start=start,
            end=start + len(quote),
            source_version=1,
            memo=variations[k].reword(e.memo),
            version=1,
        )

    new[Excerpt] = copies.create(Excerpt.objects.all(), ks, excerpt_copy)
    copies.create(
        Coding.objects.all(),
        ks,
        lambda c, k: _clone(c, excerpt_id=copies.of(Excerpt, c.excerpt_id, k).pk),
    )

    # Findings and the evidence they cite.
    new[Finding] = copies.create(
        Finding.objects.all(),
        ks,
        lambda f, k: _clone(
            f,
            headline=variations[k].reword(f.headline)[:200],
            statement=variations[k].text(f.statement),
            version=1,
        ),
    )
    copies.create(
        FindingEvidence.objects.all(),
        ks,
        lambda ev, k: _clone(
            ev,
            finding_id=copies.of(Finding, ev.finding_id, k).pk,
            excerpt_id=copies.of(Excerpt, ev.excerpt_id, k).pk if ev.excerpt_id else None,
        ),
    )
    return new


def _days(k: int) -> dt.timedelta:
    """How much later copy k's visit is: spread over two months, not a century."""
    return dt.timedelta(days=k % 60)


def scale_demo(factor: int, *, seed: int = 2013) -> Scaled:
    """Make the demo data `factor` times bigger (see the module's docstring); returns what
    it made and how long writing and indexing took. Run once, on the demo data as loaded."""
    if factor < 1:
        raise ValueError("factor is how many times the demo data: 1 or more")
    scaled = Scaled(factor=factor, entries_before=SearchEntry.objects.count())
    start = time.perf_counter()
    with transaction.atomic():
        new = _write(factor, seed, scaled)
    scaled.write_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        for model, rows in new.items():
            kind = search.kind_of_model(model)
            assert kind is not None
            pks = [row.pk for row in rows]
            for i in range(0, len(pks), search.REBUILD_CHUNK):
                chunk = pks[i : i + search.REBUILD_CHUNK]
                search.index_all(kind.read(model._default_manager.filter(pk__in=chunk)))
    scaled.index_seconds = time.perf_counter() - start
    scaled.entries_after = SearchEntry.objects.count()
    return scaled


def load_demo() -> float:
    """Migrate, load the register and the demo data (Django set up, on a throwaway
    database); the seconds it took."""
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    register_load()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_data", verbosity=0, stdout=quiet)
    return time.perf_counter() - start
