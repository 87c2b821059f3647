"""The project's visits to local areas (January to March 2013), their notes, and the detailed
feedback taken from some of them. Both go through the same review workflow."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from areas.models import AgencyType, LocalAuthority, Region
from mash_survey.history import Audited, Versioned
from mash_survey.identifiers import Marked


class ModelSeen(models.TextChoices):
    MASH = "mash", "Multi-agency safeguarding hub (MASH)"
    CO_LOCATED = "co_located", "Co-located assessment team"
    SPECIALIST = "specialist", "Specialist team"
    VIRTUAL = "virtual", "Virtual or hub model"
    OTHER = "other", "Other"


class Involvement(models.TextChoices):
    CO_LOCATED = "co_located", "Co-located"
    VIRTUAL = "virtual", "Virtual or linked"
    NOT_INVOLVED = "not_involved", "Not involved"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"


class Reviewed(Versioned, Marked):
    """The review workflow, optimistic locking and the identifier marker shared by visits and
    detailed feedback."""

    #: Waiting for a reviewer's decision (`mash_survey.publishing`).
    in_review_status: ClassVar[str] = ReviewStatus.SUBMITTED

    history_labels = {
        "reviewer_comment": "Reviewer's comment",
        "pii_override_reason": "Why possible identifiers were let through",
        "created_by": "Recorded by",
        "approved_by": "Approved by",
    }

    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    reviewer_comment = models.TextField(
        blank=True, help_text="Why a reviewer returned it, and what to change."
    )
    pii_override_reason = models.TextField(
        blank=True,
        help_text="Why a reviewer let possible identifiers through, when they did.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        """(form field, label, text) of each free text the identifier guard reads."""
        raise NotImplementedError


class Visit(Reviewed):
    record_name = "visit"
    history_labels = {
        **Reviewed.history_labels,
        "model_seen": "Model seen",
        "local_authorities": "Areas visited",
        "selection": "Selected from",
    }

    visit_date = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="visits")
    local_authorities = models.ManyToManyField(
        LocalAuthority, related_name="visits", help_text="The areas visited, all in the region."
    )
    selection = models.ForeignKey(
        "surveys.VisitSelection",
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
        help_text="The survey selection this visit came from, if any.",
    )
    model_seen = models.CharField(max_length=12, choices=ModelSeen.choices)
    visiting_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="visits", blank=True
    )
    notes = models.TextField(
        blank=True, help_text="Markdown. No names of children, families or staff."
    )
    is_illustrative = models.BooleanField(default=False)
    history = Audited(m2m_fields=[local_authorities])

    class Meta:
        ordering = ["visit_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="visit_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(model_seen__in=ModelSeen.values), name="visit_model_is_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.APPROVED) | Q(approved_at__isnull=False),
                name="visit_approved_has_date",
            ),
        ]

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        """The free text the identifier guard reads (`mash_survey.identifiers`)."""
        return [("notes", "the notes", self.notes)]

    def __str__(self) -> str:
        names = ", ".join(a.name for a in self.local_authorities.all())
        return f"Visit to {names or self.region} on {self.visit_date.day} {self.visit_date:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("visits:detail", kwargs={"pk": self.pk})


class AgencyInvolvement(models.Model):
    """How one kind of partner agency took part in the arrangement a visit saw."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agencies")
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    involvement = models.CharField(max_length=12, choices=Involvement.choices)
    history = Audited()

    class Meta:
        ordering = ["visit", "agency_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "agency_type"], name="one_involvement_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(involvement__in=Involvement.values), name="involvement_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_type_display()}: {self.get_involvement_display()}"


class DetailedFeedback(Reviewed):
    """The structured feedback taken from 17 of the visits."""

    record_name = "feedback record"
    history_labels = {
        **Reviewed.history_labels,
        "monthly_contacts": "Contacts a month",
        "monthly_referrals": "Referrals a month",
        "isa_signed_on": "Date the information sharing agreement was signed",
        "isa_signatories": "Agencies that signed the information sharing agreement",
    }

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="feedback")
    established_on = models.DateField("when the arrangement started", null=True, blank=True)
    monthly_contacts = models.PositiveIntegerField(null=True, blank=True)
    monthly_referrals = models.PositiveIntegerField(null=True, blank=True)
    # The yes-or-no answers are null until answered: "Not answered" is not "No".
    uses_blue_rating = models.BooleanField("uses a blue (BRAG) rating", null=True, blank=True)
    red_hours = models.PositiveIntegerField("red: hours to complete checks", null=True, blank=True)
    amber_hours = models.PositiveIntegerField("amber: hours", null=True, blank=True)
    green_hours = models.PositiveIntegerField("green: hours", null=True, blank=True)
    blue_hours = models.PositiveIntegerField("blue: hours", null=True, blank=True)
    has_governance_board = models.BooleanField(null=True, blank=True)
    board_chair = models.CharField(
        max_length=200, blank=True, help_text="The chair's role, not their name."
    )
    isa_signed = models.BooleanField("information sharing agreement signed", null=True, blank=True)
    isa_signed_on = models.DateField(null=True, blank=True)
    isa_signatories = models.TextField(blank=True, help_text="Which agencies signed (roles).")
    shared_it = models.TextField("shared IT or case system", blank=True)
    outcome_measures = models.TextField(blank=True)
    success_factors = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    costs_and_funding = models.TextField(blank=True)
    lessons = models.TextField("lessons and next steps", blank=True)
    history = Audited()

    class Meta:
        verbose_name_plural = "detailed feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="feedback_status_is_known"
            ),
            # uses_blue_rating is spelt out as not null: SQL lets a check through when
            # it is unknown.
            models.CheckConstraint(
                condition=Q(uses_blue_rating__isnull=False, uses_blue_rating=True)
                | Q(blue_hours__isnull=True),
                name="feedback_blue_hours_only_with_brag",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.APPROVED) | Q(approved_at__isnull=False),
                name="feedback_approved_has_date",
            ),
        ]

    #: The free-text fields, in the order of the form: the identifier guard reads these.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "board_chair",
        "isa_signatories",
        "shared_it",
        "outcome_measures",
        "success_factors",
        "barriers",
        "costs_and_funding",
        "lessons",
    )

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        """The free text the identifier guard reads (`mash_survey.identifiers`)."""
        texts = []
        for name in self.TEXT_FIELDS:
            label = getattr(self._meta.get_field(name), "verbose_name", name)
            texts.append((name, f"the {label}", getattr(self, name)))
        return texts

    def __str__(self) -> str:
        return f"Detailed feedback: {self.visit}"

    def get_absolute_url(self) -> str:
        return reverse("visits:feedback", kwargs={"pk": self.visit_id})


class FeedbackStaffing(models.Model):
    """Staff in the arrangement from one kind of agency (full-time equivalents)."""

    feedback = models.ForeignKey(
        DetailedFeedback, on_delete=models.CASCADE, related_name="staffing"
    )
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    co_located = models.BooleanField(default=True)
    staff_fte = models.DecimalField("staff (full-time equivalent)", max_digits=6, decimal_places=1)
    history = Audited()

    class Meta:
        ordering = ["feedback", "agency_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "agency_type"], name="one_staffing_per_agency"
            ),
            models.CheckConstraint(condition=Q(staff_fte__gte=0), name="staffing_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_type_display()}: {self.staff_fte}"
