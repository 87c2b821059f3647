"""The pre-publish checklist: what blocks an edition's publication (errors) and what only warns,
each with a link to the page where it is fixed.

Errors:
- an included finding that is not agreed, or cites no evidence;
- a stale excerpt cited by an included finding (`sources.stale`: its source changed);
- a quote above its clearance: an excerpt cleared "not for publication" is cited all the same
  (the public pages count it but never show it), but a finding's headline or statement that
  repeats such an excerpt's words verbatim would publish them, so that is an error;
- a text (the edition's summary, introduction, method, caveats and reason for amendment, and
  the included findings' statements) whose shortcodes do not render: an unknown shortcode, an
  unknown figure key, a figure without a headline number, or a figure that fails to compute
  (`shortcodes.render_with_shortcodes` with the snapshot's figures);
- possible identifiers in the edition's texts, unless a reviewer let them through
  (`pii_override_reason`), and an included finding that flags identifiers;
- empty caveats; an included case study that is not published; an amendment without a public
  reason of at least a sentence.

Warnings: an included theme with no included findings; a finding whose evidence comes from a
single area; figures no text cites (listed by key).
"""

from dataclasses import dataclass, field

from django.urls import reverse

from case_studies.models import CaseStudy, CaseStudyStatus
from mash_survey import publishing
from mash_survey.identifiers import identifier_hits

from .. import sources
from ..figures import FigureError
from ..models import (
    Clearance,
    EditionCaseStudy,
    EditionFinding,
    EditionTheme,
    Excerpt,
    Finding,
    FindingStatus,
    ReportEdition,
)
from ..queries import OF_FINDING, evidence_counts
from ..shortcodes import SHORTCODE, render_with_shortcodes
from . import snapshot


@dataclass(frozen=True)
class Item:
    """One thing the checklist found: what it is and where to fix it."""

    message: str
    url: str
    link_text: str


@dataclass
class Checklist:
    errors: list[Item] = field(default_factory=list)
    warnings: list[Item] = field(default_factory=list)
    #: The keys of the figures no text cites.
    uncited: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.errors


#: The edition's texts that take Markdown with shortcodes: (field, label).
TEXTS = (
    ("summary", "The summary"),
    ("introduction", "The introduction"),
    ("method", "The method"),
    ("caveats", "The caveats"),
    ("amendment_reason", "The reason for the amendment"),
)


def _edit(edition: ReportEdition, anchor: str = "") -> str:
    url = reverse("findings:edition_edit", kwargs={"slug": edition.slug})
    return f"{url}#{anchor}" if anchor else url


def _finding_url(finding: Finding, name: str = "findings:finding") -> str:
    return reverse(name, kwargs={"pk": finding.pk})


