"""The initial survey: its questions, a return from each area, and the imports that filled them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from areas.models import LocalAuthority
from mash_survey.history import Audited, Versioned
from mash_survey.identifiers import Marked


class Survey(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    sent_on = models.DateField("sent on")
    closes_on = models.DateField("closing date")
    is_illustrative = models.BooleanField(
        default=False, help_text="Demonstration content: pages say it is not the project's data."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("sent_on")), name="survey_closes_after_sent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", kwargs={"slug": self.slug})


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", "Yes or no"
    SINGLE_CHOICE = "single_choice", "One choice"
    MULTIPLE_CHOICE = "multiple_choice", "One or more choices"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    FREE_TEXT = "free_text", "Free text"


#: The most characters a free-text answer may have when its question sets no limit.
DEFAULT_ANSWER_LENGTH = 5000

#: The start of a built message when a required question is left unanswered.
MISSING_VERBS = {
    QuestionKind.YES_NO: "Select yes or no for",
    QuestionKind.SINGLE_CHOICE: "Select an answer to",
    QuestionKind.MULTIPLE_CHOICE: "Select at least one answer to",
    QuestionKind.NUMBER: "Enter a number for",
    QuestionKind.DATE: "Enter a date for",
    QuestionKind.FREE_TEXT: "Enter an answer to",
}

CLOSED_KINDS = (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="questions")
    code = models.CharField(max_length=16, help_text="Short and stable, such as Q3 or Q3a.")
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    required = models.BooleanField(default=True)
    order = models.PositiveIntegerField()
    section = models.CharField(
        max_length=200, blank=True, help_text="A heading shown above this question."
    )
    # ----- Rules on the answer (`values.answer_breaches`) -----
    min_value = models.DecimalField(
        "lowest answer",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Number questions: the lowest number allowed. Blank for no limit.",
    )
    min_exclusive = models.BooleanField(
        "the answer must be more than the lowest",
        default=False,
        help_text="Number questions: the answer must be more than the lowest, not equal to it "
        "(hours: more than 0).",
    )
    max_value = models.DecimalField(
        "highest answer",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Number questions: the highest number allowed. Blank for no limit.",
    )
    unit = models.CharField(
        "what the number counts",
        max_length=100,
        blank=True,
        help_text="Number questions, for messages, in the plural: 'contacts a month' gives "
        "'Enter a number of contacts a month of 0 or more'.",
    )
    allows_planned_dates = models.BooleanField(
        "the date may be a plan",
        default=False,
        help_text="Date questions: the answer may be after the survey's closing date (a date "
        "something is planned for). Otherwise it must be on or before the closing date.",
    )
    max_length = models.PositiveIntegerField(
        "longest answer",
        null=True,
        blank=True,
        help_text="Free-text questions: the most characters an answer may have. Blank for the "
        "usual 5,000.",
    )
    required_message = models.CharField(
        "message when not answered",
        max_length=200,
        blank=True,
        help_text="Required questions: what the form says when the question is left "
        "unanswered, naming it, such as 'Select whether your area has a MASH'. Blank for a "
        "message built from the question.",
    )

    class Meta:
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["survey", "order"], name="question_order_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z][A-Za-z0-9_]*$"), name="question_code_format"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.NUMBER)
                | Q(min_value__isnull=True, max_value__isnull=True, min_exclusive=False),
                name="question_number_limits_only_on_numbers",
                violation_error_message="Only a number question has a lowest or highest "
                "answer: clear them, or make it a number question.",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lt=F("max_value"))
                | Q(min_value=F("max_value"), min_exclusive=False),
                name="question_lowest_below_highest",
                violation_error_message="Make the lowest answer less than the highest.",
            ),
            models.CheckConstraint(
                condition=Q(min_exclusive=False) | Q(min_value__isnull=False),
                name="question_more_than_needs_lowest",
                violation_error_message="Enter the lowest answer that answers must be more "
                "than, or untick it.",
            ),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.DATE) | Q(allows_planned_dates=False),
                name="question_planned_only_on_dates",
                violation_error_message="Only a date question's answer can be a plan: untick "
                "it, or make it a date question.",
            ),
            models.CheckConstraint(
                condition=Q(max_length__isnull=True)
                | Q(kind=QuestionKind.FREE_TEXT, max_length__gte=1),
                name="question_length_only_on_free_text",
                violation_error_message="Only a free-text question has a longest answer, of "
                "1 character or more: clear it, or make it a free-text question.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    @property
    def text_limit(self) -> int:
        """The most characters a free-text answer may have."""
        return self.max_length or DEFAULT_ANSWER_LENGTH

    @property
    def is_closed(self) -> bool:
        return self.kind in CLOSED_KINDS

    @property
    def numbered(self) -> str:
        """The question as the statistics and the form show it: "Q3. What stage…?"."""
        return f"{self.code}. {self.text}"

    @property
    def missing_message(self) -> str:
        """What to do when this required question is left unanswered, naming the question:
        its own wording when it has one, otherwise what to do with its kind of answer and the
        question itself."""
        if self.required_message:
            return self.required_message
        return f"{MISSING_VERBS[QuestionKind(self.kind)]} “{self.text}”"


class Choice(models.Model):
    """An allowed answer to a closed question. Yes/no questions have the choices Yes and No.

    A choice that has been given in any return cannot be deleted (PROTECT from Answer).
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(max_length=200)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique"),
            models.UniqueConstraint(fields=["question", "order"], name="choice_order_unique"),
        ]

    def __str__(self) -> str:
        return self.value


