"""The illustrative demo coding, as `load_demo_data` leaves it: a codebook with sub-themes,
excerpts from every kind of source, findings that rest on them, a few stale excerpts, a mix
of clearances, all marked illustrative and loaded once only.

The whole demo is loaded once for the module (it takes seconds) in a transaction rolled
back after it; each test runs in a savepoint of its own.
"""

import io
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db.models import Count
from pytest_django import DjangoDbBlocker

from findings import queries
from findings.editions import checklist
from findings.models import (
    Clearance,
    Coding,
    EditionStatus,
    Excerpt,
    Finding,
    FindingEvidence,
    FindingStatus,
    ReportEdition,
    SourceType,
    Theme,
)
from findings.sources import GONE, MOVED, STANDS, with_state
from mash_survey.roles import is_reviewer
from tests.module_data import demo_loaded

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with demo_loaded(django_db_blocker) as output:
        yield output


@pytest.fixture
def demo(loaded_once: str, db: None) -> str:
    """What `load_demo_data` said when it loaded the demo."""
    return loaded_once


def _excerpts() -> list[Excerpt]:
    return list(with_state(Excerpt.objects.all()))


def test_the_command_reports_the_demo_coding(demo: str) -> None:
    themes, excerpts, findings = (
        Theme.objects.count(),
        Excerpt.objects.count(),
        Finding.objects.count(),
    )
    assert (
        f"Demo coding: {themes} themes, {excerpts} excerpts, {findings} findings (illustrative)."
        in demo
    )


def test_the_codebook_has_8_to_10_main_themes_and_a_few_sub_themes(demo: str) -> None:
    main = Theme.objects.filter(parent=None)
    subs = Theme.objects.exclude(parent=None)

    assert 8 <= main.count() <= 10
    assert {"Governance and leadership", "Information sharing agreements", "Adults at risk"} <= {
        t.name for t in main
    }
    assert 2 <= subs.count() <= 5
    assert all(t.definition for t in Theme.objects.all())


def test_80_to_150_excerpts_are_coded_from_every_kind_of_source(demo: str) -> None:
    excerpts = _excerpts()

    assert 80 <= len(excerpts) <= 150
    assert {e.source_type for e in excerpts} == set(SourceType.values)
    assert not Excerpt.objects.annotate(n=Count("codings")).filter(n=0).exists()
    # Some passages belong in more than one theme.
    assert Coding.objects.values("excerpt").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_counts_differ_by_region_and_by_model(demo: str) -> None:
    by_region = Counter(
        Excerpt.objects.annotate(region=queries.region_of()).values_list("region", flat=True)
    )
    by_model = Counter(
        Excerpt.objects.annotate(model=queries.model_of())
        .exclude(model=None)
        .values_list("model", flat=True)
    )
    themes = queries.codebook()

    assert len(by_region) == 9 and len(set(by_region.values())) > 1
    assert len(by_model) >= 3 and len(set(by_model.values())) > 1
    # Not every theme is met everywhere: the table of themes by region has something to say.
    assert len({t.region_count for t in themes}) > 1  # type: ignore[attr-defined]
    assert any(t.region_count < 9 for t in themes)  # type: ignore[attr-defined]


def test_20_to_30_findings_most_agreed_by_a_reviewer_who_did_not_write_them(demo: str) -> None:
    findings = list(Finding.objects.select_related("created_by", "agreed_by"))
    statuses = Counter(f.status for f in findings)

    assert 20 <= len(findings) <= 30
    assert statuses[FindingStatus.AGREED] > len(findings) / 2
    assert statuses[FindingStatus.DRAFT] >= 1
    for finding in findings:
        if finding.status == FindingStatus.AGREED:
            assert finding.agreed_by is not None and is_reviewer(finding.agreed_by)
            assert finding.agreed_by != finding.created_by


def test_every_finding_rests_on_evidence_and_none_agreed_on_stale_evidence(demo: str) -> None:
    state = {e.pk: e.stale for e in _excerpts()}  # type: ignore[attr-defined]  # annotated

    for finding in Finding.objects.prefetch_related("evidence"):
        cited = [row.excerpt_id for row in finding.evidence.all() if row.excerpt_id]
        assert cited, finding.headline
        if finding.status == FindingStatus.AGREED:
            assert all(state[pk] == STANDS for pk in cited), finding.headline
    assert FindingEvidence.objects.exclude(question=None).exists()


def test_two_or_three_excerpts_are_stale_and_need_attention(demo: str) -> None:
    stale = queries.excerpts_needing_attention()

    assert 2 <= len(stale) <= 3
    assert {e.stale for e in stale} == {MOVED, GONE}  # type: ignore[attr-defined]
    standing = [e for e in _excerpts() if e.stale == STANDS]  # type: ignore[attr-defined]
    assert len(standing) == Excerpt.objects.count() - len(stale)


def test_quotes_carry_a_mix_of_clearances_set_by_a_reviewer(demo: str) -> None:
    clearances = Counter(Excerpt.objects.values_list("clearance", flat=True))
    cleared = Excerpt.history.filter(history_change_reason__startswith="Clearance:")

    assert set(clearances) == set(Clearance.values)
    assert cleared.exists()
    assert all(is_reviewer(row.history_user) for row in cleared.select_related("history_user"))


def test_a_published_quote_never_names_an_area_its_clearance_does_not(demo: str) -> None:
    for excerpt in Excerpt.objects.exclude(visit=None).exclude(clearance=Clearance.AREA):
        if excerpt.clearance != Clearance.NOT_FOR_PUBLICATION:
            names = excerpt.visit.local_authorities.values_list("name", flat=True)  # type: ignore[union-attr]
            assert not any(name in excerpt.quote for name in names), excerpt.quote


def test_everything_is_marked_illustrative(demo: str) -> None:
    assert not Theme.objects.filter(is_illustrative=False).exists()
    assert not Excerpt.objects.filter(is_illustrative=False).exists()
    assert not Finding.objects.filter(is_illustrative=False).exists()


def test_loading_again_changes_nothing(demo: str) -> None:
    def counts() -> list[int]:
        return [
            model.objects.count() for model in (Theme, Excerpt, Coding, Finding, FindingEvidence)
        ] + [Theme.history.count(), Excerpt.history.count(), Finding.history.count()]

    before = counts()
    call_command("load_demo_data", stdout=io.StringIO())

    assert counts() == before


# ----- The illustrative report edition -------------------------------------------------------


def test_the_demo_edition_is_published_by_a_reviewer_and_amended_with_a_reason(demo: str) -> None:
    first, amendment = ReportEdition.objects.order_by("pk")

    assert "Demo report editions: 2, 2 published (illustrative)." in demo
    assert first.status == EditionStatus.SUPERSEDED
    assert amendment.status == EditionStatus.PUBLISHED and amendment.amends == first
    assert amendment.amendment_reason.startswith("An agreed finding on early help")
    for edition in (first, amendment):
        assert edition.is_illustrative and edition.title == "Early findings"
        assert edition.published_by is not None and is_reviewer(edition.published_by)
        assert edition.published_by != edition.created_by
        assert checklist.check(edition).errors == []
    assert "{{ number survey-response-rate }}" in first.introduction
    assert "{{ figure models-seen }}" in first.introduction
    assert amendment.findings.count() == first.findings.count() + 1
    assert amendment.case_studies.count() == first.case_studies.count() > 0


def test_loading_again_adds_no_edition(demo: str) -> None:
    before = (ReportEdition.objects.count(), ReportEdition.history.count())

    call_command("load_demo_data", stdout=io.StringIO())

    assert (ReportEdition.objects.count(), ReportEdition.history.count()) == before
