"""Case studies of local arrangements that others could learn from: written by project staff,
published by reviewers. Only published case studies are public."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from areas.models import LocalAuthority
from mash_survey.history import Audited, Versioned
from mash_survey.identifiers import Marked
from visits.models import ModelSeen

#: A case study's model takes the same choices as a visit's model seen: one enumeration, so
#: the two cannot drift apart (and a case study can be matched to the visits it draws on).
CaseStudyModel = ModelSeen


class CaseStudyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseStudy(Versioned, Marked):
    record_name = "case study"
    #: Waiting for a reviewer's decision (`mash_survey.publishing`).
    in_review_status: ClassVar[str] = CaseStudyStatus.IN_REVIEW

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    local_authorities = models.ManyToManyField(LocalAuthority, related_name="case_studies")
    visit = models.ForeignKey(
        "visits.Visit",
        on_delete=models.PROTECT,
        related_name="case_studies",
        null=True,
        blank=True,
    )
    model = models.CharField(max_length=12, choices=CaseStudyModel.choices)
    summary = models.TextField(
        help_text="Two or three sentences: what the area does and why it matters."
    )
    status = models.CharField(
        max_length=12, choices=CaseStudyStatus.choices, default=CaseStudyStatus.DRAFT
    )
    reviewer_comment = models.TextField(blank=True)
    pii_override_reason = models.TextField(blank=True)
    withdrawal_notice = models.TextField(
        blank=True, help_text="Shown in place of the case study once it is withdrawn."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_illustrative = models.BooleanField(default=False)
    history = Audited(m2m_fields=[local_authorities])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStudyStatus.values), name="case_study_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(model__in=CaseStudyModel.values), name="case_study_model_is_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStudyStatus.PUBLISHED, CaseStudyStatus.WITHDRAWN])
                | Q(published_at__isnull=False),
                name="published_case_study_has_date",
            ),
        ]

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        """The title, summary, key facts and every section: what the identifier guard reads
        (`mash_survey.identifiers`)."""
        # The fields are the form's: a key fact's value and a section's body, by position.
        texts = [("title", "Title", self.title), ("summary", "Summary", self.summary)]
        texts += [
            (f"facts-{i}-value", f"Key fact: {f.label}", f"{f.label}: {f.value}")
            for i, f in enumerate(self.key_facts.all())
        ]
        texts += [
            (f"sections-{i}-body", f"Section: {s.heading}", f"{s.heading}\n{s.body}")
            for i, s in enumerate(self.sections.all())
        ]
        return texts

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case_studies:detail", kwargs={"slug": self.slug})


class Section(models.Model):
    """One titled section of a case study's body, in Markdown."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. No names of children, families or staff.")
    order = models.PositiveIntegerField()
    history = Audited()

    class Meta:
        ordering = ["case_study", "order"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "order"], name="section_order_unique"),
        ]

    def __str__(self) -> str:
        return self.heading


class KeyFact(models.Model):
    """A label and value shown in a case study's key facts ("Established", "October 2011")."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="key_facts")
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    history = Audited()

    class Meta:
        ordering = ["case_study", "order"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "order"], name="key_fact_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
