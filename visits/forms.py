"""The forms that create and change a visit and its detailed feedback.

They only check and type what was entered, with a message on each field that says what to
do; saving is `services.visit_create`, `visit_update` and `feedback_save`, which the views call
with `form.content()`. Each form carries the version the person started from, so a save from
an old version is refused rather than overwriting someone else's changes, and can lay what
was entered beside what is saved now (`saved_values`, `differences`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Size, Submit
from django import forms
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from areas.models import AgencyType, LocalAuthority, Region
from mash_survey.forms import AuthorityChoiceField, GovukDateField, GovukForm, VersionField
from mash_survey.history import DiffLine, line_diff
from mash_survey.roles import ROLE_GROUPS
from surveys.models import VisitSelection
from surveys.queries import visit_selections_in_region

from . import rules
from .models import DetailedFeedback, Involvement, ModelSeen, Visit
from .services import Staffing

#: The project's visits: 7 January to 28 March 2013. A date outside is allowed, with a warning.
FIELDWORK = (dt.date(2013, 1, 7), dt.date(2013, 3, 28))
RELOAD = "Reload the page, then make your changes again"
NO_IDENTIFIERS = (
    "Do not include anything that could identify a child, a family member or a member of "
    "staff: no names, dates of birth, addresses, postcodes, NHS or National Insurance numbers, "
    "phone numbers or email addresses. Describe staff by their role."
)
YES_NO = [("yes", "Yes"), ("no", "No")]
NOT_GIVEN = "Not given"
NOT_ANSWERED = "Not answered"
NOT_KNOWN = "Not known"


def in_words(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def fieldwork_warning(date: dt.date | None) -> str:
    """What to say about a visit date outside the project's visits ("" when inside)."""
    if date is None or FIELDWORK[0] <= date <= FIELDWORK[1]:
        return ""
    return (
        f"The visit date, {in_words(date)}, is outside the project's visits "
        f"({in_words(FIELDWORK[0])} to {in_words(FIELDWORK[1])}). Check it is right."
    )


def _yes_no(value: bool | None) -> str:
    """A saved yes-or-no answer as its radio's value ("" when not answered)."""
    if value is None:
        return ""
    return "yes" if value else "no"


def _from_yes_no(value: str) -> bool | None:
    """A yes-or-no radio's value as it is saved: True, False, or None when not answered."""
    return {"yes": True, "no": False}.get(value)


