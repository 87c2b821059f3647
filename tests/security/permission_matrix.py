"""Who may GET each URL of the service: the table test_permission_matrix.py checks.

Adding a URL: put its name (with its namespace, as `reverse()` takes it) in ACCESS with
its access level. If its path takes a parameter the tables below do not know, add a sample
value to PARAMETERS (or to URL_PARAMETERS, when the name means something else for that
URL). Everything under the `admin` namespace is ADMIN unless ACCESS says otherwise.
"""

import datetime as dt
import enum
from collections.abc import Callable

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from case_studies.models import CaseStudy, CaseStudyModel, CaseStudyStatus, Section
from findings.models import (
    Coding,
    EditionStatus,
    Excerpt,
    Finding,
    FindingStatus,
    ReportEdition,
    Theme,
)
from surveys.models import Answer, QuestionKind, Response, ResponseStatus, VisitSelection
from tests.surveys.factories import SurveyFactory, add_question
from visits.models import DetailedFeedback, ModelSeen, ReviewStatus, Visit

from .endpoints import Endpoint, model_admin_of
from .samples import MEMBER_ROLES, Role, Samples


class Access(enum.Enum):
    PUBLIC = "everyone"
    MEMBERS = "project members: staff, reviewers and administrators"
    PARTNER = "internal API data: project members and partner keys"
    ADMIN = "administrators (superusers) only"
    NOBODY = "no one, administrators included (a view the service switches off)"
    POST_ONLY = "POST only: a GET never shows a page or changes anything"
    REVIEWERS = "reviewers and administrators (project staff are refused)"
    DRAFT = "project members; to anyone else it does not exist (404): an unpublished record"


#: The roles that may GET a URL of each level.
ALLOWED: dict[Access, frozenset[Role]] = {
    Access.PUBLIC: frozenset(Role),
    Access.MEMBERS: MEMBER_ROLES,
    Access.PARTNER: MEMBER_ROLES | {Role.PARTNER},
    Access.ADMIN: frozenset({Role.ADMIN}),
    Access.NOBODY: frozenset(),
    Access.POST_ONLY: frozenset(),
    Access.REVIEWERS: frozenset({Role.REVIEWER, Role.ADMIN}),
    Access.DRAFT: MEMBER_ROLES,
}

