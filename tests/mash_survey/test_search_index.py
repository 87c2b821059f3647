"""The search index follows every write, whichever way it comes: a service or a page, the
Django admin, a survey import, the demo loader, a migration, a redaction, the register loader,
deletions and changed links, and `rebuild_search_index` by hand. Each test checks what a user
would see: what search finds (and no longer finds) after the write.

The words searched for are nonsense words ("quokkalantern") that nothing else holds.
"""

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from areas.models import LocalAuthority, Region
from areas.services import AUTHORITIES_CSV, register_load
from case_studies.models import CaseStudy, CaseStudyStatus, Section
from case_studies.queries import HISTORY_PARTS
from case_studies.services import SectionContent, case_study_create, case_study_update
from findings import sources
from mash_survey import search
from mash_survey.audience import Audience
from mash_survey.models import SearchEntry
from mash_survey.redaction import redact
from surveys.models import Answer, QuestionKind, Response, ResponseStatus
from tests.areas.pages import parse
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import (
    LocalAuthorityFactory,
    RegionFactory,
    ReviewerFactory,
    StaffFactory,
)
from tests.findings.coded import code, draft
from tests.findings.editions import stored_in
from tests.findings.factories import ThemeFactory, approved_visit, published_section
from tests.surveys.factories import SurveyFactory, add_question
from tests.surveys.import_files import (
    HEADER,
    csv_file,
    make_setup,
    upload,
    use_tmp_media,
    xlsx_file,
)
from tests.visits.editing_support import draft_visit, make_areas, signed_in, visit_form_of
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import Visit
from visits.services import visit_update

pytestmark = pytest.mark.django_db

PUBLIC, STAFF = Audience.PUBLIC, Audience.STAFF


def found(
    text: str, audience: Audience = STAFF, filters: search.Filters | None = None
) -> set[tuple[str, str]]:
    """What a search finds, as (kind, address) of each result (all on the first page)."""
    results = search.search(text, audience=audience, filters=filters)
    assert results.total <= search.PAGE_SIZE
    return {(r.entry.kind, r.entry.url) for r in results.results}


def holding(text: str) -> list[SearchEntry]:
    """The entries holding `text` anywhere searched (title, summary, body)."""
    return list(
        SearchEntry.objects.filter(
            Q(title__contains=text) | Q(summary__contains=text) | Q(body__contains=text)
        )
    )


def entry_of(record: Any) -> SearchEntry:
    kind = search.kind_of(record)
    assert kind is not None
    return SearchEntry.objects.get(kind=kind.key, object_id=record.pk, part="")


# ----- Services and pages -------------------------------------------------------------------


def test_saving_a_visit_on_its_edit_page_replaces_its_words_in_search() -> None:
    areas = make_areas()
    author = StaffFactory.create()
    visit = draft_visit(areas, author, notes="The triage desk keeps a quokkalantern rota.")
    assert found("quokkalantern") == {("visit", visit.get_absolute_url())}

    response = signed_in(author).post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(visit, notes="The triage desk now keeps a wombatcandle rota."),
    )

    assert response.status_code == 302
    assert found("quokkalantern") == set()
    assert found("wombatcandle") == {("visit", visit.get_absolute_url())}


def test_changing_a_case_studys_section_through_the_service_replaces_its_words() -> None:
    author = StaffFactory.create()
    area = LocalAuthorityFactory.create()
    fields: dict[str, Any] = {
        "user": author,
        "title": "A hub that shares early",
        "slug": "a-hub",
        "local_authorities": [area],
        "model": "mash",
        "summary": "Partners share within hours.",
    }
    study = case_study_create(
        **fields, sections=[SectionContent("Context", "Referrals go to a quokkalantern desk.")]
    )
    assert found("quokkalantern") == {("case_study", "/case-studies/a-hub/")}

    study = case_study_update(
        case_study=study,
        seen_version=study.version,
        **fields,
        sections=[SectionContent("Context", "Referrals go to a wombatcandle desk.")],
    )

    assert found("quokkalantern") == set()
    assert found("wombatcandle") == {("case_study", "/case-studies/a-hub/")}
    # A section taken out takes its words with it.
    case_study_update(case_study=study, seen_version=study.version, **fields, sections=[])
    assert found("wombatcandle") == set()
    assert found("hub shares early") == {("case_study", "/case-studies/a-hub/")}


