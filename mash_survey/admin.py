"""The service's own admin pages: partner API keys with an expiry every key must have (issuing
and revoking one are audit events), and the redaction log, read-only. The audit events have
their own page (`mash_survey.audit_views`), not an admin one: nothing may change them."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import AbstractAPIKey, APIKey

from . import audit
from .models import AuditKind, Redaction


class APIKeyForm(forms.ModelForm):
    """An expiry is required, in the future and at most `API_KEY_MAX_DAYS` days away, so a
    key that leaks or is forgotten stops working by itself. Checked when a key is issued
    and whenever its expiry is changed (an expired key can be extended the same way)."""

    class Meta:
        model = APIKey
        fields = ["name", "expiry_date", "revoked"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("expiry_date")
        if field is not None:  # not on a revoked key, whose fields are read-only
            field.required = True
            field.help_text = (
                f"Required. The key stops working after this date and time, which can be "
                f"at most {settings.API_KEY_MAX_DAYS} days from today."
            )
            field.error_messages.update(
                {
                    "required": "Enter an expiry date",
                    "incomplete": "Enter an expiry date and time",
                    "invalid_date": "Expiry date must be a real date",
                    "invalid_time": "Expiry time must be a real time",
                }
            )

    def clean_expiry_date(self) -> datetime:
        expiry: datetime = self.cleaned_data["expiry_date"]
        if not self.instance._state.adding and "expiry_date" not in self.changed_data:
            return expiry
        if expiry <= timezone.now():
            raise forms.ValidationError("Enter an expiry date in the future")
        days = settings.API_KEY_MAX_DAYS
        if timezone.localdate(expiry) > timezone.localdate() + timedelta(days=days):
            raise forms.ValidationError(f"Enter an expiry date no more than {days} days from today")
        return expiry


admin.site.unregister(APIKey)


@admin.register(APIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Issuing a key, revoking it and deleting it (which revokes it too) are audit events."""

    form = APIKeyForm

    def save_model(
        self, request: HttpRequest, obj: AbstractAPIKey, form: Any = None, change: bool = False
    ) -> None:
        revoking = change and obj.revoked and "revoked" in getattr(form, "changed_data", ())
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(AuditKind.API_KEY_ISSUED, request=request, api_key=obj)
        elif revoking:
            audit.record(AuditKind.API_KEY_REVOKED, request=request, api_key=obj)

    def delete_model(self, request: HttpRequest, obj: APIKey) -> None:
        self._record_deleted(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[APIKey]) -> None:
        self._record_deleted(request, list(queryset))
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record_deleted(request: HttpRequest, keys: list[APIKey]) -> None:
        for key in keys:
            if not key.revoked:  # a revoked key stopped working when it was revoked
                audit.record(
                    AuditKind.API_KEY_REVOKED,
                    request=request,
                    api_key=key,
                    detail={"deleted": True},
                )


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    """Every redaction, for administrators: read-only, since the log is the audit trail."""

    list_display = ["redacted_at", "record", "content_type", "versions", "redacted_by", "reason"]
    list_filter = ["content_type"]
    search_fields = ["record", "reason"]
    date_hierarchy = "redacted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