ACCESS: dict[str, Access] = {
    # The project's own pages.
    "home": Access.PUBLIC,
    "your_work": Access.MEMBERS,
    "healthz": Access.PUBLIC,
    "readyz": Access.PUBLIC,
    "about_data": Access.PUBLIC,
    "accessibility": Access.PUBLIC,
    # Security and audit events, and their export: administrators only (tests/mash_survey/
    # test_audit_page.py); nothing in the service changes them.
    "audit_events": Access.ADMIN,
    "audit_download": Access.ADMIN,
    "login": Access.PUBLIC,
    "logout": Access.PUBLIC,  # GET asks to confirm; only a POST signs out
    "areas:region_list": Access.PUBLIC,
    "areas:region": Access.PUBLIC,
    "areas:authority": Access.PUBLIC,
    "surveys:index": Access.PUBLIC,
    "surveys:import_upload": Access.MEMBERS,
    "surveys:import_confirm": Access.POST_ONLY,
    "surveys:import_batches": Access.MEMBERS,
    "surveys:import_problems": Access.MEMBERS,
    "surveys:template": Access.MEMBERS,
    "surveys:export": Access.MEMBERS,
    "surveys:detail": Access.PUBLIC,
    "surveys:return_not_started": Access.MEMBERS,
    "surveys:question_csv": Access.PUBLIC,
    "surveys:answers_by_area": Access.MEMBERS,
    "surveys:selection": Access.MEMBERS,
    "surveys:selection_add": Access.POST_ONLY,
    "surveys:selection_remove": Access.POST_ONLY,
    "surveys:return_list": Access.MEMBERS,
    "surveys:return_detail": Access.MEMBERS,
    "surveys:return_edit": Access.MEMBERS,
    "surveys:return_check": Access.MEMBERS,
    "surveys:return_history": Access.MEMBERS,
    "surveys:data_quality": Access.MEMBERS,
    # Without a problem to mark it goes back to the data-quality page.
    "surveys:data_quality_check": Access.MEMBERS,
    "surveys:return_redact": Access.REVIEWERS,
    # Reviewers only: tests/surveys/test_entry_views.py checks who a POST may reopen for.
    "surveys:return_reopen": Access.POST_ONLY,
    "visits:index": Access.MEMBERS,
    "visits:needs_attention": Access.MEMBERS,
    "visits:data_quality": Access.MEMBERS,
    "visits:data_quality_check": Access.MEMBERS,
    "visits:detail": Access.MEMBERS,
    "visits:submit": Access.POST_ONLY,
    "visits:review": Access.REVIEWERS,
    "visits:history": Access.MEMBERS,
    "visits:redact": Access.REVIEWERS,
    "visits:feedback": Access.MEMBERS,
    "visits:feedback_submit": Access.POST_ONLY,
    "visits:feedback_review": Access.REVIEWERS,
    "visits:feedback_history": Access.MEMBERS,
    "visits:feedback_redact": Access.REVIEWERS,
    "visits:create": Access.MEMBERS,
    "visits:edit": Access.MEMBERS,
    "visits:feedback_edit": Access.MEMBERS,
    # Autosave answers a POST of the form; tests/visits/test_editing_autosave.py checks who.
    "visits:autosave": Access.POST_ONLY,
    "visits:feedback_autosave": Access.POST_ONLY,
    "case_studies:index": Access.PUBLIC,
    # A published case study (its page and PDF) is for everyone; drafts are tested in
    # tests/case_studies/test_public.py, test_pdf.py and test_api.py.
    "case_studies:detail": Access.PUBLIC,
    "case_studies:pdf": Access.PUBLIC,
    "case_studies:manage": Access.MEMBERS,
    "case_studies:create": Access.MEMBERS,
    "case_studies:edit": Access.MEMBERS,
    "case_studies:history": Access.MEMBERS,
    "case_studies:redact": Access.REVIEWERS,
    "case_studies:submit": Access.POST_ONLY,
    "case_studies:review": Access.REVIEWERS,
    "case_studies:withdraw": Access.REVIEWERS,
    "api:casestudy-list": Access.PUBLIC,
    "api:casestudy-detail": Access.PUBLIC,
    "sitemap": Access.PUBLIC,
    # Search: everyone may search; what each caller finds (drafts and visit notes only for
    # members) is each kind's visibility rule (tests/e2e/test_search.py checks the public
    # against staff).
    "search": Access.PUBLIC,
    "robots": Access.PUBLIC,
    "findings:index": Access.PUBLIC,
    # Reports: the coding reports and their downloads.
    "findings:reports": Access.MEMBERS,
    "findings:report_download": Access.MEMBERS,
    "findings:report_theme_excerpts": Access.MEMBERS,
    # Findings (manage): the public pages show agreed findings only (tests/findings/
    # test_public_pages.py); retire, delete and reopen are reviewers' POSTs
    # (test_codebook_pages.py, test_finding_pages.py).
    "findings:themes": Access.PUBLIC,
    "findings:theme": Access.PUBLIC,
    "findings:codebook": Access.MEMBERS,
    "findings:codebook_download": Access.MEMBERS,
    "findings:theme_create": Access.MEMBERS,
    "findings:codebook_theme": Access.MEMBERS,
    "findings:theme_edit": Access.MEMBERS,
    "findings:theme_history": Access.MEMBERS,
    "findings:theme_merge": Access.REVIEWERS,
    "findings:theme_retire": Access.POST_ONLY,
    "findings:theme_delete": Access.POST_ONLY,
    "findings:manage": Access.MEMBERS,
    "findings:finding_create": Access.MEMBERS,
    "findings:finding": Access.MEMBERS,
    "findings:finding_edit": Access.MEMBERS,
    "findings:finding_evidence": Access.MEMBERS,
    "findings:finding_history": Access.MEMBERS,
    "findings:finding_agree": Access.REVIEWERS,
    "findings:finding_retire": Access.POST_ONLY,
    "findings:finding_reopen": Access.POST_ONLY,
    "findings:code_visit": Access.MEMBERS,
    "findings:code_feedback": Access.MEMBERS,
    "findings:code_section": Access.MEMBERS,
    "findings:code_answer": Access.MEMBERS,
    "findings:excerpt": Access.MEMBERS,
    "findings:excerpt_reanchor": Access.POST_ONLY,
    "findings:excerpt_reconfirm": Access.POST_ONLY,
    "findings:excerpt_clearance": Access.POST_ONLY,
    "findings:excerpt_remove": Access.MEMBERS,
    "findings:excerpt_history": Access.MEMBERS,
    "findings:needs_attention": Access.MEMBERS,
    "findings:figures": Access.MEMBERS,
    "findings:figure": Access.PUBLIC,
    # An edition's PDF: a published one's stored file is for everyone; a draft (sampled
    # here) only for members (tests/findings/test_editions_pdf.py).
    "findings:edition_pdf": Access.DRAFT,
    # Report editions: the staff workflow (tests/findings/test_editions_manage.py checks who
    # may publish).
    "findings:edition_manage": Access.MEMBERS,
    "findings:edition_create": Access.MEMBERS,
    "findings:edition_detail": Access.MEMBERS,
    "findings:edition_edit": Access.MEMBERS,
    "findings:edition_submit": Access.POST_ONLY,
    "findings:edition_withdraw": Access.POST_ONLY,
    "findings:edition_publish": Access.MEMBERS,
    "findings:edition_progress": Access.MEMBERS,
    "findings:edition_amend": Access.MEMBERS,
    "findings:edition_history": Access.MEMBERS,
    # End of report editions: the staff workflow.
    # Editions: published ones are for everyone; drafts and editions in review are 404 on
    # these addresses for everyone (tests/findings/test_editions_public.py).
    "findings:editions": Access.PUBLIC,
    "findings:edition": Access.PUBLIC,
    "findings:edition_theme": Access.PUBLIC,
    "findings:edition_changes": Access.PUBLIC,
    "findings:edition_preview": Access.MEMBERS,
    # The API (each name covers its format-suffix pattern too).
    "api:api-root": Access.PUBLIC,
    "api:schema": Access.PUBLIC,
    "api:docs": Access.PUBLIC,
    "api:region-list": Access.PUBLIC,
    "api:region-detail": Access.PUBLIC,
    "api:localauthority-list": Access.PUBLIC,
    "api:localauthority-detail": Access.PUBLIC,
    "api:survey-list": Access.PUBLIC,
    "api:survey-detail": Access.PUBLIC,
    "api:survey-questions": Access.PUBLIC,
    "api:survey-statistics": Access.PUBLIC,
    "api:surveyresponse-list": Access.PARTNER,
    "api:visit-list": Access.PARTNER,
    "api:visit-detail": Access.PARTNER,
    "api:feedback-list": Access.PARTNER,
    "api:feedback-detail": Access.PARTNER,
    # Agreed findings are for everyone; drafts, and what partner keys see of excerpts, are
    # tested in tests/findings/test_api.py.
    "api:theme-list": Access.PUBLIC,
    "api:theme-detail": Access.PUBLIC,
    "api:finding-list": Access.PUBLIC,
    "api:finding-detail": Access.PUBLIC,
    "api:excerpt-list": Access.PARTNER,
    "api:excerpt-detail": Access.PARTNER,
    "api:figure-list": Access.PUBLIC,
    "api:figure-detail": Access.PUBLIC,
    # Report editions: a published edition's data release, manifest and API entry are for
    # everyone; drafts are 404 for everyone there (tests/findings/test_editions_data.py) and
    # only members see them in the API (test_editions_api.py).
    "findings:edition_data": Access.PUBLIC,
    "findings:edition_manifest": Access.PUBLIC,
    "api:report-list": Access.PUBLIC,
    "api:report-detail": Access.PUBLIC,
    "api:report-findings": Access.PUBLIC,
    # Search: read-only, for everyone, answering with what the caller may read.
    "api:search-list": Access.PUBLIC,
    # The admin is ADMIN automatically; these are the exceptions.
    "admin:login": Access.PUBLIC,
    "admin:logout": Access.POST_ONLY,
    # django-axes keeps its records itself: no one adds them by hand.
    "admin:axes_accessattempt_add": Access.NOBODY,
    "admin:axes_accesslog_add": Access.NOBODY,
    "admin:axes_accessfailurelog_add": Access.NOBODY,
    # The redaction log is the audit trail: administrators read it, nobody writes it by hand.
    "admin:mash_survey_redaction_add": Access.NOBODY,
    "admin:mash_survey_redaction_delete": Access.NOBODY,
}

