from django.contrib import admin
from django.http import HttpRequest

from .models import Redaction


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
