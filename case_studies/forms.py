"""The forms that write a case study: its main fields, its key facts and its sections.

They only check and type what was entered; saving is `services.case_study_create` and
`case_study_update`, which the views call with `CaseStudyForms.content()`.
"""

from typing import Any

from django import forms
from django.utils.text import slugify

from areas.models import LocalAuthority
from mash_survey import publishing, rules
from mash_survey.forms import (
    AuthorityChoiceField,
    AuthorityPicker,
    GovukForm,
    SeenVersionField,
    VersionField,
)
from visits.models import Visit

from .models import CaseStudy, CaseStudyModel
from .services import KeyFactContent, SectionContent, slug_problem

SUGGESTED_HEADINGS = (
    "Context",
    "How it works",
    "Partners",
    "What difference it made",
    "Challenges",
    "Advice to others",
)
EXTRA_FACTS = 3
#: The most characters a summary and a section's text may have (`mash_survey.rules`).
SUMMARY_LIMIT = 1_500
SECTION_LIMIT = 20_000
RELOAD = "Reload the page, then make your changes again"


class CaseStudyForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    slug = forms.CharField(  # checked by the service's rule (`slug_problem`)
        label="Web address",
        required=False,
        help_text="The last part of the case study's address, such as east-hub-shares-early. "
        "Leave it blank to make it from the title.",
    )
    local_authorities = AuthorityChoiceField(
        label="Which local authorities is it about?",
        queryset=LocalAuthority.objects.select_related("region").order_by("name"),
        error_messages={
            "required": "Select the local authorities the case study is about",
            "invalid_choice": "Select local authorities from the list",
        },
    )
    visit = forms.ModelChoiceField(
        label="Which visit did it come from? (optional)",
        queryset=Visit.objects.prefetch_related("local_authorities").order_by("-visit_date"),
        required=False,
        empty_label="No visit",
        error_messages={"invalid_choice": "Select a visit from the list"},
    )
    model = forms.ChoiceField(
        label="Which model does the area use?",
        choices=CaseStudyModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the model the area uses"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Two or three sentences: what the area does and why it matters.",
        error_messages={"required": "Enter a summary"},
    )
    # The version the person started from: without it a save could overwrite someone's.
    version = VersionField(RELOAD)

    def anchor(self, name: str) -> str:
        # The page writes its own radios, numbered from 0 as Django does (the authority
        # picker numbers its checkboxes as crispy-forms-gds does).
        widget = self.fields[name].widget
        if isinstance(widget, forms.RadioSelect) and not isinstance(widget, AuthorityPicker):
            return f"{self[name].auto_id}_0"
        return super().anchor(name)

    def clean_summary(self) -> str:
        summary: str = self.cleaned_data.get("summary", "")
        breach = rules.text_length(
            summary, field="summary", name="the summary", limit=SUMMARY_LIMIT
        )
        if breach is not None:
            raise forms.ValidationError(breach.message)
        return summary

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug", "")
        if not slug:
            slug = slugify(self.data.get("title", ""))[:100].strip("-")
        wrong = slug_problem(slug)
        if wrong:
            raise forms.ValidationError(wrong)
        return slug


class KeyFactForm(GovukForm):
    label = forms.CharField(
        label="Label", max_length=100, required=False, help_text="For example, Established"
    )
    value = forms.CharField(
        label="Value", max_length=200, required=False, help_text="For example, October 2011"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        label, value = cleaned.get("label", ""), cleaned.get("value", "")
        if label and not value:
            self.add_error("value", f"Enter a value for {label}, or delete its label")
        if value and not label:
            self.add_error("label", f"Enter a label for {value}, or delete the value")
        return cleaned


class SectionForm(GovukForm):
    """A section; one with a heading but no text (a suggested heading left empty) is dropped."""

    heading = forms.CharField(label="Heading", max_length=200, required=False)
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. No names of children, families or staff.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        heading, body = cleaned.get("heading", ""), cleaned.get("body", "")
        body = body.replace("\r\n", "\n")
        cleaned["body"] = body
        if body and not heading:
            self.add_error("heading", "Enter a heading for this section, or delete its text")
        breach = rules.text_length(body, field="body", name="the text", limit=SECTION_LIMIT)
        if breach is not None:
            name = f"the text of {heading}" if heading else "the text"
            self.add_error("body", rules.text_length_message(name, SECTION_LIMIT))
        return cleaned


#: The most key facts and sections a case study has. A form posted with more (a made-up
#: TOTAL_FORMS) is refused before any of its rows are built, in a save as in a preview.
MAX_FACTS = 30
MAX_SECTIONS = 60


class CappedFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "A case study can have at most %(num)d of these: remove some",
    }