#: Namespaces whose URLs need no entry in ACCESS.
NAMESPACE_ACCESS: dict[str, Access] = {"admin": Access.ADMIN}


def access_for(endpoint: Endpoint) -> Access | None:
    if endpoint.key in ACCESS:
        return ACCESS[endpoint.key]
    return NAMESPACE_ACCESS.get(endpoint.namespace)


# Sample values for path parameters: each takes the samples and the URL being filled in.
Sample = Callable[[Samples, Endpoint], str]


def _admin_object_id(samples: Samples, endpoint: Endpoint) -> str:
    """The pk of a real row of the model the admin view edits, quoted as the admin does."""
    model_admin = model_admin_of(endpoint.callback)
    if model_admin is None:
        raise LookupError(
            f"{endpoint.route} is not served by a ModelAdmin: give its parameters sample "
            "values in URL_PARAMETERS."
        )
    obj = model_admin.model._default_manager.order_by("pk").first()
    if obj is None:
        raise LookupError(
            f"There is no {model_admin.model._meta.label} for {endpoint.route}: create one "
            "in make_samples() in tests/security/samples.py."
        )
    return quote(obj.pk)


PARAMETERS: dict[str, Sample] = {
    "slug": lambda s, e: s.authority.slug,
    "code": lambda s, e: s.region.code,
    "gss_code": lambda s, e: s.authority.gss_code,
    "format": lambda s, e: "json",
    # A survey file's format.
    "fmt": lambda s, e: "csv",
    # An area's return to a survey.
    "area": lambda s, e: s.authority.slug,
    # The admin's.
    "object_id": _admin_object_id,
    "id": _admin_object_id,
    "app_label": lambda s, e: "areas",
    # The admin's catch-all: an admin page without its closing slash.
    "url": lambda s, e: "areas/region",
}