# ----- The Django admin ---------------------------------------------------------------------


def _admin_form(client: Client, url: str) -> dict[str, Any]:
    """The admin change form's fields as the page fills them in."""
    page = parse(client.get(url).content)
    form = next(f for f in page.find_all("form") if f.attrs.get("id", "").endswith("_form"))
    data: dict[str, Any] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if element.tag == "input" and element.attrs.get("type") in ("checkbox", "radio"):
            if "checked" in element.attrs:
                data[name] = element.attrs.get("value", "on")
        elif element.tag == "input":
            data[name] = element.attrs.get("value", "")
        elif element.tag == "textarea":
            data[name] = element.text()
        elif element.tag == "select":
            chosen = [o for o in element.find_all("option") if "selected" in o.attrs]
            data[name] = chosen[0].attrs.get("value", "") if chosen else ""
    return data


def test_renaming_an_authority_in_the_admin_finds_it_by_its_new_name(
    admin_client: Client,
) -> None:
    area = LocalAuthorityFactory.create(name="Quokkashire", slug="quokkashire")
    assert found("quokkashire", PUBLIC) == {("area", "/areas/quokkashire/")}
    url = f"/admin/areas/localauthority/{area.pk}/change/"

    response = admin_client.post(url, {**_admin_form(admin_client, url), "name": "Wombatshire"})

    assert response.status_code == 302
    assert found("quokkashire", PUBLIC) == set()
    assert found("wombatshire", PUBLIC) == {("area", "/areas/quokkashire/")}


def test_a_question_and_its_choices_changed_in_the_admin_are_found_by_their_new_words(
    admin_client: Client,
) -> None:
    survey = SurveyFactory.create(slug="the-survey")
    question = add_question(
        survey, "Q1", QuestionKind.SINGLE_CHOICE, ("MASH", "Other"), text="Which quokka model?"
    )
    where = ("question", reverse("surveys:detail", kwargs={"slug": "the-survey"}) + "#question-Q1")
    assert found("quokka", PUBLIC) == {where}
    url = f"/admin/surveys/question/{question.pk}/change/"
    data = _admin_form(admin_client, url)
    data.update({"text": "Which wombat model?", "choices-2-order": "3"})
    data["choices-2-value"] = "Numbat hub"  # the blank inline row, filled in

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert found("quokka", PUBLIC) == set()
    assert found("wombat", PUBLIC) == {where}
    assert found("numbat", PUBLIC) == {where}


def test_a_question_or_survey_changed_in_the_admin_changes_its_answers_in_search(
    admin_client: Client,
) -> None:
    """An answer's result names its area and question, and is illustrative with its survey."""
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", QuestionKind.FREE_TEXT, text="Any quokka barriers?")
    area = LocalAuthorityFactory.create()
    draft_return = Response.objects.create(survey=survey, local_authority=area)
    Answer.objects.create(response=draft_return, question=question, text="Shared IT, mostly.")
    answer = (
        "answer",
        reverse("surveys:return_detail", kwargs={"slug": survey.slug, "area": area.slug}),
    )
    assert answer in found("quokka")
    url = f"/admin/surveys/question/{question.pk}/change/"

    changed = admin_client.post(
        url, {**_admin_form(admin_client, url), "text": "Any wombat barriers?"}
    )

    assert changed.status_code == 302
    assert found("quokka") == set()
    assert answer in found("wombat")
    # Its survey marked illustrative: so are its questions' and answers' results.
    url = f"/admin/surveys/survey/{survey.pk}/change/"
    changed = admin_client.post(url, {**_admin_form(admin_client, url), "is_illustrative": "on"})
    assert changed.status_code == 302
    results = search.search("wombat", audience=STAFF).results
    assert {(r.entry.kind, r.entry.is_illustrative) for r in results} == {
        ("question", True),
        ("answer", True),
    }


