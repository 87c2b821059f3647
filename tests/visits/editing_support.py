"""What the tests of the visit and feedback forms share: sample areas, posting the forms as
a browser would, and reading the pages they answer with."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from areas.models import LocalAuthority, Region
from tests.areas.pages import Element, parse
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory
from visits.models import Visit
from visits.services import visit_create

from .factories import DetailedFeedbackFactory

NOTES = "The hub has police, health and children's social care in one office."


@dataclass
class Areas:
    north_east: Region
    gateshead: LocalAuthority
    sunderland: LocalAuthority
    london: Region
    camden: LocalAuthority


def make_areas() -> Areas:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    london = RegionFactory.create(code="E12000007", name="London", slug="london")
    return Areas(
        north_east=north_east,
        gateshead=LocalAuthorityFactory.create(name="Gateshead", region=north_east),
        sunderland=LocalAuthorityFactory.create(name="Sunderland", region=north_east),
        london=london,
        camden=LocalAuthorityFactory.create(name="Camden", region=london),
    )


def signed_in(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or StaffFactory.create())
    return client


def draft_visit(areas: Areas, user: User, **changes: Any) -> Visit:
    """A draft visit to Gateshead, made through the service as the form makes one."""
    values: dict[str, Any] = {
        "visit_date": dt.date(2013, 2, 12),
        "region": areas.north_east,
        "local_authorities": [areas.gateshead],
        "model_seen": "mash",
        "agencies": {"police": "co_located"},
        "visiting_team": [user],
        "notes": NOTES,
    }
    return visit_create(user=user, **{**values, **changes})


def visit_form(
    *,
    region: Region,
    authorities: list[LocalAuthority],
    date: tuple[str, str, str] = ("12", "2", "2013"),
    model: str = "mash",
    notes: str = NOTES,
    version: int | None = None,
    team: list[User] | None = None,
    agencies: dict[str, str] | None = None,
    button: str = "save_draft",
    selection: Any = None,
) -> dict[str, Any]:
    """The visit form as a browser posts it."""
    data: dict[str, Any] = {
        "visit_date_0": date[0],
        "visit_date_1": date[1],
        "visit_date_2": date[2],
        "region": str(region.pk),
        "local_authorities": [str(a.pk) for a in authorities],
        "model_seen": model,
        "visiting_team": [str(u.pk) for u in team or []],
        "notes": notes,
        "selection": str(selection.pk) if selection else "",
        button: "",
    }
    for agency_type, involvement in (agencies or {"police": "co_located"}).items():
        data[f"agency_{agency_type}"] = involvement
    if version is not None:
        data["version"] = str(version)
    return data


def visit_form_of(visit: Visit, **changes: Any) -> dict[str, Any]:
    """The edit form of `visit` as loaded, with `changes`."""
    values: dict[str, Any] = {
        "region": visit.region,
        "authorities": list(visit.local_authorities.all()),
        "date": (str(visit.visit_date.day), str(visit.visit_date.month), "2013"),
        "model": visit.model_seen,
        "notes": visit.notes,
        "version": visit.version,
        "team": list(visit.visiting_team.all()),
        "agencies": {a.agency_type: a.involvement for a in visit.agencies.all()},
        "selection": visit.selection,
    }
    return visit_form(**{**values, **changes})


def feedback_form(*, version: int, button: str = "save_draft", **fields: Any) -> dict[str, Any]:
    """The feedback form as a browser posts it: blank apart from `fields`."""
    data: dict[str, Any] = {"version": str(version), button: ""}
    for name, value in fields.items():
        if isinstance(value, dt.date):
            data.update({f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year})
        else:
            data[name] = value
    return data


def feedback_for(visit: Visit, user: User, **fields: Any) -> Any:
    return DetailedFeedbackFactory.create(visit=visit, created_by=user, **fields)


def page_of(response: Any, status: int = 200) -> Element:
    assert response.status_code == status, response
    return parse(response.content)


def title(response: Any) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match
    return " ".join(match.group(1).split())


def error_summary(page: Element) -> list[tuple[str, str]]:
    """The "There is a problem" summary's items: (the link's target, or "" for none; text)."""
    box = page.find("div", "govuk-error-summary")
    items = []
    for item in box.find_all("li"):
        links = item.find_all("a")
        items.append((links[0].attrs["href"] if links else "", item.text()))
    return items


def ids(page: Element) -> set[str]:
    return {el.attrs["id"] for el in page.iter() if "id" in el.attrs}


def inline_errors(page: Element) -> list[str]:
    return [
        span.text().removeprefix("Error: ") for span in page.find_all("span", "govuk-error-message")
    ]


def banner(page: Element) -> str:
    return " | ".join(b.text() for b in page.find_all("div", "govuk-notification-banner"))


def textarea(page: Element, name: str) -> str:
    found = [t for t in page.find_all("textarea") if t.attrs.get("name") == name]
    assert found, f"no textarea {name!r}"
    return "".join(c for c in found[0].children if isinstance(c, str)).strip()


def input_value(page: Element, name: str) -> str:
    found = [i for i in page.find_all("input") if i.attrs.get("name") == name]
    assert found, f"no input {name!r}"
    return found[0].attrs.get("value", "")


def checked(page: Element, name: str) -> list[str]:
    return [
        i.attrs.get("value", "on")
        for i in page.find_all("input")
        if i.attrs.get("name") == name and "checked" in i.attrs
    ]
