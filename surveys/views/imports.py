"""Files in and out, for project members: import returns (upload → preview → confirm), the
record of imports, blank templates and the returns as CSV or XLSX."""

from collections.abc import Callable
from pathlib import PurePath

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from mash_survey.access import POST, member_required, signed_in_user
from mash_survey.pagination import page_of
from mash_survey.spreadsheets import attachment, check_format, streamed_download

from ..exports import returns_sheets, template_csv, template_xlsx
from ..forms_files import ImportConfirmForm, ImportUploadForm
from ..imports import (
    PROBLEMS_SHOWN,
    ImportPlan,
    ImportRefusedError,
    ImportStaleError,
    Problem,
    UploadMissingError,
    import_problems_read,
    import_problems_store,
    import_upload_read,
    import_upload_store,
    seen_versions_from_token,
    seen_versions_token,
    survey_import_check,
    survey_import_confirm,
)
from ..models import Survey
from ..queries import import_batch_list, import_batch_summaries, survey_detail, survey_questions
from ..spreadsheets import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MB,
    UnreadableFileError,
)

#: What the upload page says a file may hold.
LIMITS = {
    "rows": MAX_ROWS,
    "columns": MAX_COLUMNS,
    "cell_chars": MAX_CELL_CHARS,
    "unpacked_mb": MAX_UNPACKED_BYTES // MB,
}