# ----- A survey import ----------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_free_text_answer_imported_through_the_upload_pages_is_found_by_staff(
    file_format: str, staff_client: Client, settings: Settings, tmp_path: Path
) -> None:
    use_tmp_media(settings, tmp_path)  # where the upload waits for confirmation
    setup = make_setup()
    row = ["E08000037", "Yes", "MASH", "Police", "120", "", "A shared quokkalantern system."]
    content = (csv_file if file_format == "csv" else xlsx_file)([HEADER, row])
    preview = upload(staff_client, setup.survey, f"returns.{file_format}", content)
    assert preview.status_code == 200
    form = next(
        f for f in parse(preview.content).find_all("form") if "confirm" in f.attrs["action"]
    )
    hidden = {
        i.attrs["name"]: i.attrs.get("value", "")
        for i in form.find_all("input")
        if i.attrs.get("type") == "hidden"
    }
    assert found("quokkalantern") == set()  # nothing written before it is confirmed

    response = staff_client.post(
        reverse("surveys:import_confirm", kwargs={"slug": setup.survey.slug}), hidden
    )

    assert response.status_code == 302
    return_url = reverse(
        "surveys:return_detail", kwargs={"slug": setup.survey.slug, "area": "gateshead"}
    )
    assert found("quokkalantern") == {("answer", return_url)}
    assert found("quokkalantern", PUBLIC) == set()


# ----- The demo loader ----------------------------------------------------------------------


def test_the_demo_loader_leaves_its_visits_and_case_studies_searchable(
    register: None, settings: Settings, tmp_path: Path
) -> None:
    stored_in(settings, tmp_path)  # the demo publishes a report edition

    call_command("load_demo_data", stdout=io.StringIO())

    visit = Visit.objects.exclude(notes="").order_by("pk").first()
    assert visit is not None
    # Six plain words in a row from its notes. (Not across a hyphenated word: on PostgreSQL,
    # "a co-located" is not found yet, as `search.parse` splits the compound into two words.)
    runs = re.findall(r"(?:\b[A-Za-z]+\b[ ,]+){6}", visit.notes)
    phrase = " ".join(re.findall(r"[A-Za-z]+", runs[0]))
    assert ("visit", visit.get_absolute_url()) in found(f'"{phrase}"')
    assert not {kind for kind, _ in found(f'"{phrase}"', PUBLIC)} & {"visit", "feedback"}
    published = CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED)
    assert published.exists()
    for study in published:
        assert ("case_study", study.get_absolute_url()) in found(study.title, PUBLIC)
    for study in CaseStudy.objects.exclude(status=CaseStudyStatus.PUBLISHED):
        assert ("case_study", study.get_absolute_url()) not in found(study.title, PUBLIC)


# ----- A migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_writes_that_send_no_signals_are_indexed_once_migrate_has_applied_something() -> None:
    """A data migration writes through historical models, which send no signals: whenever
    `migrate` applies something, the index is rebuilt after it (`_rebuild_after_migrate`).

    Run as `migrate` itself rather than by sending post_migrate by hand: the handler acts on
    what `migrate` sends (which app, the plan and its direction), so the test gives it a real
    plan. The search migration is taken back (a plan all backwards: no rebuild, the table is
    gone) and applied again (forwards: the rebuild). Transactional, because SQLite's schema
    editor refuses to run inside a transaction (the test's), as a real `migrate` never does;
    PostgreSQL runs it the same way. Every entry found afterwards is one the rebuild wrote."""
    area = LocalAuthorityFactory.create()
    visit = VisitFactory.create(
        region=area.region, local_authorities=[area], notes="A quokkalantern rota."
    )
    Visit.objects.filter(pk=visit.pk).update(notes="A wombatcandle rota.")  # as a migration would
    assert found("quokkalantern") == {("visit", visit.get_absolute_url())}
    assert found("wombatcandle") == set()

    call_command("migrate", "mash_survey", "0001", verbosity=0)
    call_command("migrate", "mash_survey", verbosity=0)

    assert found("quokkalantern") == set()
    assert found("wombatcandle") == {("visit", visit.get_absolute_url())}
    assert found(area.name, PUBLIC) >= {("area", area.get_absolute_url())}


