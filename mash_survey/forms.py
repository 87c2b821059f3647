"""The GOV.UK form base every form of the service builds on, and the sign-in form.

`GovukForm` sets up crispy-forms-gds the one way the pages use it (the page writes the form
tag and its token; the form renders its fields, and its button if it has one), and gives
the "There is a problem" summary its items (`error_links`: each message with the id of the
input it is about). `GovukDateField` is the GOV.UK date input with messages that say which
part is missing; `VersionField` is the hidden version an editing form started from.
`AuthorityChoiceField` is the choice of local authorities, shown as checkboxes grouped by
region (`includes/authority_picker.html`), which JavaScript adds a search box to.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.http import HttpRequest

#: A crispy `Submit`'s attributes for govuk-frontend's Button: a second click within a second
#: of the first is ignored (a double submission makes one request).
ONE_CLICK = {"data_module": "govuk-button", "data_prevent_double_click": "true"}


class GovukForm(forms.Form):
    """A form for a GOV.UK page: its crispy-forms-gds helper (`make_helper`) and the error
    summary's links (`error_links`). Its errors can be hidden while what was entered is shown
    again (a preview)."""

    helper: FormHelper

    def make_helper(self, *layout: Any, submit: Submit | None = None) -> FormHelper:
        """The helper for `layout`: no form tag and no token (the page's form tag has them)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the page's form tag carries the token (or is a GET form)
        helper.layout = Layout(*layout)
        if submit is not None:
            helper.add_input(submit)
        return helper

    def set_choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        """Give the choice field `name` the choices only known when the form is made."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def hide_errors(self) -> None:
        """Show what was entered without its problems (a preview saves nothing)."""
        self.helper.form_show_errors = False

    @property
    def shows_errors(self) -> bool:
        """Whether the page shows the form's problems (also ones a view added to an unbound
        form)."""
        helper = getattr(self, "helper", None)
        return bool((helper is None or helper.form_show_errors) and self.errors)

    def anchor(self, name: str) -> str:
        """The id of the input a link to this field should focus (the first of a group)."""
        field, input_id = self.fields[name], self[name].auto_id
        if isinstance(field, DateInputField):
            return f"{input_id}_0"  # the day
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{input_id}_1"  # crispy-forms-gds numbers radios and checkboxes from 1
        return input_id

    def non_field_anchor(self) -> str:
        """The id a problem with the whole form links to ("" for no link)."""
        return ""

    def error_links(self) -> list[tuple[str, str]]:
        """The error summary's items, in the order of the page: (the id to link to, or ""
        for none; the message). A hidden field's problem (a version) comes first, unlinked."""
        if not self.shows_errors:
            return []
        target = self.non_field_anchor()
        links = [(target, str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                if field.widget.is_hidden:
                    links.insert(0, ("", str(message)))
                else:
                    links.append((self._target(name, str(message)), str(message)))
        return links

    def _target(self, name: str, message: str) -> str:
        field = self.fields[name]
        if isinstance(field, DateInputField):
            # The part of the date the message is about: crispy-forms-gds keeps each part's
            # messages on its widget.
            for index, part in enumerate(field.fields):
                if message in getattr(part.widget, "errors", []):
                    return f"{self[name].auto_id}_{index}"
        return self.anchor(name)


def filter_field(
    label: str, *, invalid: str, choices: list[tuple[str, str]] | None = None
) -> forms.ChoiceField:
    """A select of a GET filter form: blank means all, and a value that is not in the list is
    refused with `invalid` ("Select a region from the list")."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices or [],
        error_messages={"invalid_choice": invalid},
    )


class GovukDateField(DateInputField):
    """The GOV.UK date input, with a message for each part that is missing or not a number
    ("Visit date must include a month") and one for a date that does not exist."""

    def __init__(
        self,
        *,
        name: str,
        required_message: str = "",
        real_date_message: str = "",
        four_digit_year: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(require_all_fields=False, **kwargs)
        self.real_date = real_date_message or f"{name} must be a real date"
        self.error_messages["required"] = required_message
        self.error_messages["invalid"] = self.real_date
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{name} must include a {part}"
            subfield.validators = [RegexValidator(r"^\s*[0-9]+\s*$", self.real_date)]
        if four_digit_year:
            self.fields[2].validators = [
                RegexValidator(r"^\s*[0-9]{4}\s*$", "Year must include 4 numbers")
            ]

    def compress(self, data_list: Any) -> dt.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.real_date, code="invalid") from None


class AuthorityPicker(forms.CheckboxSelectMultiple):
    """The checkboxes of `AuthorityChoiceField`; its page renders them grouped by region with
    `includes/authority_picker.html` (numbered from 1 in the order shown, as crispy-forms-gds
    numbers checkboxes, so `GovukForm.anchor` links to the first)."""


class AuthorityChoiceField(forms.ModelMultipleChoiceField):
    """Local authorities chosen from `queryset`: what is posted and checked is a plain
    multiple choice; only the page groups them by region. The queryset should fetch each
    authority's region with it (`select_related("region")`)."""

    widget = AuthorityPicker


@dataclass(frozen=True)
class AuthorityOption:
    """One authority's checkbox: its input id, value, name and whether it is ticked."""

    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class AuthorityGroup:
    """A region's section of the picker: its authorities, how many are chosen, and whether it
    starts open."""

    name: str
    options: list[AuthorityOption]
    chosen: int
    open: bool

    @property
    def chosen_text(self) -> str:
        return f"{self.chosen} chosen" if self.chosen else "none chosen"


@dataclass(frozen=True)
class AuthorityPickerContent:
    """What the picker shows: its regions, its hint ("" for none) and its problems."""

    groups: list[AuthorityGroup]
    hint: str
    errors: list[str]


def authority_picker(field: BoundField, *, show_errors: bool = True) -> AuthorityPickerContent:
    """The picker of an `AuthorityChoiceField`: its regions (`authority_groups`), a hint
    (the field's own, and, when there is more than one region, how to see their
    authorities), and its problems unless the form hides them (a preview)."""
    groups = authority_groups(field)
    hints = [str(field.help_text)] if field.help_text else []
    if len(groups) > 1:
        hints.append("Open a region to see its local authorities.")
    errors = [str(message) for message in field.errors] if show_errors else []
    return AuthorityPickerContent(groups, " ".join(hints), errors)


def authority_groups(field: BoundField) -> list[AuthorityGroup]:
    """The authorities of an `AuthorityChoiceField` by region (regions, then authorities, by
    name). A region starts open when one of its authorities is chosen, when it is the only
    one, or, when the field has a problem, if it is the first (where its error links)."""
    choice = field.field
    assert isinstance(choice, forms.ModelMultipleChoiceField)
    queryset = choice.queryset
    assert isinstance(queryset, QuerySet)
    chosen = {str(value) for value in field.value() or []}
    by_region: dict[str, list[tuple[str, str]]] = {}
    for authority in queryset:
        by_region.setdefault(authority.region.name, []).append(
            (str(authority.pk), choice.label_from_instance(authority))
        )
    groups, number = [], 0
    for index, name in enumerate(sorted(by_region)):
        options = []
        for value, label in sorted(by_region[name], key=lambda option: option[1]):
            number += 1
            options.append(
                AuthorityOption(f"{field.auto_id}_{number}", value, label, value in chosen)
            )
        count = sum(option.checked for option in options)
        first_with_problem = index == 0 and bool(field.errors)
        is_open = bool(count) or len(by_region) == 1 or first_with_problem
        groups.append(AuthorityGroup(name, options, count, is_open))
    return groups


class VersionField(forms.IntegerField):
    """The hidden version of the record the form started from. A missing or altered one gets
    `reload_message` (what to do: reload the page, then…)."""

    widget = forms.HiddenInput

    def __init__(self, reload_message: str, *, min_value: int = 0, **kwargs: Any) -> None:
        messages = {"required": reload_message, "invalid": reload_message}
        messages["min_value"] = reload_message
        super().__init__(min_value=min_value, error_messages=messages, **kwargs)


def seen_version(value: object) -> int:
    """A posted version as a number, or -1 when it is missing or not a number (never a real
    version, so the service refuses it as a stale edit)."""
    try:
        return int(str(value))
    except ValueError:
        return -1


def posted_version(request: HttpRequest) -> int:
    """The version a hand-written form posted (`seen_version` of its "version" field)."""
    return seen_version(request.POST.get("version", ""))


class SeenVersionField(forms.Field):
    """The hidden version on a page of hand-written markup, read by `seen_version`: never a
    problem in the form itself, since a wrong one is the service's to refuse."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int:
        return seen_version(value)


class SignInForm(GovukForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct user name and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask an administrator to switch it on.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"
        self.fields["username"].error_messages["required"] = "Enter your user name"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = self.make_helper(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            submit=Submit("submit", "Sign in", **ONE_CLICK),
        )

    def non_field_anchor(self) -> str:
        return "id_username"  # a wrong user name or password: back to the first box
