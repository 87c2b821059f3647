"""The codebook (themes), the evidence coded to it (excerpts of the project's sources) and
the findings that rest on that evidence.

An excerpt is a passage of exactly one source, pointed to by one of four explicit foreign
keys; the database checks that exactly one is set. Whether an excerpt is stale is never
stored: `queries.excerpts()` derives it from the source as it is now, whichever path changed
it.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mash_survey.history import Audited, Versioned
from mash_survey.identifiers import Marked


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Theme(Versioned):
    """A theme of the codebook: what belongs in it is its definition."""

    record_name = "theme"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    definition = models.TextField(
        help_text="What belongs in the theme and what does not, so two people code alike."
    )
    order = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        help_text="The theme this is a sub-theme of (one level only).",
    )
    status = models.CharField(max_length=8, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_illustrative = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = Audited()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ThemeStatus.values), name="theme_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=ThemeStatus.RETIRED),
                name="merged_theme_is_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("findings:theme", kwargs={"slug": self.slug})


class Clearance(models.TextChoices):
    """How far a quote may go, from least to most: the public side shows a quote only at or
    below its clearance."""

    NOT_FOR_PUBLICATION = "private", "Not for publication"
    UNATTRIBUTED = "unattributed", "Quote without attribution"
    REGION = "region", "Quote with the region"
    AREA = "area", "Quote with the area's name"


#: The clearances in order: a quote cleared to one may be shown in any before it.
CLEARANCE_ORDER: tuple[str, ...] = tuple(Clearance.values)


class SourceType(models.TextChoices):
    VISIT = "visit", "Visit notes"
    FEEDBACK = "feedback", "Detailed feedback"
    CASE_STUDY = "case_study", "Case study"
    SURVEY = "survey", "Survey answer"


#: The one foreign key each kind of source sets.
SOURCE_FIELDS: dict[str, str] = {
    SourceType.VISIT: "visit",
    SourceType.FEEDBACK: "feedback",
    SourceType.CASE_STUDY: "section",
    SourceType.SURVEY: "answer",
}


def _exactly_one_source() -> Q:
    condition = Q()
    for field in SOURCE_FIELDS.values():
        others = {f"{other}__isnull": True for other in SOURCE_FIELDS.values() if other != field}
        condition |= Q(**{f"{field}__isnull": False}, **others)
    return condition


class Excerpt(Versioned):
    """A passage of one source: its offsets in the source text as stored, a copy of the
    quote, and the source's version when it was coded."""

    record_name = "excerpt"
    #: Its quote is a copy of the source's text: a redaction of the source redacts it too.
    quotes_sources: ClassVar[bool] = True

    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, related_name="excerpts", null=True, blank=True
    )
    feedback = models.ForeignKey(
        "visits.DetailedFeedback",
        on_delete=models.PROTECT,
        related_name="excerpts",
        null=True,
        blank=True,
    )
    feedback_field = models.CharField(
        max_length=32, blank=True, help_text="Which free-text field of the feedback."
    )
    section = models.ForeignKey(
        "case_studies.Section",
        on_delete=models.PROTECT,
        related_name="excerpts",
        null=True,
        blank=True,
    )
    answer = models.ForeignKey(
        "surveys.Answer", on_delete=models.PROTECT, related_name="excerpts", null=True, blank=True
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    source_version = models.PositiveIntegerField()
    memo = models.TextField(blank=True)
    clearance = models.CharField(
        max_length=12, choices=Clearance.choices, default=Clearance.NOT_FOR_PUBLICATION
    )
    themes: "models.ManyToManyField[Theme, Coding]" = models.ManyToManyField(
        Theme, through="Coding", related_name="excerpts"
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    coded_at = models.DateTimeField()
    is_illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = Audited()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_source(), name="excerpt_has_one_source"),
            models.CheckConstraint(
                condition=Q(feedback__isnull=True, feedback_field="")
                | Q(feedback__isnull=False) & ~Q(feedback_field=""),
                name="excerpt_feedback_names_its_field",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="excerpt_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(clearance__in=Clearance.values), name="excerpt_clearance_is_known"
            ),
        ]

    def __str__(self) -> str:
        quote = " ".join(self.quote.split())
        return f"“{quote[:60]}{'…' if len(quote) > 60 else ''}”"

    @property
    def source_type(self) -> str:
        return next(kind for kind, field in SOURCE_FIELDS.items() if getattr(self, f"{field}_id"))

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        return [("quote", "the quote", self.quote), ("memo", "the memo", self.memo)]


class Coding(models.Model):
    """An excerpt coded to a theme: who did it and when."""

    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codings")
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    coded_at = models.DateTimeField()
    history = Audited()

    class Meta:
        ordering = ["excerpt", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["excerpt", "theme"], name="one_coding_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.excerpt} → {self.theme}"


class FindingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    RETIRED = "retired", "Retired"


class Finding(Marked, Versioned):
    """What the project concludes on a theme, resting on cited evidence."""

    record_name = "finding"
    #: A finding waits in draft for a reviewer to agree it (`mash_survey.publishing`).
    in_review_status: ClassVar[str] = "draft"
    history_labels: ClassVar[dict[str, str]] = {"pii_override_reason": "Why identifiers stay"}

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="findings")
    headline = models.CharField(max_length=200)
    statement = models.TextField(help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=8, choices=FindingStatus.choices, default=FindingStatus.DRAFT
    )
    pii_override_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = Audited()

    class Meta:
        ordering = ["theme__order", "theme__name", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FindingStatus.values), name="finding_status_is_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.AGREED) | Q(agreed_at__isnull=False),
                name="agreed_finding_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        return [
            ("headline", "the headline", self.headline),
            ("statement", "the statement", self.statement),
        ]