# ----- Redaction ----------------------------------------------------------------------------

PASSAGE = "Child quokkalantern wombatcandle was discussed"


def _redacted_everywhere() -> None:
    assert found("quokkalantern") == set()
    assert found('"quokkalantern wombatcandle"') == set()
    assert holding("quokkalantern") == []


def test_a_passage_redacted_from_a_visit_leaves_search_with_its_quotes() -> None:
    visit = approved_visit(notes=f"The hub met daily. {PASSAGE} at the meeting.")
    excerpt = code(
        sources.visit_source(visit),
        StaffFactory.create(),
        ThemeFactory.create(),
        passage=f"{PASSAGE} at the meeting",
    )
    assert found("quokkalantern") == {
        ("visit", visit.get_absolute_url()),
        ("excerpt", reverse("findings:excerpt", kwargs={"pk": excerpt.pk})),
    }

    redact(visit, PASSAGE, user=ReviewerFactory.create(), reason="A child's name was typed in.")

    _redacted_everywhere()
    assert found("hub met daily") == {("visit", visit.get_absolute_url())}
    assert found("meeting") == {
        ("visit", visit.get_absolute_url()),
        ("excerpt", reverse("findings:excerpt", kwargs={"pk": excerpt.pk})),
    }


def test_a_passage_redacted_from_a_case_study_section_leaves_search_with_its_quotes() -> None:
    section = published_section(body=f"The hub met daily. {PASSAGE} at the meeting.")
    study = section.case_study
    excerpt = code(
        sources.section_source(section),
        StaffFactory.create(),
        ThemeFactory.create(),
        passage=f"{PASSAGE} at the meeting",
    )
    assert found("quokkalantern", PUBLIC) == {("case_study", study.get_absolute_url())}
    assert len(found("quokkalantern")) == 2  # and the excerpt, for staff

    redact(
        study,
        PASSAGE,
        user=ReviewerFactory.create(),
        reason="A child's name was typed in.",
        parts=HISTORY_PARTS,
    )

    _redacted_everywhere()
    assert found("hub met daily", PUBLIC) == {("case_study", study.get_absolute_url())}
    assert ("excerpt", reverse("findings:excerpt", kwargs={"pk": excerpt.pk})) in found("meeting")


# ----- The register loader ------------------------------------------------------------------


def test_the_register_loader_indexes_every_region_and_authority_and_their_new_names(
    tmp_path: Path,
) -> None:
    register_load()

    assert SearchEntry.objects.filter(kind="region").count() == Region.objects.count() == 9
    assert SearchEntry.objects.filter(kind="area").count() == LocalAuthority.objects.count() == 152
    gateshead = LocalAuthority.objects.get(name="Gateshead")
    assert found("Gateshead", PUBLIC) == {("area", gateshead.get_absolute_url())}
    north_east = Region.objects.get(name="North East")
    assert ("region", north_east.get_absolute_url()) in found('"North East"', PUBLIC)

    # A corrected register file: the authority renamed is found by its new name only.
    with AUTHORITIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["name"] == "Gateshead":
            row["name"] = "Quokkahead"
    corrected = tmp_path / "authorities.csv"
    with corrected.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    register_load(authorities_csv=corrected)

    gateshead.refresh_from_db()
    assert found("Gateshead", PUBLIC) == set()
    assert found("Quokkahead", PUBLIC) == {("area", gateshead.get_absolute_url())}


# ----- Deleting -----------------------------------------------------------------------------


