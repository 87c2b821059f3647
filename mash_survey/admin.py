"""The service's own admin pages: partner API keys with an expiry every key must have, and
the redaction log, read-only."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import Redaction


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
    form = APIKeyForm


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