class FindingEvidence(models.Model):
    """One piece of a finding's evidence: an excerpt, or a survey question (its distribution
    is the quantitative evidence)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    excerpt = models.ForeignKey(
        Excerpt, on_delete=models.PROTECT, related_name="cited_by", null=True, blank=True
    )
    question = models.ForeignKey(
        "surveys.Question", on_delete=models.PROTECT, related_name="cited_by", null=True, blank=True
    )
    order = models.PositiveIntegerField(default=0)
    history = Audited()

    class Meta:
        ordering = ["finding", "order", "pk"]
        verbose_name_plural = "finding evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(excerpt__isnull=False, question__isnull=True)
                | Q(excerpt__isnull=True, question__isnull=False),
                name="evidence_is_an_excerpt_or_a_question",
            ),
            models.UniqueConstraint(
                fields=["finding", "excerpt"],
                condition=Q(excerpt__isnull=False),
                name="excerpt_cited_once_per_finding",
            ),
            models.UniqueConstraint(
                fields=["finding", "question"],
                condition=Q(question__isnull=False),
                name="question_cited_once_per_finding",
            ),
        ]

    def __str__(self) -> str:
        return str(self.excerpt or self.question)


# ----- Report editions ---------------------------------------------------------------------


class EditionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


#: The statuses of an edition that is public: frozen, and never changed.
PUBLISHED_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED)


class FreezeState(models.TextChoices):
    """Where publishing an edition has got to: its files are rendered and stored (frozen) in a
    job, which may run in the background (`findings.editions.jobs`)."""

    NONE = "", "Not publishing"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Rendering and storing the files"
    FAILED = "failed", "Failed"


class ReportEdition(Marked, Versioned):
    """An edition of the findings report. A draft is edited and previewed by staff; a reviewer
    who had no hand in it publishes it, which freezes it: its pages, figures' values, PDF and
    data release are stored as files with a SHA-256 manifest (`EditionFile`) and never change.
    A correction is a new edition that `amends` the published one, with a public reason."""

    record_name = "report edition"
    #: Waiting for a reviewer to publish it (`mash_survey.publishing`).
    in_review_status: ClassVar[str] = EditionStatus.IN_REVIEW
    history_labels: ClassVar[dict[str, str]] = {
        "pii_override_reason": "Why identifiers stay",
        "amendment_reason": "Why it was amended",
    }

    title = models.CharField(max_length=200, default="Early findings")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Its address: /findings/<slug>/. Lower-case letters, numbers and hyphens.",
    )
    summary = models.TextField(help_text="Two or three sentences for the top of the report.")
    introduction = models.TextField(blank=True, help_text="Markdown with figure shortcodes.")
    method = models.TextField(blank=True, help_text="Markdown with figure shortcodes.")
    caveats = models.TextField(blank=True, help_text="Markdown with figure shortcodes.")
    status = models.CharField(
        max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="amendments",
        null=True,
        blank=True,
        help_text="The published edition this one corrects.",
    )
    amendment_reason = models.TextField(
        blank=True, help_text="Public: why the edition it amends was corrected."
    )
    themes: "models.ManyToManyField[Theme, EditionTheme]" = models.ManyToManyField(
        Theme, through="EditionTheme", related_name="editions"
    )
    findings: "models.ManyToManyField[Finding, EditionFinding]" = models.ManyToManyField(
        Finding, through="EditionFinding", related_name="editions"
    )
    case_studies: "models.ManyToManyField[Any, EditionCaseStudy]" = models.ManyToManyField(
        "case_studies.CaseStudy", through="EditionCaseStudy", related_name="editions"
    )
    pii_override_reason = models.TextField(blank=True)
    freeze_state = models.CharField(
        max_length=8, choices=FreezeState.choices, default=FreezeState.NONE, blank=True
    )
    freeze_progress = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = Audited()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values), name="edition_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[EditionStatus.DRAFT, EditionStatus.IN_REVIEW])
                | Q(published_at__isnull=False),
                name="published_edition_has_date",
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
                name="amendment_gives_reason",
            ),
            models.CheckConstraint(
                condition=Q(freeze_state__in=FreezeState.values), name="freeze_state_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"

    @property
    def is_published(self) -> bool:
        """Published or superseded: frozen, public, never changed."""
        return self.status in PUBLISHED_STATUSES

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        return [
            ("title", "the title", self.title),
            ("summary", "the summary", self.summary),
            ("introduction", "the introduction", self.introduction),
            ("method", "the method", self.method),
            ("caveats", "the caveats", self.caveats),
            ("amendment_reason", "the reason for the amendment", self.amendment_reason),
        ]


class EditionTheme(models.Model):
    """A theme an edition includes, in the edition's order."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "theme"], name="edition_theme_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.theme_id}"


class EditionFinding(models.Model):
    """An agreed finding an edition includes, in order within its theme."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="+")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "finding"], name="edition_finding_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.finding_id}"


class EditionCaseStudy(models.Model):
    """A published case study an edition includes, in the edition's order."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="+")
    case_study = models.ForeignKey(
        "case_studies.CaseStudy", on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "case_study"], name="edition_case_study_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.case_study_id}"


class EditionFile(models.Model):
    """A file a published edition stored when it was frozen: a page, the figures' values, the
    PDF, the data release or the manifest. `path` is its name within the edition; the bytes
    live in the default storage under `editions/<slug>/<path>` and their SHA-256 is here and
    in the manifest. Never changed once written."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.PROTECT, related_name="files")
    path = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["edition", "path"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "path"], name="edition_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition.slug}/{self.path}"