def _capped(form: type[forms.Form], most: int) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        formset=CappedFormSet,
        extra=0,
        max_num=most,
        absolute_max=most,
        validate_max=True,
    )


KeyFactFormSet = _capped(KeyFactForm, MAX_FACTS)
SectionFormSet = _capped(SectionForm, MAX_SECTIONS)


def _rows(items: list[dict[str, str]], extra: int) -> list[dict[str, str]]:
    return items + [{} for _ in range(extra)]


class CaseStudyForms:
    """The case study form with its key facts and sections formsets, bound together."""

    def __init__(self, data: Any = None, *, case_study: CaseStudy | None = None) -> None:
        initial: dict[str, Any] = {"version": case_study.version if case_study else 0}
        facts: list[dict[str, str]] = []
        sections: list[dict[str, str]] = []
        if case_study is not None:
            initial.update(
                title=case_study.title,
                slug=case_study.slug,
                local_authorities=list(case_study.local_authorities.all()),
                visit=case_study.visit,
                model=case_study.model,
                summary=case_study.summary,
            )
            facts = [{"label": f.label, "value": f.value} for f in case_study.key_facts.all()]
            sections = [{"heading": s.heading, "body": s.body} for s in case_study.sections.all()]
        else:
            sections = [{"heading": heading} for heading in SUGGESTED_HEADINGS]
        self.main = CaseStudyForm(data, initial=initial)
        self.facts = KeyFactFormSet(
            data, prefix="facts", initial=_rows(facts, max(2, EXTRA_FACTS - len(facts)))
        )
        self.sections = SectionFormSet(data, prefix="sections", initial=_rows(sections, 2))
        self.is_bound = data is not None

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), self.facts.is_valid(), self.sections.is_valid()]
        return all(results)

    def add_error(self, field: str | None, message: str) -> None:
        self.main.add_error(field, message)

    def error_links(self) -> list[tuple[str, str]]:
        """(input id, message) for the error summary, in the order of the page."""
        links = self.main.error_links()
        for formset in (self.facts, self.sections):
            if not formset.is_bound:
                continue
            for form in formset.forms:
                assert isinstance(form, GovukForm)
                links += form.error_links()
            links += [("", str(message)) for message in formset.non_form_errors()]
        return links

    def too_many_rows(self) -> bool:
        """Whether the form says it has more key facts or sections than a case study can."""
        for formset, most in ((self.facts, MAX_FACTS), (self.sections, MAX_SECTIONS)):
            total = str(formset.data.get(f"{formset.prefix}-TOTAL_FORMS", "0"))
            if total.isdigit() and int(total) > most:
                return True
        return False

    def preview_summary(self) -> str:
        """The summary as typed, valid or not."""
        return str(self.main.data.get("summary", "")).replace("\r\n", "\n").strip()

    def preview_facts(self) -> list[tuple[str, str]]:
        """(label, value) of each key fact as typed, valid or not (at most MAX_FACTS); a row
        left blank is left out."""
        data = self.facts.data
        rows = []
        total = str(data.get("facts-TOTAL_FORMS", "0"))
        for i in range(min(int(total), MAX_FACTS) if total.isdigit() else 0):
            label = str(data.get(f"facts-{i}-label", "")).strip()
            value = str(data.get(f"facts-{i}-value", "")).strip()
            if label or value:
                rows.append((label, value))
        return rows

    def preview_sections(self) -> list[tuple[str, str]]:
        """(heading, Markdown) of each section as typed, valid or not (at most MAX_SECTIONS)."""
        data = self.sections.data
        rows = []
        total = str(data.get("sections-TOTAL_FORMS", "0"))
        for i in range(min(int(total), MAX_SECTIONS) if total.isdigit() else 0):
            heading = str(data.get(f"sections-{i}-heading", "")).strip()
            body = str(data.get(f"sections-{i}-body", "")).replace("\r\n", "\n").strip()
            if body:
                rows.append((heading, body))
        return rows

    def content(self) -> dict[str, Any]:
        """The keyword arguments of case_study_create and case_study_update (after is_valid)."""
        data = self.main.cleaned_data
        return {
            "title": data["title"].strip(),
            "slug": data["slug"],
            "local_authorities": list(data["local_authorities"]),
            "visit": data["visit"],
            "model": data["model"],
            "summary": data["summary"].replace("\r\n", "\n").strip(),
            "key_facts": [
                KeyFactContent(f.cleaned_data["label"], f.cleaned_data["value"])
                for f in self.facts.forms
                if f.cleaned_data.get("label")
            ],
            "sections": [
                SectionContent(f.cleaned_data["heading"], f.cleaned_data["body"].strip())
                for f in self.sections.forms
                if f.cleaned_data.get("body", "").strip()
            ],
        }

    def holds(self, case_study: CaseStudy) -> bool:
        """Whether the case study as saved holds exactly what this form sent (after
        is_valid): its fields, its areas, and its key facts and sections in order."""
        sent = self.content()
        return (
            sent["title"] == case_study.title
            and sent["slug"] == case_study.slug
            and {a.pk for a in sent["local_authorities"]}
            == {a.pk for a in case_study.local_authorities.all()}
            and sent["visit"] == case_study.visit
            and sent["model"] == case_study.model
            and sent["summary"] == case_study.summary
            and sent["key_facts"]
            == [KeyFactContent(f.label, f.value) for f in case_study.key_facts.all()]
            and sent["sections"]
            == [SectionContent(s.heading, s.body) for s in case_study.sections.all()]
        )