def _problems_message(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return (
        f"The selected file has {count:,} {noun}, so nothing was imported. Fix each one listed "
        "below, then upload the file again"
    )


def _upload_page(
    request: HttpRequest,
    survey: Survey,
    form: ImportUploadForm,
    problems: list[Problem] | None = None,
    file_name: str = "",
    *,
    more_problems: int = 0,
    sha256: str = "",
) -> HttpResponse:
    """The upload page; with `problems` (a file's, the first MAX_PROBLEMS; `more_problems`
    counts the rest), the first PROBLEMS_SHOWN of them and the whole list to download."""
    problems = problems or []
    count = len(problems) + more_problems
    if problems:
        form.add_error("file", _problems_message(count))
        import_problems_store(
            survey=survey, sha256=sha256, problems=problems, more_problems=more_problems
        )
    return render(
        request,
        "surveys/files/upload.html",
        {
            "survey": survey,
            "form": form,
            "questions": survey_questions(survey),
            "problems": problems[:PROBLEMS_SHOWN],
            "problem_count": count,
            "problems_not_shown": count - min(len(problems), PROBLEMS_SHOWN),
            "problems_sha256": sha256,
            "file_name": file_name,
            "limits": LIMITS,
        },
    )


@member_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a file; on upload, check all of it and show every problem or a preview."""
    survey = survey_detail(slug=slug)
    if request.method != "POST":
        return _upload_page(request, survey, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, survey, form)
    upload = form.cleaned_data["file"]
    file_name = PurePath(upload.name).name
    content = upload.read()
    try:
        plan = survey_import_check(survey=survey, file_name=file_name, content=content)
    except UnreadableFileError as exc:
        form.add_error("file", str(exc))
        return _upload_page(request, survey, form)
    if not plan.is_valid:
        return _refused_page(request, survey, file_name, plan.sha256, plan)
    import_upload_store(file_name=file_name, content=content)
    return _preview_page(request, plan)


def _refused_page(
    request: HttpRequest,
    survey: Survey,
    file_name: str,
    sha256: str,
    refused: ImportPlan | ImportRefusedError,
) -> HttpResponse:
    """The upload page listing a file's problems (found by a check, or at the confirmation)."""
    form = ImportUploadForm()
    form.cleaned_data = {}
    return _upload_page(
        request,
        survey,
        form,
        refused.problems,
        file_name,
        more_problems=refused.more_problems,
        sha256=sha256,
    )


def _preview_page(
    request: HttpRequest, plan: ImportPlan, changed: ImportStaleError | None = None
) -> HttpResponse:
    """What importing the file would change; with `changed`, after a confirmation refused
    because those returns were saved since the last preview."""
    confirm = ImportConfirmForm(
        initial={
            "sha256": plan.sha256,
            "file_name": plan.file_name,
            "seen": seen_versions_token(plan),
        }
    )
    return render(
        request,
        "surveys/files/preview.html",
        {
            "survey": plan.survey,
            "plan": plan,
            "confirm": confirm,
            "changed": changed.changed if changed else [],
        },
    )


@member_required(methods=POST)
def import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Import the upload the preview showed, as it was checked then (re-checked now)."""
    survey = survey_detail(slug=slug)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(UploadMissingError()))
        return redirect("surveys:import_upload", slug=survey.slug)
    file_name = form.cleaned_data["file_name"]
    sha256 = form.cleaned_data["sha256"]
    try:
        batch = survey_import_confirm(
            survey=survey,
            sha256=sha256,
            file_name=file_name,
            user=signed_in_user(request),
            seen_versions=seen_versions_from_token(
                form.cleaned_data["seen"], survey=survey, sha256=sha256
            ),
        )
    except UploadMissingError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:import_upload", slug=survey.slug)
    except ImportStaleError as exc:
        # Returns were saved since the preview: a fresh preview of the same upload, naming them.
        return _recheck(request, survey, sha256, file_name, exc)
    except ImportRefusedError as exc:
        # The survey changed since the preview, and the file no longer fits.
        return _refused_page(request, survey, file_name, sha256, exc)
    messages.success(
        request,
        f"{batch.file_name} was imported: {batch.created_count} new, "
        f"{batch.updated_count} updated and {batch.unchanged_count} unchanged returns.",
    )
    return redirect("surveys:import_batches", slug=survey.slug)


def _recheck(
    request: HttpRequest, survey: Survey, sha256: str, file_name: str, changed: ImportStaleError
) -> HttpResponse:
    """Check the kept upload again and show what it would change now."""
    try:
        content = import_upload_read(sha256=sha256, file_name=file_name)
        plan = survey_import_check(survey=survey, file_name=file_name, content=content)
    except (UploadMissingError, UnreadableFileError) as exc:
        messages.error(request, f"{changed} {exc}")
        return redirect("surveys:import_upload", slug=survey.slug)
    if not plan.is_valid:
        return _refused_page(request, survey, file_name, sha256, plan)
    return _preview_page(request, plan, changed)


@member_required
def import_problems(request: HttpRequest, slug: str, sha256: str) -> HttpResponse:
    """Every problem of a file checked for this survey, as CSV; back to the upload page if
    the list is no longer kept (a day after the check)."""
    survey = survey_detail(slug=slug)
    try:
        content = import_problems_read(survey=survey, sha256=sha256)
    except UploadMissingError:
        messages.error(request, "That list of problems has expired. Upload the file again")
        return redirect("surveys:import_upload", slug=survey.slug)
    return attachment(content, "csv", f"{survey.slug}-import-problems", audited=request)


@member_required
def import_batches(request: HttpRequest, slug: str) -> HttpResponse:
    survey = survey_detail(slug=slug)
    page = page_of(request, import_batch_list(survey))
    return render(
        request,
        "surveys/files/batches.html",
        {"survey": survey, "page": page, "batches": import_batch_summaries(page.object_list)},
    )


def _spreadsheet(
    slug: str,
    fmt: str,
    *,
    make: dict[str, Callable[[Survey], bytes]],
    suffix: str,
) -> HttpResponse:
    """A file about the survey, as CSV or XLSX, to download (private: it is not cached)."""
    survey = survey_detail(slug=slug)
    check_format(fmt)
    # A blank template: the survey's questions, which are public.
    return attachment(make[fmt](survey), fmt, f"{survey.slug}-{suffix}", audited=None)


@member_required
def template_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return _spreadsheet(
        slug, fmt, make={"csv": template_csv, "xlsx": template_xlsx}, suffix="template"
    )


@member_required
def returns_export(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    """Every return as CSV (sent as it is read) or XLSX, however many there are, in the
    same memory."""
    survey = survey_detail(slug=slug)
    check_format(fmt)
    sheets = returns_sheets(survey, questions_sheet=fmt == "xlsx")
    return streamed_download(fmt, f"{survey.slug}-returns", sheets, audited=request)
