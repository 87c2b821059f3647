"""The administrators' page of security and audit events (`mash_survey.audit`): the events,
newest first, 50 a page, filtered by kind, user name, dates and address, and the filtered
events as CSV or XLSX. Read-only: no page of the service changes or deletes an event.
Downloading them is itself an `exported` event."""

import datetime as dt
from typing import Any

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from . import spreadsheets
from .access import SAFE, administrator_required
from .audit import EventFilter, audit_event_rows, audit_events
from .forms import GovukDateField, GovukForm, filter_field
from .models import AuditKind
from .pagination import page_of


class AuditFilterForm(GovukForm):
    """Narrow the events by kind, user name, address and dates. A field with a problem is
    reported and left out of the filter."""

    kind = filter_field(
        "Event",
        invalid="Select an event from the list",
        choices=[("", "All events"), *AuditKind.choices],
    )
    username = forms.CharField(
        label="User name",
        help_text="All or part of the name",
        required=False,
        max_length=150,
        error_messages={"max_length": "User name must be 150 characters or fewer"},
    )
    address = forms.CharField(
        label="Address",
        help_text="An address, or its start (such as 198.51.100.)",
        required=False,
        max_length=100,
        error_messages={"max_length": "Address must be 100 characters or fewer"},
    )
    since = GovukDateField(
        name="Date from", label="From", help_text="For example, 27 3 2026", required=False
    )
    until = GovukDateField(
        name="Date to", label="To", help_text="For example, 31 3 2026", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates = {"legend_size": Size.for_legend(Size.SMALL)}
        self.helper = self.make_helper(
            Field.select("kind"),
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("address", field_width=Fixed.TWENTY),
            Field("since", context=dates),
            Field("until", context=dates),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "Date to must be the same as or after date from")
        return cleaned

    def events_filter(self) -> EventFilter:
        """The filter the valid fields describe (a field with a problem is left out)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return EventFilter(
            kind=cleaned.get("kind", ""),
            username=cleaned.get("username", "").strip(),
            address=cleaned.get("address", "").strip(),
            since=cleaned.get("since"),
            until=cleaned.get("until"),
        )

    @staticmethod
    def describe(events_filter: EventFilter) -> list[str]:
        """What the list is narrowed to, in words."""
        parts = []
        if events_filter.kind:
            parts.append(f"of the kind “{AuditKind(events_filter.kind).label}”")
        if events_filter.username:
            parts.append(f"by user names with “{events_filter.username}”")
        if events_filter.address:
            parts.append(f"from addresses starting “{events_filter.address}”")
        if events_filter.since:
            parts.append(f"from {_day(events_filter.since)}")
        if events_filter.until:
            parts.append(f"to {_day(events_filter.until)}")
        return parts


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@administrator_required(methods=SAFE)
def audit_event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events_filter = form.events_filter()
    page = page_of(request, audit_events(events_filter))
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "filtered_by": form.describe(events_filter),
        },
    )


@administrator_required(methods=SAFE)
def audit_event_download(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The events the page's filter lets through, every one of them, as CSV or XLSX."""
    spreadsheets.check_format(fmt)
    events = audit_events(AuditFilterForm(request.GET or None).events_filter())
    return spreadsheets.streamed_download(
        fmt, "audit-events", [("Audit events", audit_event_rows(events))], audited=request
    )
