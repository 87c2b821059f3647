"""The service's own records, kept beside the apps' records: the redaction log, the search
index, the one-time tokens of create forms, the checked data-quality warnings and the security
and audit events."""

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .history import Audited


class Redaction(models.Model):
    """A passage taken out of a record and out of every saved version of it (see
    `mash_survey.redaction`). It says who, when, why and which versions, never the passage."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = models.CharField("record", max_length=300, help_text="The record as it was named")
    reason = models.TextField()
    versions = models.JSONField(
        default=list, help_text="The versions of the record whose text held the passage"
    )
    places = models.PositiveIntegerField(
        help_text="How many stored texts held it: the record, its parts and their history"
    )
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    redacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-redacted_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"Redaction from {self.record} on {self.redacted_at:%d %B %Y}"

    @property
    def versions_text(self) -> str:
        """The versions as a sentence: "versions 2, 3 and 5"."""
        numbers = [str(v) for v in self.versions]
        if not numbers:
            return "no saved versions"
        if len(numbers) == 1:
            return f"version {numbers[0]}"
        return f"versions {', '.join(numbers[:-1])} and {numbers[-1]}"


class SearchEntry(models.Model):
    """One searchable page of the service: a record's title, summary and plain-text body, as
    `mash_survey.search` wrote them from the record. Never edited by hand.

    The full-text index is derived from these columns in the database: on PostgreSQL a
    generated, weighted `tsvector` column with a GIN index; on SQLite an FTS5 table kept by
    triggers (both made by migration 0002). Who may see an entry is not stored: the search
    asks the record's own visibility rule each time.
    """

    kind = models.CharField(max_length=16)
    object_id = models.PositiveBigIntegerField()
    part = models.CharField(max_length=120, blank=True, help_text="A page within the record")
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    places = models.CharField(max_length=500, blank=True, help_text="Areas or region, as shown")
    model = models.CharField(max_length=12, blank=True, help_text="The model seen, if any")
    regions = models.ManyToManyField("areas.Region", related_name="+", blank=True)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "part"], name="search_entry_once_per_page"
            )
        ]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.title


class SentForm(models.Model):
    """A create form that was sent, by its one-time token (`mash_survey.once`): a second send
    of the same form goes to the record the first made instead of making another."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Form {self.token} sent on {self.sent_at:%d %B %Y}"


class CheckedWarning(models.Model):
    """A warning on a record's value marked "checked: correct as recorded" (see
    `mash_survey.quality`): who checked it, when and why. It holds for the value it was given
    for: once the value changes the warning is open again. Every mark and every removal is
    kept in its history."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    rule = models.CharField(max_length=100)
    field = models.CharField(max_length=100, help_text="The field or question it is about")
    value = models.TextField(help_text="The value, as shown, when it was checked")
    reason = models.TextField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    history = Audited()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule", "field"],
                name="checked_warning_once_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"Checked {self.rule} on {self.field}: {self.value}"


class DataGeneration(models.Model):
    """One row: a number that goes up whenever a transaction that wrote to the service's
    data commits, so a page kept for visitors who are not signed in is known to be current
    (`mash_survey.page_cache`). Written by SQL there, never through this model."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Data generation {self.number}"


class AuditKind(models.TextChoices):
    """What a security or audit event records (`mash_survey.audit`)."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Sign-in paused (locked out)"
    API_KEY_ISSUED = "api_key_issued", "API key issued"
    API_KEY_USED = "api_key_used", "API key used"
    API_KEY_REFUSED = "api_key_refused", "API key refused"
    API_KEY_REVOKED = "api_key_revoked", "API key revoked"
    PERMISSION_REFUSED = "permission_refused", "Permission refused"
    PUBLISHED = "published", "Published or approved"
    IDENTIFIER_OVERRIDE = "identifier_override", "Possible identifiers let through"
    REDACTED = "redacted", "Passage redacted"
    EXPORTED = "exported", "Exported"
    IMPORTED = "imported", "Imported"


class AuditEventChanged(Exception):
    """Someone tried to change or delete an audit event: they are written once and kept."""

    def __init__(self) -> None:
        super().__init__("Audit events cannot be changed or deleted.")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk changes and deletions. (Deleting a user clears the link to them through
    Django's base manager; the row keeps the user name.)"""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventChanged

    def delete(self) -> NoReturn:
        raise AuditEventChanged


class AuditEvent(models.Model):
    """One security or audit event, written once by `mash_survey.audit.record` and never
    changed: who (the user and their name as typed or as it was, or the API key), from where
    (address, request id, method and path), what (the record or file it was about) and the
    details of its kind. Never a password, a key's secret or the text that tripped the
    identifier guard."""

    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32, choices=AuditKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        "user name",
        max_length=150,
        blank=True,
        help_text="As typed at sign-in, or the user's name then: kept when the user is deleted",
    )
    api_key_name = models.CharField("API key", max_length=50, blank=True)
    api_key_prefix = models.CharField(
        max_length=8, blank=True, help_text="The key's public prefix, never its secret"
    )
    address = models.CharField(max_length=100, blank=True)
    request_id = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=150, blank=True)
    target = models.CharField(
        "what", max_length=300, blank=True, help_text="The record or file, as it was named"
    )
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "at"], name="audit_event_kind_at"),
            models.Index(fields=["username", "at"], name="audit_event_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d %B %Y %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventChanged
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventChanged

    @property
    def detail_text(self) -> str:
        """The details as a line of text: "reason: revoked; prefix: Ab12Cd34"."""
        return "; ".join(
            f"{key.replace('_', ' ')}: {_as_text(value)}" for key, value in self.detail.items()
        )


def _as_text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