class ImportBatch(models.Model):
    """One upload of survey returns that was confirmed and written."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="import_batches")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d %B %Y %H:%M})"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ReturnState(models.TextChoices):
    """Where an area's return stands, as the list of returns filters and counts it: a
    reopened return is a draft that was submitted before, told apart so it can be chased."""

    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    REOPENED = "reopened", "Reopened"
    SUBMITTED = "submitted", "Submitted"


class Response(Versioned, Marked):
    """An area's return to a survey: one per survey and local authority."""

    record_name = "return"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="survey_responses"
    )
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a reviewer last reopened the return after it was submitted.",
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="responses",
        null=True,
        blank=True,
        help_text="The import that last changed this return, if it came from a file.",
    )
    history = Audited()

    class Meta:
        ordering = ["survey", "local_authority__name"]
        indexes = [
            # A survey's submitted returns, counted from the index alone (the survey list,
            # its statistics' response rates).
            models.Index(fields=["survey", "status"], name="response_survey_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "local_authority"], name="one_response_per_area"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResponseStatus.values), name="response_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="submitted_response_has_date",
            ),
        ]

    @property
    def is_reopened(self) -> bool:
        """A draft that was submitted before: a reviewer reopened it for correction."""
        return self.status == ResponseStatus.DRAFT and self.reopened_at is not None

    @property
    def state(self) -> ReturnState:
        if self.status == ResponseStatus.SUBMITTED:
            return ReturnState.SUBMITTED
        return ReturnState.REOPENED if self.is_reopened else ReturnState.DRAFT

    def identifier_texts(self) -> list[tuple[str, str, str]]:
        """The free-text answers, each under its question's field: what the identifier scan
        reads (`mash_survey.identifiers`)."""
        answers = (
            self.answers.exclude(text="").select_related("question").order_by("question__order")
        )
        return [(a.question.code, f"the answer to {a.question.code}", a.text) for a in answers]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.survey}"


class AnswerChoice(models.Model):
    """A choice ticked in a multiple-choice answer; a ticked choice cannot be deleted."""

    answer = models.ForeignKey("surveys.Answer", on_delete=models.CASCADE)
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="answer_choice_unique"),
        ]

    def __str__(self) -> str:
        return str(self.choice_id)


class Answer(models.Model):
    """One answer in a return, stored typed: which field holds it depends on the question's kind."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, related_name="single_answers", null=True, blank=True
    )
    choices = models.ManyToManyField(
        Choice, through=AnswerChoice, related_name="multiple_answers", blank=True
    )
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    history = Audited(m2m_fields=[choices])

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.pk}"


class VisitSelection(models.Model):
    """An area chosen from the survey returns for a visit, and why."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="selections")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="visit_selections"
    )
    reason = models.TextField()
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    selected_at = models.DateTimeField(auto_now_add=True)
    history = Audited()

    class Meta:
        ordering = ["local_authority__region", "local_authority__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "local_authority"], name="one_selection_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} selected for a visit"