def test_deleting_a_record_takes_its_entries_out_of_search() -> None:
    area = LocalAuthorityFactory.create()
    visit = VisitFactory.create(
        region=area.region, local_authorities=[area], notes="A quokkalantern rota."
    )
    feedback = DetailedFeedbackFactory.create(visit=visit, lessons="A quokkalantern lesson.")
    study = CaseStudyFactory.create(title="The quokkalantern hub", local_authorities=[area])
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", QuestionKind.FREE_TEXT, text="Any quokkalantern?")
    response = Response.objects.create(
        survey=survey, local_authority=area, status=ResponseStatus.DRAFT
    )
    answer = Answer.objects.create(response=response, question=question, text="None at all.")
    finding = draft(ThemeFactory.create(), StaffFactory.create(), headline="A quokkalantern")
    assert {kind for kind, _ in found("quokkalantern")} == {
        "visit",
        "feedback",
        "case_study",
        "question",
        "answer",
        "finding",
    }

    for record in (feedback, visit, study, answer, finding):
        record.delete()

    assert found("quokkalantern") == {("question", entry_of(question).url)}
    assert not SearchEntry.objects.filter(kind="feedback", object_id=feedback.pk).exists()
    question.delete()
    assert found("quokkalantern") == set()
    assert holding("quokkalantern") == []


def test_deleting_a_case_study_section_takes_its_words_out_of_search() -> None:
    study = CaseStudyFactory.create(title="A hub")
    section = SectionFactory.create(case_study=study, body="The quokkalantern desk.")
    SectionFactory.create(case_study=study, body="The wombatcandle desk.")
    assert (
        found("quokkalantern")
        == found("wombatcandle")
        == {("case_study", study.get_absolute_url())}
    )

    section.delete()

    assert found("quokkalantern") == set()
    assert found("wombatcandle") == {("case_study", study.get_absolute_url())}


# ----- Changed links: a record's areas ------------------------------------------------------


def _two_regions() -> tuple[LocalAuthority, LocalAuthority]:
    return (
        LocalAuthorityFactory.create(name="Quokkashire", region=RegionFactory.create()),
        LocalAuthorityFactory.create(name="Wombatshire", region=RegionFactory.create()),
    )


def in_region(area: LocalAuthority) -> search.Filters:
    return search.Filters(region=area.region_id)


def test_a_case_studys_new_areas_change_its_places_and_region_in_search() -> None:
    before, after = _two_regions()
    author = StaffFactory.create()
    fields: dict[str, Any] = {
        "user": author,
        "title": "A numbat hub",
        "slug": "a-numbat-hub",
        "model": "mash",
        "summary": "Partners share within hours.",
    }
    study = case_study_create(**fields, local_authorities=[before])
    where = {("case_study", study.get_absolute_url())}
    assert found("numbat", filters=in_region(before)) == where
    assert found("numbat", filters=in_region(after)) == set()

    case_study_update(
        case_study=study, seen_version=study.version, **fields, local_authorities=[after]
    )

    assert found("numbat", filters=in_region(before)) == set()
    assert found("numbat", filters=in_region(after)) == where
    assert entry_of(study).places == "Wombatshire"
    # Linked to both: found in either region.
    study.local_authorities.add(before)
    assert found("numbat", filters=in_region(before)) == where
    assert entry_of(study).places == "Quokkashire, Wombatshire"