def _survey_slug(samples: Samples, endpoint: Endpoint) -> str:
    return samples.survey.slug


def _selection_pk(samples: Samples, endpoint: Endpoint) -> str:
    """A visit selection on the sample survey (made on first use)."""
    selection, _ = VisitSelection.objects.get_or_create(
        survey=samples.survey,
        local_authority=samples.authority,
        defaults={"reason": "Sample reason", "selected_by": samples.users[Role.STAFF]},
    )
    return str(selection.pk)


def _area_with_return(samples: Samples, endpoint: Endpoint) -> str:
    """The sample area, with a started return to the sample survey (made on first use)."""
    Response.objects.get_or_create(survey=samples.survey, local_authority=samples.authority)
    return samples.authority.slug


def _approved_visit(samples: Samples) -> Visit:
    """An approved visit to the sample area (made on first use): partner keys may see it."""
    visit = Visit.objects.filter(
        status=ReviewStatus.APPROVED, local_authorities=samples.authority
    ).first()
    if visit is None:
        visit = Visit.objects.create(
            visit_date=dt.date(2013, 2, 12),
            region=samples.region,
            model_seen=ModelSeen.MASH,
            status=ReviewStatus.APPROVED,
            approved_at=timezone.now(),
        )
        visit.local_authorities.set([samples.authority])
    return visit