def check(edition: ReportEdition) -> Checklist:
    """What stops `edition` being published now, and what only warns."""
    result = Checklist()
    errors, warnings = result.errors, result.warnings
    findings = list(
        Finding.objects.filter(
            pk__in=EditionFinding.objects.filter(edition=edition).values("finding")
        )
        .annotate(**evidence_counts(OF_FINDING))
        .select_related("theme")
        .order_by("theme__order", "order", "pk")
    )
    with_evidence = set(
        Finding.objects.filter(pk__in=[f.pk for f in findings], evidence__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    for finding in findings:
        name = f"“{finding.headline}”"
        if finding.status != FindingStatus.AGREED:
            errors.append(
                Item(
                    f"The finding {name} is {finding.get_status_display().lower()}, not "
                    "agreed: agree it or take it out of the edition",
                    _finding_url(finding),
                    "Go to the finding",
                )
            )
        if finding.pk not in with_evidence:
            errors.append(
                Item(
                    f"The finding {name} cites no evidence",
                    _finding_url(finding),
                    "Go to the finding",
                )
            )
        if finding.flags_identifiers:
            errors.append(
                Item(
                    f"The finding {name} has possible identifiers that no reviewer let through",
                    _finding_url(finding),
                    "Go to the finding",
                )
            )
        if finding.area_count == 1:  # type: ignore[attr-defined]  # annotated
            warnings.append(
                Item(
                    f"The evidence for the finding {name} comes from a single area",
                    _finding_url(finding),
                    "Go to the finding",
                )
            )

    cited = Excerpt.objects.filter(cited_by__finding__in=[f.pk for f in findings]).distinct()
    for excerpt in sources.stale(cited).order_by("pk"):
        errors.append(
            Item(
                f"Excerpt {excerpt.pk}, cited by an included finding, is stale: its source "
                "changed. Re-anchor, re-confirm or take it out of the finding",
                reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
                "Go to the excerpt",
            )
        )
    by_pk = {f.pk: f for f in findings}
    for excerpt in cited.filter(clearance=Clearance.NOT_FOR_PUBLICATION).prefetch_related(
        "cited_by"
    ):
        words = excerpt.quote.strip()
        for row in excerpt.cited_by.all():
            quoting = by_pk.get(row.finding_id)
            if quoting and words and (words in quoting.statement or words in quoting.headline):
                errors.append(
                    Item(
                        f"The finding “{quoting.headline}” quotes excerpt {excerpt.pk}, which "
                        "is not cleared for publication: reword the finding or clear the quote",
                        reverse("findings:excerpt", kwargs={"pk": excerpt.pk}),
                        "Go to the excerpt",
                    )
                )

    frozen = snapshot.build(edition)
    texts = [
        (getattr(edition, name), f"{label} of the edition", _edit(edition, f"id_{name}"))
        for name, label in TEXTS
    ] + [
        (f.statement, f"The statement of the finding “{f.headline}”", _finding_url(f))
        for f in findings
    ]
    keys: set[str] = set()
    for text, label, url in texts:
        keys.update(key for _kind, key in SHORTCODE.findall(text or ""))
        try:
            render_with_shortcodes(text or "", frozen=frozen)
        except FigureError as exc:
            errors.append(Item(f"{label}: {exc}", url, "Change the text"))

    if not edition.pii_override_reason:
        for hit in identifier_hits(edition):
            errors.append(
                Item(
                    f"Possible {hit.kind} in {hit.label}: “{hit.context}”",
                    _edit(edition, hit.anchor),
                    "Change the text",
                )
            )
    if not edition.caveats.strip():
        errors.append(
            Item(
                "The caveats are empty: say what the findings are and are not",
                _edit(edition, "id_caveats"),
                "Write the caveats",
            )
        )
    if edition.amends_id is not None and not publishing.is_a_sentence(edition.amendment_reason):
        errors.append(
            Item(
                "The amendment needs a public reason of at least a sentence",
                _edit(edition, "id_amendment_reason"),
                "Give the reason",
            )
        )
    studies = CaseStudy.objects.filter(
        pk__in=EditionCaseStudy.objects.filter(edition=edition).values("case_study")
    ).order_by("title")
    for study in studies:
        if study.status != CaseStudyStatus.PUBLISHED:
            errors.append(
                Item(
                    f"The case study “{study.title}” is {study.get_status_display().lower()}, "
                    "not published: publish it or take it out of the edition",
                    reverse("case_studies:edit", kwargs={"slug": study.slug}),
                    "Go to the case study",
                )
            )

    with_findings = {f.theme_id for f in findings}
    for included in EditionTheme.objects.filter(edition=edition).select_related("theme"):
        if included.theme_id not in with_findings:
            warnings.append(
                Item(
                    f"The theme {included.theme.name} has no findings in the edition",
                    _edit(edition, "themes"),
                    "Choose the findings",
                )
            )
    result.uncited = sorted((set(frozen["figures"]) | set(frozen["figure_errors"])) - keys)
    if result.uncited:
        warnings.append(
            Item(
                f"No text cites these figures: {', '.join(result.uncited)}",
                reverse("findings:figures"),
                "See the figures",
            )
        )
    return result