def _normalise(text: str) -> str:
    """Text as typed into a textarea, with the browser's CRLF line endings made plain."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _name(value: Any) -> str:
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return sorted(v.pk if isinstance(v, models.Model) else v for v in value)
    if value is None:
        return ""
    return value


@dataclass(frozen=True)
class Difference:
    """A field whose saved value differs from what the person entered: its label, the id of
    its input, and both as people read them."""

    label: str
    anchor: str
    saved: str
    yours: str


@dataclass(frozen=True)
class TextDifference:
    """A free-text field whose saved text differs from what the person wrote: a line diff
    from the saved text to theirs."""

    label: str
    anchor: str
    lines: list[DiffLine]


class RegionChoiceForm(GovukForm):
    """The first question when recording a visit: the region, whose areas the form lists."""

    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        empty_label=None,
        label="Which region was the visit in?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the region the visit was in",
            "invalid_choice": "Select the region the visit was in",
        },
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.helper = self.make_helper(
            Field.radios("region", legend_size=Size.LARGE, legend_tag="h1")
        )


class RecordForm(GovukForm):
    """What the visit and feedback forms share: the hidden version, and laying a save that
    came too late beside what is saved now."""

    version = VersionField(RELOAD)

    #: Labels for the comparison where a field's own label is a question.
    short_labels: dict[str, str] = {}

    def make_helper(self, *layout: Any, submit: Submit | None = None) -> FormHelper:
        return super().make_helper(*layout, Field("version"), submit=submit)

    def date_warning(self) -> str:
        """A warning to show with a date that was saved ("" for none)."""
        return ""

    def content(self) -> dict[str, Any]:
        """The keyword arguments of the service that saves the record (after is_valid)."""
        raise NotImplementedError

    # ----- Laying what was entered beside what is saved -------------------------------

    def values(self) -> dict[str, Any]:
        """What was entered, shaped as `saved_values` shapes a record (after is_valid)."""
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}

    def shown(self, name: str, value: Any) -> str:
        """A value of a field as people read it."""
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and isinstance(value, str | None):
            labels = dict(getattr(field, "choices", []))  # flat: these forms have no groups
            if value in labels or value is None:
                return str(labels.get(value or "", NOT_GIVEN))
        if value is None or value == "" or value == []:
            return NOT_GIVEN
        if isinstance(value, dt.date):
            return in_words(value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        if isinstance(value, models.Model):
            return _name(value)
        if isinstance(value, list | tuple | models.QuerySet):
            return "; ".join(sorted(_name(item) for item in value))
        return str(value)

    def label(self, name: str) -> str:
        return self.short_labels.get(name) or str(self.fields[name].label)

    def is_text(self, name: str) -> bool:
        return isinstance(self.fields[name].widget, forms.Textarea)

    def differences(self, saved: dict[str, Any]) -> list[Difference]:
        """The fields (other than free text) where `saved` differs from what was entered."""
        yours = self.values()
        return [
            Difference(
                self.label(name),
                self.anchor(name),
                self.shown(name, saved.get(name)),
                self.shown(name, yours[name]),
            )
            for name in yours
            if not self.is_text(name) and _comparable(saved.get(name)) != _comparable(yours[name])
        ]

    def text_differences(self, saved: dict[str, Any]) -> list[TextDifference]:
        """A line diff, from the saved text to what was written, of each text that differs."""
        yours = self.values()
        return [
            TextDifference(
                self.label(name),
                self.anchor(name),
                # Every line, not just those near a change: the whole text is being merged.
                line_diff(saved.get(name) or "", yours[name] or "", context=10**6),
            )
            for name in yours
            if self.is_text(name) and (saved.get(name) or "") != (yours[name] or "")
        ]


# ----- Visits -------------------------------------------------------------------------


def _agency_field(agency_type: str) -> str:
    return f"agency_{agency_type}"


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        return _name(obj)


def _project_members(visit: Visit | None) -> models.QuerySet[User]:
    """Project members who can be on a visiting team (and anyone already on this one)."""
    members = Q(groups__name__in=ROLE_GROUPS) | Q(is_superuser=True)
    if visit is not None and visit.pk:
        members |= Q(visits=visit)
    return (
        User.objects.filter(members, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class SelectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, VisitSelection)
        return f"{obj.local_authority.name}: {obj.survey.title}"


class VisitForm(RecordForm):
    """A visit: when, where, the model seen, the partner agencies, the team and the notes.

    The local authorities offered are those of the region chosen: the region posted, else the
    visit's, else `region`. Authorities from another region are refused with a message, and
    the form shows the chosen region's, so choosing a new region and saving lists its areas.
    """

    visit_date = GovukDateField(
        name="Visit date",
        required_message="Enter the visit date",
        label="Visit date",
        help_text="For example, 12 2 2013",
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        empty_label=None,
        label="Region",
        error_messages={
            "required": "Select the region",
            "invalid_choice": "Select the region from the list",
        },
    )
    local_authorities = AuthorityChoiceField(
        queryset=LocalAuthority.objects.none(),
        label="Local authorities visited",
        help_text="Select all that apply.",
        error_messages={
            "required": "Select at least one local authority visited",
            "invalid_choice": "Select local authorities in the region you chose",
            "invalid_pk_value": "Select local authorities in the region you chose",
        },
    )
    selection = SelectionChoiceField(
        queryset=VisitSelection.objects.none(),
        required=False,
        empty_label="Not from a selection",
        label="Selected from the survey",
        help_text="The area selected for a visit from the survey returns, if the visit came "
        "from that selection.",
        error_messages={
            "invalid_choice": "Select an area selected for a visit in the region you chose"
        },
    )
    model_seen = forms.ChoiceField(
        choices=ModelSeen.choices,
        label="Model seen",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the model seen",
            "invalid_choice": "Select the model seen from the list",
        },
    )
    visiting_team = MemberChoiceField(
        queryset=User.objects.none(),
        label="Visiting team",
        help_text="The project members who made the visit.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the visiting team from the project members"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Write in Markdown: leave a blank line between paragraphs, start a line with * "
            f"for a bullet point or # for a heading. {NO_IDENTIFIERS}"
        ),
    )

    short_labels = {"local_authorities": "Local authorities visited"}

    def __init__(
        self,
        data: Any = None,
        *,
        visit: Visit | None = None,
        region: Region | None = None,
        user: User | None = None,
    ) -> None:
        """Change `visit`, or record a new one in `region` with `user` on the team."""
        if visit is not None:
            initial = {**saved_visit_values(visit), "version": visit.version}
        else:
            initial = {"region": region, "visiting_team": [user] if user else []}
        super().__init__(data, initial=initial)
        self.visit = visit
        self.shown_region = self._shown_region(visit, region)
        authorities = self.fields["local_authorities"]
        assert isinstance(authorities, forms.ModelMultipleChoiceField)
        selection = self.fields["selection"]
        assert isinstance(selection, forms.ModelChoiceField)
        if self.shown_region is not None:
            authorities.queryset = LocalAuthority.objects.filter(
                region=self.shown_region
            ).select_related("region")
            selection.queryset = visit_selections_in_region(self.shown_region)
        else:
            authorities.help_text = (
                "Choose the region and save: its local authorities are listed here."
            )
        team = self.fields["visiting_team"]
        assert isinstance(team, forms.ModelMultipleChoiceField)
        team.queryset = _project_members(visit)
        if visit is None:
            self.fields["version"].required = False  # nothing saved yet to have a version of
        for agency_type, agency_label in AgencyType.choices:
            self.fields[_agency_field(agency_type)] = forms.ChoiceField(
                choices=[*Involvement.choices, ("", NOT_KNOWN)],
                label=agency_label,
                required=False,
                initial="",
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Select how {agency_label.lower()} took part: "
                    "co-located, virtual or linked, or not involved"
                },
            )
        # The notes last, where the page's layout has them.
        self.fields["notes"] = self.fields.pop("notes")
        self.helper = self.make_helper(
            Field("visit_date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.select("region"),
            Field("local_authorities", template="includes/authority_picker.html"),
            Field.select("selection"),
            Field.radios("model_seen", legend_size=Size.SMALL, small=True),
            HTML(
                '<h2 class="govuk-heading-m govuk-!-margin-top-8">Partner agencies</h2>'
                '<p class="govuk-body">How each kind of agency took part in the arrangement '
                f"you saw. Choose {NOT_KNOWN} if the area did not say.</p>"
            ),
            *(
                Field.radios(_agency_field(value), legend_size=Size.SMALL, small=True)
                for value in AgencyType.values
            ),
            HTML('<h2 class="govuk-heading-m govuk-!-margin-top-8">Team and notes</h2>'),
            Field.checkboxes("visiting_team", legend_size=Size.SMALL, small=True),
            Field.textarea(
                "notes", label_size=Size.SMALL, rows=15, max_characters=rules.NOTES_LIMIT
            ),
        )

    def _shown_region(self, visit: Visit | None, region: Region | None) -> Region | None:
        if self.is_bound:
            posted = str(self.data.get("region", ""))
            return Region.objects.filter(pk=int(posted)).first() if posted.isdigit() else None
        if visit is not None:
            return visit.region
        return region

    def clean_notes(self) -> str:
        notes = _normalise(self.cleaned_data.get("notes", ""))
        for breach in rules.visit_breaches({"notes": notes}):
            raise forms.ValidationError(breach.message)
        return notes

    def notes_text(self) -> str:
        """The notes as typed, valid or not (for the preview)."""
        return _normalise(str(self.data.get("notes", ""))).strip()

    def date_warning(self) -> str:
        """What to say about the visit date entered, or the saved one before any entry."""
        if self.is_bound:
            return fieldwork_warning(self.cleaned_data.get("visit_date"))
        return fieldwork_warning(self.initial.get("visit_date"))

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["local_authorities"] = list(values["local_authorities"] or [])
        values["visiting_team"] = list(values["visiting_team"] or [])
        return values

    def content(self) -> dict[str, Any]:
        """The keyword arguments of visit_create and visit_update (after is_valid)."""
        data = self.cleaned_data
        return {
            "visit_date": data["visit_date"],
            "region": data["region"],
            "local_authorities": list(data["local_authorities"]),
            "selection": data.get("selection"),
            "model_seen": data["model_seen"],
            "agencies": {
                value: data[_agency_field(value)]
                for value in AgencyType.values
                if data.get(_agency_field(value))
            },
            "visiting_team": list(data["visiting_team"]),
            "notes": data["notes"],
        }


def saved_visit_values(visit: Visit) -> dict[str, Any]:
    """A saved visit shaped as VisitForm's cleaned data (its initial values, and what a late
    save is compared with)."""
    involvements = {row.agency_type: row.involvement for row in visit.agencies.all()}
    return {
        "visit_date": visit.visit_date,
        "region": visit.region,
        "local_authorities": list(visit.local_authorities.all()),
        "selection": visit.selection,
        "model_seen": visit.model_seen,
        **{_agency_field(value): involvements.get(value, "") for value in AgencyType.values},
        "visiting_team": list(visit.visiting_team.all()),
        "notes": visit.notes,
    }


# ----- Detailed feedback -----------------------------------------------------------------

#: The free-text answers, with their labels and hints, in the order of the form.
FEEDBACK_TEXTS = (
    (
        "shared_it",
        "Shared IT or case system",
        "Each agency's own system in the arrangement, any shared case system, secure email.",
    ),
    ("outcome_measures", "Outcome measures used", "How the area measures what it achieves."),
    ("success_factors", "Success factors", "What the area says makes the arrangement work."),
    ("barriers", "Barriers", "What gets in the way, and what the area did about it."),
    ("costs_and_funding", "Costs and funding", "Who pays for what, and how much."),
    ("lessons", "Lessons and next steps", "Advice to other areas, and the area's plans."),
)
RATING_HOURS = ("red", "amber", "green", "blue")
#: The yes-or-no questions (radios "yes" and "no", none selected until answered; saved as
#: True, False or None for not answered).
YES_NO_FIELDS = ("uses_blue_rating", "has_governance_board", "isa_signed")


def _staff_field(agency_type: str) -> str:
    return f"staff_{agency_type}"


def _colocated_field(agency_type: str) -> str:
    return f"colocated_{agency_type}"


def _count(label: str, *, example: str, **kwargs: Any) -> forms.IntegerField:
    """A whole number; its range is a rule of the feedback (`rules.NUMBERS`), checked in
    clean() with the message the service gives."""
    return forms.IntegerField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"Enter {label.lower()} as a whole number, such as {example}",
        },
        **kwargs,
    )


def _yes_no_field(label: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=YES_NO,
        label=label,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select yes or no"},
        **kwargs,
    )


def _counted_textarea(name: str, *, rows: int) -> Field:
    """A free text with the GOV.UK character count (its limit shown under the box, counted
    down with JavaScript); the limit is a rule (rules.TEXTS), checked on the server too."""
    return Field.textarea(
        name, label_size=Size.SMALL, rows=rows, max_characters=rules.TEXT_LIMITS[name]
    )


class FeedbackForm(RecordForm):
    """The structured detailed feedback and the staff each kind of agency has in it."""

    established_on = GovukDateField(
        name="Start date",
        required=False,
        label="When did the arrangement start?",
        help_text="For example, 1 10 2011. Leave it blank if the area did not say.",
    )
    monthly_contacts = _count(
        "Contacts a month",
        example="1200",
        help_text="A typical month's total for the whole area. Totals only, never one case.",
    )
    monthly_referrals = _count(
        "Referrals a month",
        example="300",
        help_text="Contacts passed to children's social care for assessment, in a month.",
    )
    uses_blue_rating = forms.ChoiceField(
        choices=[
            ("no", "RAG: red, amber and green"),
            ("yes", "BRAG: blue as well as red, amber and green"),
        ],
        label="Which rating does the area give contacts?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select RAG or BRAG"},
    )
    red_hours = _count("Red: hours", example="4", help_text="Hours to complete partner checks.")
    amber_hours = _count("Amber: hours", example="24")
    green_hours = _count("Green: hours", example="72")
    blue_hours = _count("Blue: hours", example="120", help_text="Only if the area uses BRAG.")
    has_governance_board = _yes_no_field("Is there a governance board?")
    board_chair = forms.CharField(  # its length is a rule (rules.TEXTS), checked in clean()
        label="Who chairs the board?",
        required=False,
        help_text="Their role, not their name: for example, assistant director of children's "
        "services. Leave it blank if there is no board.",
    )
    isa_signed = _yes_no_field("Has an information sharing agreement been signed?")
    isa_signed_on = GovukDateField(
        name="Date signed",
        required=False,
        label="When was it signed?",
        help_text="For example, 1 4 2012. Leave it blank if the area did not say.",
    )
    isa_signatories = forms.CharField(
        label="Which agencies signed it?",
        required=False,
        widget=forms.Textarea,
        help_text="Agencies or roles, not people's names.",
    )

    short_labels = {
        "established_on": "When the arrangement started",
        "uses_blue_rating": "Rating",
        "has_governance_board": "Governance board",
        "board_chair": "Board chair",
        "isa_signed": "Information sharing agreement signed",
        "isa_signed_on": "Date signed",
        "isa_signatories": "Agencies that signed",
    }

    def __init__(
        self, data: Any = None, *, visit: Visit, feedback: DetailedFeedback | None = None
    ) -> None:
        """The feedback of `visit` (`feedback`, or None before its first save)."""
        initial: dict[str, Any] = {"version": feedback.version if feedback else 0}
        if feedback is not None:
            initial.update(saved_feedback_values(feedback, for_form=True))
        super().__init__(data, initial=initial)
        self.visit = visit
        self.feedback = feedback
        for name, label, hint in FEEDBACK_TEXTS:
            self.fields[name] = forms.CharField(
                label=label, required=False, widget=forms.Textarea, help_text=hint
            )
        staffing_layout = []
        for agency_type, agency_label in AgencyType.choices:
            staff, colocated = _staff_field(agency_type), _colocated_field(agency_type)
            agency = agency_label.lower()
            self.fields[staff] = forms.DecimalField(
                label="Staff (full-time equivalent)",
                required=False,
                min_value=0,
                max_digits=6,
                decimal_places=1,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                error_messages={
                    "invalid": f"Enter {agency} staff as a number, such as 2.5",
                    "min_value": f"{agency_label} staff must be 0 or more",
                    "max_decimal_places": f"Enter {agency} staff to one decimal place, such as 2.5",
                    "max_digits": f"{agency_label} staff must be less than 100000",
                    "max_whole_digits": f"{agency_label} staff must be less than 100000",
                },
            )
            self.fields[colocated] = forms.BooleanField(
                label="Co-located in the arrangement", required=False
            )
            self.short_labels = {
                **self.short_labels,
                staff: f"{agency_label} staff (full-time equivalent)",
                colocated: f"{agency_label} staff co-located",
            }
            staffing_layout.append(
                Fieldset(
                    Field.text(staff, field_width=Fixed.FIVE),
                    Field.checkbox(colocated, small=True),
                    legend=agency_label,
                    legend_size=Size.SMALL,
                    css_class="govuk-!-margin-bottom-6",
                )
            )
        self.helper = self.make_helper(
            Field("established_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("monthly_contacts", label_size=Size.SMALL, field_width=Fixed.TEN),
            Field.text("monthly_referrals", label_size=Size.SMALL, field_width=Fixed.TEN),
            HTML('<h2 class="govuk-heading-m govuk-!-margin-top-8">Triage timescales</h2>'),
            Field.radios("uses_blue_rating", legend_size=Size.SMALL, small=True),
            *(
                Field.text(f"{colour}_hours", label_size=Size.SMALL, field_width=Fixed.FIVE)
                for colour in RATING_HOURS
            ),
            HTML('<h2 class="govuk-heading-m govuk-!-margin-top-8">Governance</h2>'),
            Field.radios("has_governance_board", legend_size=Size.SMALL, small=True),
            Field.text("board_chair", label_size=Size.SMALL),
            HTML(
                '<h2 class="govuk-heading-m govuk-!-margin-top-8">Information sharing '
                "agreement</h2>"
            ),
            Field.radios("isa_signed", legend_size=Size.SMALL, small=True),
            Field("isa_signed_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            _counted_textarea("isa_signatories", rows=3),
            HTML(
                '<h2 class="govuk-heading-m govuk-!-margin-top-8">Staff by agency</h2>'
                '<p class="govuk-body">Full-time equivalent staff each kind of agency has in '
                "the arrangement, such as 2.5. Leave it blank if the agency has none.</p>"
            ),
            *staffing_layout,
            HTML(
                '<h2 class="govuk-heading-m govuk-!-margin-top-8">What the area told us</h2>'
                f'<p class="govuk-body">{NO_IDENTIFIERS}</p>'
            ),
            *(_counted_textarea(name, rows=5) for name, _, _ in FEEDBACK_TEXTS),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and isinstance(cleaned.get(name), str):
                cleaned[name] = _normalise(cleaned[name])
        # The feedback's rules, as the service checks them: each error at its field (unless
        # the field already has one). Warnings are shown once the feedback is saved.
        values = self._rule_values(cleaned)
        for breach in rules.feedback_breaches(values, visit_date=self.visit.visit_date):
            name = breach.fields[0]
            if breach.blocks and name not in self.errors:
                self.add_error(name, breach.message)
        for agency_type, agency_label in AgencyType.choices:
            staff, colocated = _staff_field(agency_type), _colocated_field(agency_type)
            if cleaned.get(colocated) and staff not in self.errors and cleaned.get(staff) is None:
                self.add_error(
                    staff,
                    f"Enter {agency_label.lower()} staff, or untick co-located",
                )
        return cleaned

    def _rule_values(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """What was entered, shaped as the model's fields for `rules.feedback_breaches`
        (fields with their own problem left out)."""
        values = {
            name: cleaned.get(name)
            for name in self.fields
            if name != "version" and not name.startswith(("staff_", "colocated_"))
        }
        for name in YES_NO_FIELDS:
            values[name] = _from_yes_no(str(values.get(name) or ""))
        return values

    def shown(self, name: str, value: Any) -> str:
        if name in YES_NO_FIELDS and not value:
            return NOT_ANSWERED
        return super().shown(name, value)

    def content(self) -> dict[str, Any]:
        """The keyword arguments of feedback_save (after is_valid)."""
        data = self.cleaned_data
        content = {
            name: data[name]
            for name in self.fields
            if name != "version"
            and not name.startswith(("staff_", "colocated_"))
            and name not in YES_NO_FIELDS
        }
        for name in YES_NO_FIELDS:
            content[name] = _from_yes_no(data[name])
        content["staffing"] = {
            value: Staffing(data[_staff_field(value)], bool(data[_colocated_field(value)]))
            for value in AgencyType.values
            if data.get(_staff_field(value)) is not None
        }
        return content


def saved_feedback_values(
    feedback: DetailedFeedback | None, *, for_form: bool = False
) -> dict[str, Any]:
    """Saved feedback shaped as FeedbackForm's cleaned data, or with `for_form` as its initial
    values (staff numbers as typed: "2.5", not Decimal("2.5")). Empty for no feedback."""
    if feedback is None:
        return {}
    staffing = {row.agency_type: row for row in feedback.staffing.all()}
    values: dict[str, Any] = {
        name: getattr(feedback, name)
        for name in (
            "established_on",
            "monthly_contacts",
            "monthly_referrals",
            *(f"{colour}_hours" for colour in RATING_HOURS),
            "board_chair",
            "isa_signed_on",
            "isa_signatories",
            *(name for name, _, _ in FEEDBACK_TEXTS),
        )
    }
    for name in YES_NO_FIELDS:
        values[name] = _yes_no(getattr(feedback, name))
    for value in AgencyType.values:
        row = staffing.get(value)
        values[_staff_field(value)] = row.staff_fte if row else None
        values[_colocated_field(value)] = row.co_located if row else False
    if for_form:
        values = {
            name: (f"{value.normalize():f}" if isinstance(value, Decimal) else value)
            for name, value in values.items()
        }
    return values