def _approved_visit_pk(samples: Samples, endpoint: Endpoint) -> str:
    return str(_approved_visit(samples).pk)


def _approved_feedback_pk(samples: Samples, endpoint: Endpoint) -> str:
    """Approved feedback on the approved sample visit (made on first use)."""
    feedback, _ = DetailedFeedback.objects.get_or_create(
        visit=_approved_visit(samples),
        defaults={"status": ReviewStatus.APPROVED, "approved_at": timezone.now()},
    )
    return str(feedback.pk)


def _visit_pk(samples: Samples, endpoint: Endpoint) -> str:
    """The sample visit (it has detailed feedback; both are waiting for review)."""
    return str(samples.visit.pk)


def _draft_visit_pk(samples: Samples, endpoint: Endpoint) -> str:
    """A draft visit to the sample area with draft feedback (made on first use): its forms
    show rather than say it is read-only."""
    feedback = DetailedFeedback.objects.filter(
        status=ReviewStatus.DRAFT, visit__status=ReviewStatus.DRAFT
    ).first()
    if feedback is None:
        visit = Visit.objects.create(
            visit_date=dt.date(2013, 3, 5), region=samples.region, model_seen=ModelSeen.MASH
        )
        visit.local_authorities.set([samples.authority])
        feedback = DetailedFeedback.objects.create(visit=visit)
    return str(feedback.visit_id)


def _published_case_study_slug(samples: Samples, endpoint: Endpoint) -> str:
    """A published case study of the sample area (made on first use)."""
    case_study, created = CaseStudy.objects.get_or_create(
        slug="sample-published-case-study",
        defaults={
            "title": "Sample published case study",
            "model": CaseStudyModel.MASH,
            "summary": "Partners share information at the front door.",
            "status": CaseStudyStatus.PUBLISHED,
            "published_at": timezone.now(),
        },
    )
    if created:
        case_study.local_authorities.set([samples.authority])
    return case_study.slug


def _case_study_slug(status: str) -> Sample:
    """A case study of the sample area with `status` (made on first use)."""

    def sample(samples: Samples, endpoint: Endpoint) -> str:
        published = status in (CaseStudyStatus.PUBLISHED, CaseStudyStatus.WITHDRAWN)
        case_study, created = CaseStudy.objects.get_or_create(
            slug=f"sample-{status.replace('_', '-')}-case-study",
            defaults={
                "title": f"Sample case study ({status})",
                "model": CaseStudyModel.MASH,
                "summary": "Partners share information at the front door.",
                "status": status,
                "published_at": timezone.now() if published else None,
            },
        )
        if created:
            case_study.local_authorities.set([samples.authority])
        return case_study.slug

    return sample


def _published_section_pk(samples: Samples, endpoint: Endpoint) -> str:
    """A section of the published sample case study (made on first use)."""
    case_study = CaseStudy.objects.get(slug=_published_case_study_slug(samples, endpoint))
    section, _ = Section.objects.get_or_create(
        case_study=case_study,
        order=1,
        defaults={"heading": "How it works", "body": "Partners share information daily."},
    )
    return str(section.pk)