def test_a_visits_new_areas_change_its_places_region_and_its_feedbacks() -> None:
    before, after = _two_regions()
    author = StaffFactory.create()
    visit = VisitFactory.create(
        region=before.region, local_authorities=[before], notes="A numbat rota."
    )
    feedback = DetailedFeedbackFactory.create(visit=visit, lessons="A numbat lesson.")
    assert found("numbat", filters=in_region(before)) == {
        ("visit", visit.get_absolute_url()),
        ("feedback", feedback.get_absolute_url()),
    }

    visit_update(
        visit=visit,
        user=author,
        seen_version=visit.version,
        visit_date=visit.visit_date,
        region=after.region,
        local_authorities=[after],
        model_seen=visit.model_seen,
        agencies={},
        visiting_team=[],
        notes=visit.notes,
    )

    assert found("numbat", filters=in_region(before)) == set()
    assert found("numbat", filters=in_region(after)) == {
        ("visit", visit.get_absolute_url()),
        ("feedback", feedback.get_absolute_url()),
    }
    assert entry_of(visit).places == entry_of(feedback).places == "Wombatshire"
    assert found("wombatshire") == {
        ("visit", visit.get_absolute_url()),
        ("feedback", feedback.get_absolute_url()),
        ("area", after.get_absolute_url()),
    }


def test_renaming_an_area_renames_it_in_the_visits_feedback_and_case_studies_that_name_it(
    admin_client: Client,
) -> None:
    area = LocalAuthorityFactory.create(name="Quokkashire", slug="quokkashire")
    visit = VisitFactory.create(region=area.region, local_authorities=[area])
    feedback = DetailedFeedbackFactory.create(visit=visit)
    study = CaseStudyFactory.create(local_authorities=[area])
    url = f"/admin/areas/localauthority/{area.pk}/change/"

    admin_client.post(url, {**_admin_form(admin_client, url), "name": "Wombatshire"})

    named = {
        ("area", area.get_absolute_url()),
        ("visit", visit.get_absolute_url()),
        ("feedback", feedback.get_absolute_url()),
    }
    assert found("wombatshire") == named  # titles name the areas
    assert found("quokkashire") == set()
    assert entry_of(study).places == "Wombatshire"


# ----- Rebuilding by hand -------------------------------------------------------------------


def _entries() -> list[tuple[Any, ...]]:
    """Every entry's contents (not its id, which a rebuild changes), in order."""
    rows = []
    for entry in SearchEntry.objects.prefetch_related("regions"):
        fields = [getattr(entry, f.name) for f in SearchEntry._meta.concrete_fields]
        regions = sorted(r.pk for r in entry.regions.all())
        rows.append((*fields[1:], regions))
    return sorted(rows, key=repr)


def test_rebuild_search_index_writes_the_same_entries_again(
    register: None, staff_user: User
) -> None:
    gateshead = LocalAuthority.objects.get(name="Gateshead")
    visit = VisitFactory.create(
        region=gateshead.region, local_authorities=[gateshead], notes="A quokkalantern rota."
    )
    DetailedFeedbackFactory.create(visit=visit, lessons="Share early.")
    section = published_section(body="The quokkalantern desk.", authorities=[gateshead])
    code(
        sources.section_source(section),
        staff_user,
        ThemeFactory.create(),
        passage="quokkalantern desk",
    )
    submitted = SurveyFactory.create()
    question = add_question(submitted, "Q1", QuestionKind.FREE_TEXT, required=False)
    response = Response.objects.create(
        survey=submitted,
        local_authority=gateshead,
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, question=question, text="A quokkalantern answer.")
    before = _entries()
    assert len(before) > 9 + 152
    results = found("quokkalantern")
    assert {kind for kind, _ in results} == {"visit", "case_study", "excerpt", "answer"}

    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)

    assert _entries() == before
    assert found("quokkalantern") == results
    assert output.getvalue() == f"Search index rebuilt: {len(before)} entries.\n"


def test_rebuild_search_index_picks_up_writes_that_sent_no_signals() -> None:
    study = CaseStudyFactory.create(title="The quokkalantern hub")
    CaseStudy.objects.filter(pk=study.pk).update(title="The wombatcandle hub")
    Section.objects.bulk_create(
        [Section(case_study=study, heading="Desk", body="A numbat.", order=1)]
    )
    assert found("wombatcandle") == found("numbat") == set()

    call_command("rebuild_search_index", stdout=io.StringIO())

    assert found("quokkalantern") == set()
    assert found("wombatcandle") == found("numbat") == {("case_study", study.get_absolute_url())}