# ----- A reviewer's decisions ------------------------------------------------------------

PUBLISH, SEND_BACK = "publish", "send_back"


class HandWrittenForm(GovukForm):
    """A form whose page writes its inputs by hand, with ids that are the fields' names."""

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="%s")

    def anchor(self, name: str) -> str:
        return name  # the first radio's id too


class CaseStudyReviewForm(HandWrittenForm):
    """Publish a case study in review, or send it back to draft with a comment. When the check
    found possible identifiers, publishing needs the reviewer to confirm the reason given when
    it was sent for review (`kept_reason`) or, without one, to give their own; the history
    keeps it."""

    decision = forms.ChoiceField(
        choices=[(PUBLISH, "Publish it"), (SEND_BACK, "Send it back to draft")],
        error_messages={
            "required": "Select publish or send back",
            "invalid_choice": "Select publish or send back",
        },
    )
    comment = forms.CharField(required=False, strip=False)
    override_reason = forms.CharField(required=False, strip=False)
    override_confirmed = forms.BooleanField(required=False)
    version = SeenVersionField()

    def __init__(self, data: Any = None, *, has_identifiers: bool, kept_reason: str) -> None:
        super().__init__(data)
        self.has_identifiers = has_identifiers
        self.confirms = has_identifiers and bool(kept_reason)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == SEND_BACK and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what needs to change")
        if cleaned.get("decision") != PUBLISH or not self.has_identifiers:
            return cleaned
        if self.confirms:
            if not cleaned.get("override_confirmed"):
                self.add_error("override_confirmed", publishing.NOT_CONFIRMED)
        elif not publishing.is_a_sentence(cleaned.get("override_reason", "")):
            self.add_error("override_reason", publishing.SHORT_REASON)
        return cleaned


class CaseStudyWithdrawForm(HandWrittenForm):
    """Withdraw a published case study, leaving a notice for readers at its address."""

    notice = forms.CharField(
        strip=False,
        error_messages={"required": "Enter the notice readers will see in place of the case study"},
    )
    version = SeenVersionField()

    def clean_notice(self) -> str:
        notice: str = self.cleaned_data["notice"]
        if not notice.strip():
            raise forms.ValidationError(self.fields["notice"].error_messages["required"])
        return notice