def _submitted_answer_pk(samples: Samples, endpoint: Endpoint) -> str:
    """A free-text answer in a submitted return of the sample area (made on first use)."""
    answer = Answer.objects.filter(
        question__kind=QuestionKind.FREE_TEXT, response__status=ResponseStatus.SUBMITTED
    ).first()
    if answer is None:
        survey = SurveyFactory.create(slug="sample-coded-survey", title="Sample coded survey")
        question = add_question(survey, "Q9", QuestionKind.FREE_TEXT, required=False)
        response = Response.objects.create(
            survey=survey,
            local_authority=samples.authority,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        answer = Answer.objects.create(
            response=response, question=question, text="Partners meet every morning."
        )
    return str(answer.pk)


def _theme(samples: Samples) -> Theme:
    """An active theme of the codebook (made on first use)."""
    theme, _ = Theme.objects.get_or_create(
        slug="sample-theme",
        defaults={"name": "Sample theme", "definition": "Passages about the sample."},
    )
    return theme


def _theme_slug(samples: Samples, endpoint: Endpoint) -> str:
    return _theme(samples).slug


def _excerpt_pk(samples: Samples, endpoint: Endpoint) -> str:
    """An excerpt of the approved sample visit's notes, coded to the sample theme (made on
    first use): it stands, so partner keys may see it."""
    visit = _approved_visit(samples)
    excerpt = Excerpt.objects.filter(visit=visit).first()
    if excerpt is None:
        notes = "Partners share information at the front door."
        Visit.objects.filter(pk=visit.pk).update(notes=notes)
        excerpt = Excerpt.objects.create(
            visit=visit,
            start=0,
            end=8,
            quote=notes[:8],
            source_version=visit.version,
            coded_at=timezone.now(),
        )
        Coding.objects.create(excerpt=excerpt, theme=_theme(samples), coded_at=timezone.now())
    return str(excerpt.pk)


def _agreed_finding_pk(samples: Samples, endpoint: Endpoint) -> str:
    """An agreed finding on the sample theme (made on first use)."""
    finding, _ = Finding.objects.get_or_create(
        headline="Sample agreed finding",
        defaults={
            "theme": _theme(samples),
            "statement": "Partners share early.",
            "status": FindingStatus.AGREED,
            "agreed_at": timezone.now(),
        },
    )
    return str(finding.pk)


def _draft_finding_pk(samples: Samples, endpoint: Endpoint) -> str:
    """A draft finding on the sample theme (made on first use): its forms show."""
    finding, _ = Finding.objects.get_or_create(
        headline="Sample draft finding",
        defaults={"theme": _theme(samples), "statement": "A statement."},
    )
    return str(finding.pk)


def _agreed_theme_slug(samples: Samples, endpoint: Endpoint) -> str:
    """The sample theme with an agreed finding (made on first use): its public page shows."""
    _agreed_finding_pk(samples, endpoint)
    return _theme(samples).slug


def _edition_slug(status: str) -> Sample:
    """A report edition with `status` (made on first use)."""

    def sample(samples: Samples, endpoint: Endpoint) -> str:
        edition, _ = ReportEdition.objects.get_or_create(
            slug=f"sample-{status.replace('_', '-')}-edition",
            defaults={
                "summary": "What the visits found.",
                "status": status,
                "published_at": None if status == EditionStatus.DRAFT else timezone.now(),
            },
        )
        return edition.slug

    return sample


_EDITION_URLS = {
    "edition_detail": EditionStatus.DRAFT,
    "edition_edit": EditionStatus.DRAFT,
    "edition_submit": EditionStatus.DRAFT,
    "edition_withdraw": EditionStatus.DRAFT,
    "edition_publish": EditionStatus.DRAFT,
    "edition_progress": EditionStatus.DRAFT,
    "edition_amend": EditionStatus.PUBLISHED,
    "edition_history": EditionStatus.DRAFT,
}

_FINDINGS_THEME_URLS = (
    "codebook_theme",
    "theme_edit",
    "theme_history",
    "theme_merge",
    "theme_retire",
    "theme_delete",
)
_FINDINGS_FINDING_URLS = (
    "finding",
    "finding_edit",
    "finding_evidence",
    "finding_history",
    "finding_agree",
    "finding_retire",
    "finding_reopen",
)


def _published_edition_slug(samples: Samples, endpoint: Endpoint) -> str:
    """An edition with the sample theme and its agreed finding, published (frozen) on first
    use."""
    from findings.editions.freeze import freeze
    from findings.models import EditionFinding, EditionTheme, ReportEdition

    edition = ReportEdition.objects.filter(slug="sample-edition").first()
    if edition is None:
        finding = Finding.objects.get(pk=_agreed_finding_pk(samples, endpoint))
        edition = ReportEdition.objects.create(slug="sample-edition", summary="A sample.")
        EditionTheme.objects.create(edition=edition, theme=finding.theme)
        EditionFinding.objects.create(edition=edition, finding=finding)
        freeze(edition, published_by=samples.users[Role.REVIEWER])
    return edition.slug


def _draft_edition_slug(samples: Samples, endpoint: Endpoint) -> str:
    """A draft edition (made on first use): staff preview it."""
    from findings.models import ReportEdition

    edition, _ = ReportEdition.objects.get_or_create(
        slug="sample-draft-edition", defaults={"summary": "A sample draft."}
    )
    return edition.slug


_EDITION_URL_PARAMETERS: dict[str, dict[str, Sample]] = {
    "findings:edition": {"edition": _published_edition_slug},
    "findings:edition_theme": {"edition": _published_edition_slug, "theme": _theme_slug},
    "findings:edition_manifest": {"edition": _published_edition_slug},
    "findings:edition_changes": {"edition": _published_edition_slug},
    "findings:edition_preview": {"slug": _draft_edition_slug},
}

URL_PARAMETERS: dict[str, dict[str, Sample]] = {
    **_EDITION_URL_PARAMETERS,
    "findings:report_download": {"report": lambda s, e: "themes"},
    "findings:report_theme_excerpts": {"slug": _theme_slug},
    "api:theme-detail": {"slug": _theme_slug},
    "api:figure-detail": {"key": lambda s, e: "visits-by-region"},
    "findings:figure": {"key": lambda s, e: "visits-by-region"},
    "findings:edition_pdf": {"edition": _draft_edition_slug},
    "api:finding-detail": {"pk": _agreed_finding_pk},
    "api:excerpt-detail": {"pk": _excerpt_pk},
    **{f"findings:{name}": {"slug": _theme_slug} for name in _FINDINGS_THEME_URLS},
    **{f"findings:{name}": {"pk": _draft_finding_pk} for name in _FINDINGS_FINDING_URLS},
    "findings:theme": {"slug": _agreed_theme_slug},
    "findings:edition_data": {"edition": _published_edition_slug},
    "api:report-detail": {"slug": _published_edition_slug},
    "api:report-findings": {"slug": _published_edition_slug},
    **{f"findings:{name}": {"slug": _edition_slug(st)} for name, st in _EDITION_URLS.items()},
    "findings:code_visit": {"pk": _approved_visit_pk},
    "findings:code_feedback": {"pk": _approved_feedback_pk, "field": lambda s, e: "barriers"},
    "findings:code_section": {"pk": _published_section_pk},
    "findings:code_answer": {"pk": _submitted_answer_pk},
    "findings:excerpt": {"pk": _excerpt_pk},
    "findings:excerpt_reanchor": {"pk": _excerpt_pk},
    "findings:excerpt_reconfirm": {"pk": _excerpt_pk},
    "findings:excerpt_clearance": {"pk": _excerpt_pk},
    "findings:excerpt_remove": {"pk": _excerpt_pk},
    "findings:excerpt_history": {"pk": _excerpt_pk},
    "case_studies:edit": {"slug": _case_study_slug(CaseStudyStatus.DRAFT)},
    "case_studies:history": {"slug": _case_study_slug(CaseStudyStatus.DRAFT)},
    "case_studies:redact": {"slug": _case_study_slug(CaseStudyStatus.DRAFT)},
    "case_studies:submit": {"slug": _case_study_slug(CaseStudyStatus.DRAFT)},
    "case_studies:review": {"slug": _case_study_slug(CaseStudyStatus.IN_REVIEW)},
    "case_studies:withdraw": {"slug": _case_study_slug(CaseStudyStatus.PUBLISHED)},
    "case_studies:detail": {"slug": _published_case_study_slug},
    "case_studies:pdf": {"slug": _published_case_study_slug},
    "api:casestudy-detail": {"slug": _published_case_study_slug},
    "api:visit-detail": {"pk": _approved_visit_pk},
    "api:feedback-detail": {"pk": _approved_feedback_pk},
    "surveys:detail": {"slug": _survey_slug},
    "surveys:return_not_started": {"slug": _survey_slug},
    "surveys:question_csv": {"slug": _survey_slug, "code": lambda s, e: "Q1"},
    "surveys:answers_by_area": {"slug": _survey_slug},
    "surveys:selection": {"slug": _survey_slug},
    "surveys:selection_add": {"slug": _survey_slug},
    "surveys:selection_remove": {"slug": _survey_slug, "pk": _selection_pk},
    "api:survey-detail": {"slug": _survey_slug},
    "api:survey-questions": {"slug": _survey_slug},
    "api:survey-statistics": {"slug": _survey_slug},
    "surveys:import_upload": {"slug": _survey_slug},
    "surveys:import_confirm": {"slug": _survey_slug},
    "surveys:import_batches": {"slug": _survey_slug},
    # A file's list of problems (none kept for this hash: members are sent to upload again).
    "surveys:import_problems": {"slug": _survey_slug, "sha256": lambda s, e: "0" * 64},
    "surveys:template": {"slug": _survey_slug},
    "surveys:export": {"slug": _survey_slug},
    "surveys:return_list": {"slug": _survey_slug},
    "surveys:return_detail": {"slug": _survey_slug},
    "surveys:return_edit": {"slug": _survey_slug},
    "surveys:return_check": {"slug": _survey_slug},
    "surveys:return_reopen": {"slug": _survey_slug},
    "surveys:data_quality": {"slug": _survey_slug},
    "surveys:data_quality_check": {"slug": _survey_slug},
    "surveys:return_history": {"slug": _survey_slug},
    "surveys:return_redact": {"slug": _survey_slug, "area": _area_with_return},
    "areas:region": {"slug": lambda s, e: s.region.slug},
    "visits:detail": {"pk": _visit_pk},
    "visits:submit": {"pk": _visit_pk},
    "visits:review": {"pk": _visit_pk},
    "visits:history": {"pk": _visit_pk},
    "visits:redact": {"pk": _visit_pk},
    "visits:feedback": {"pk": _visit_pk},
    "visits:feedback_submit": {"pk": _visit_pk},
    "visits:feedback_review": {"pk": _visit_pk},
    "visits:feedback_history": {"pk": _visit_pk},
    "visits:feedback_redact": {"pk": _visit_pk},
    "visits:edit": {"pk": _draft_visit_pk},
    "visits:autosave": {"pk": _draft_visit_pk},
    "visits:feedback_edit": {"pk": _draft_visit_pk},
    "visits:feedback_autosave": {"pk": _draft_visit_pk},
    "admin:view_on_site": {
        "content_type_id": lambda s, e: str(ContentType.objects.get_for_model(s.authority).pk),
        "object_id": lambda s, e: str(s.authority.pk),
    },
}

#: Query strings a URL needs to do its job (without one it refuses everyone).
QUERY_STRINGS: dict[str, str] = {
    # Without q the API refuses everyone (400); the page answers either way, so it searches.
    "api:search-list": "q=partners",
    "search": "q=partners",
    "admin:autocomplete": "app_label=areas&model_name=partneragency&field_name=local_authority",
}


def sample_url(endpoint: Endpoint, samples: Samples) -> str:
    """A URL of `endpoint` that points at real rows."""
    samplers = {**PARAMETERS, **URL_PARAMETERS.get(endpoint.key, {})}
    unknown = [param for param in endpoint.parameters if param not in samplers]
    if unknown:
        raise LookupError(
            f"{endpoint.key} ({endpoint.route}) takes the path parameter(s) {unknown}, "
            "which have no sample value: add them to PARAMETERS, or to URL_PARAMETERS for "
            "this URL, in tests/security/permission_matrix.py."
        )
    path = endpoint.path(
        {param: samplers[param](samples, endpoint) for param in endpoint.parameters}
    )
    query = QUERY_STRINGS.get(endpoint.key)
    return f"{path}?{query}" if query else path
