"""The search page: one box for the whole service (in every page's header) and its results,
filtered by type, region and model seen, a page at a time. Who sees what is the search's job
(`mash_survey.search`): the page only says who is asking."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from areas.models import Region
from visits.models import ModelSeen

from . import search
from .audience import Audience, audience_of
from .forms import GovukForm


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=search.MAX_QUERY,
        error_messages={
            "max_length": f"Enter a search of {search.MAX_QUERY} characters or fewer",
        },
    )
    type = forms.ChoiceField(required=False, label="Type")
    region = forms.ChoiceField(required=False, label="Region")
    model = forms.ChoiceField(
        required=False,
        label="Model seen",
        choices=[("", "All models"), *ModelSeen.choices],
        error_messages={"invalid_choice": "Select a model from the list"},
    )

    def __init__(self, data: Any, *, audience: Audience, regions: list[Region]) -> None:
        super().__init__(data)
        self.regions = {r.slug: r for r in regions}
        kinds = [(k.key, k.label) for k in search.visible_kinds(audience)]
        self.set_choices("type", [("", "All types"), *kinds])
        self.set_choices("region", [("", "All regions")] + [(r.slug, r.name) for r in regions])
        self.fields["type"].error_messages["invalid_choice"] = "Select a type from the list"
        self.fields["region"].error_messages["invalid_choice"] = "Select a region from the list"

    def filters(self) -> search.Filters:
        data = self.cleaned_data
        region = self.regions.get(data["region"])
        return search.Filters(
            kind=data["type"], region=region.pk if region else None, model=data["model"]
        )


def search_page(request: HttpRequest) -> HttpResponse:
    audience = audience_of(request)
    regions = list(Region.objects.order_by("name"))
    form = SearchForm(request.GET, audience=audience, regions=regions)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = search.search(
            form.cleaned_data["q"],
            audience=audience,
            filters=form.filters(),
            page=request.GET.get("page", 1),
        )
    return render(
        request,
        "search.html",
        {
            "form": form,
            "results": results,
            "is_filtered": form.is_valid() and any(form.filters().__dict__.values()),
            "staff": audience is Audience.STAFF,
        },
    )
