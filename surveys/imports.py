"""Importing survey returns from a file: check the whole file, preview, then write all or nothing.

`survey_import_check` reads and validates a file against the survey and works out what would
change, writing nothing. `survey_import_apply` checks it again inside a transaction (the data
may have changed since the preview) and writes every return, or raises and writes none.

A file has a `local_authority` column (ONS code, DfE code or exact name) and one column per
question code. An optional question's column may be left out: its answers are then left as
they are. The columns our export adds for people to read (`dfe_code`, `name`, `region`,
`status`) are accepted too, so an export imports back unchanged: `dfe_code` and `name` must
name the same area as `local_authority`, `region` is not read, and a row whose `status` is
Draft is not imported (a draft return is entered in the browser, not from a file).

Every problem is found in one pass and reported by row and column: each cell the reader could
not take (a formula, a control character, too much text: `surveys.spreadsheets`), each value
that does not fit its question, each rule broken. The first `MAX_PROBLEMS` are kept (the rest
counted), and a message quotes at most an excerpt of a cell (`values.excerpt`).

An import never overwrites what its preview did not show: the plan records the version of
every return it would touch (`seen_versions`), the preview carries them signed, and
`survey_import_apply` refuses with `ImportStaleError`, naming each return saved since, if any
differs when it runs.
"""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

from django.contrib.auth.models import User
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.utils import get_column_letter

from areas.models import LocalAuthority
from mash_survey import audit, history, search
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.models import AuditKind
from mash_survey.spreadsheets import write_csv

from .models import Answer, ImportBatch, Question, Response, ResponseStatus, Survey
from .services import save_return, stored_value
from .spreadsheets import BAD_CELL, CellProblem, Sheet, read_sheet
from .values import AnswerError, AnswerValue, excerpt, parse_answer

logger = logging.getLogger(__name__)

AREA_COLUMN = "local_authority"
#: Rows whose first cell starts with this are notes (the template's allowed-values row).
NOTE_PREFIX = "#"
#: Columns the export adds after local_authority, for people to read.
DFE_CODE_COLUMN = "dfe_code"
NAME_COLUMN = "name"
REGION_COLUMN = "region"
STATUS_COLUMN = "status"
EXTRA_COLUMNS = (DFE_CODE_COLUMN, NAME_COLUMN, REGION_COLUMN, STATUS_COLUMN)

NEW = "new"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"  # a Draft row: named in the preview, never written

#: Problems kept to list on the page and in its CSV (more are counted, not kept), so a file
#: with a problem in every cell cannot fill the memory. A survey file of 152 areas and 60
#: questions has 9,120 answers.
MAX_PROBLEMS = 10_000


@dataclass(frozen=True)
class Problem:
    row: int | None  # the file's row number (1 is the header), None for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class RowPlan:
    row: int
    local_authority: LocalAuthority
    values: dict[Question, AnswerValue]
    change: str = ""  # NEW, UPDATED, UNCHANGED or SKIPPED
    #: For an updated return: the codes of the questions whose answers change.
    changed_codes: list[str] = field(default_factory=list)
    #: For an updated return: it is a draft now, and the import submits it.
    submits_draft: bool = False


@dataclass
class ImportPlan:
    survey: Survey
    file_name: str
    sha256: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Problems found beyond the first MAX_PROBLEMS: counted, not kept.
    more_problems: int = 0
    #: The version of each return the import would write or leave as it is, by local
    #: authority id (0: the area has no return yet), as the check found them.
    seen_versions: dict[int, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def add_problem(self, row: int | None, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))
        else:
            self.more_problems += 1

    def count(self, change: str) -> int:
        return sum(1 for row in self.rows if row.change == change)

    def _rows(self, change: str) -> list[RowPlan]:
        return sorted(
            (r for r in self.rows if r.change == change), key=lambda r: r.local_authority.name
        )

    @property
    def new(self) -> list[RowPlan]:
        return self._rows(NEW)

    @property
    def updated(self) -> list[RowPlan]:
        return self._rows(UPDATED)

    @property
    def unchanged(self) -> list[RowPlan]:
        return self._rows(UNCHANGED)

    @property
    def skipped(self) -> list[RowPlan]:
        return self._rows(SKIPPED)

    @property
    def changes_anything(self) -> bool:
        return any(row.change in (NEW, UPDATED) for row in self.rows)


class ImportRefusedError(ServiceError):
    """The file has problems; nothing was written. `problems` lists them (the first
    MAX_PROBLEMS; `more_problems` counts the rest)."""

    def __init__(self, problems: list[Problem], more_problems: int = 0) -> None:
        self.problems = problems
        self.more_problems = more_problems
        count = len(problems) + more_problems
        super().__init__(
            f"The file has {count:,} problem{'s' if count != 1 else ''} and nothing was imported. "
            f"Fix {'it' if count == 1 else 'them'} and import the file again."
        )


class ImportStaleError(ServiceError):
    """Returns the import would write were saved since its preview; nothing was written.
    `changed` lists their areas, by name."""

    def __init__(self, changed: list[LocalAuthority]) -> None:
        self.changed = changed
        count = len(changed)
        names = ", ".join(authority.name for authority in changed)
        super().__init__(
            f"{count:,} return{'s were' if count != 1 else ' was'} changed after you checked "
            f"the file, so nothing was imported: {names}. Check the file again to see what "
            "importing it would change now"
        )


class UploadMissingError(ServiceError):
    """The upload a preview named is not stored (already imported, or expired)."""

    def __init__(self) -> None:
        super().__init__(
            "That upload has already been imported or has expired. Upload the file again."
        )


def _area_index() -> dict[str, LocalAuthority]:
    """Every way a file may name an area: both ONS codes, the DfE code, the name (any case)."""
    index: dict[str, LocalAuthority] = {}
    for authority in LocalAuthority.objects.all():
        for key in (
            authority.gss_code,
            authority.gss_code_before_april_2013,
            authority.dfe_code,
            authority.name,
        ):
            if key:
                index[key.casefold()] = authority
    return index


@dataclass
class _Columns:
    """What each column of the header holds."""

    questions: dict[int, Question] = field(default_factory=dict)
    area: int | None = None
    extra: dict[str, int] = field(default_factory=dict)  # dfe_code, name, region, status
    unnamed: list[int] = field(default_factory=list)


def _read_header(
    header: list[str], row: int, questions: list[Question], plan: ImportPlan
) -> _Columns:
    by_code = {q.code.casefold(): q for q in questions}
    columns = _Columns()
    seen: set[str] = set()
    for index, name in enumerate(header):
        if name is BAD_CELL:
            continue  # reported by the reader; the column's cells are not read
        key = name.casefold()
        if not name:
            columns.unnamed.append(index)
            continue
        if key in seen:
            plan.add_problem(row, excerpt(name), "this column appears twice; keep one")
            continue
        seen.add(key)
        if key == AREA_COLUMN:
            columns.area = index
        elif key in by_code:
            columns.questions[index] = by_code[key]
        elif key in EXTRA_COLUMNS:
            columns.extra[key] = index
        else:
            codes = ", ".join(q.code for q in questions)
            plan.add_problem(
                row,
                excerpt(name),
                f"unknown column; the columns are {AREA_COLUMN} and the question codes "
                f"{codes}. Rename it to one of them or delete it",
            )
    if columns.area is None:
        plan.add_problem(
            row,
            AREA_COLUMN,
            "add a local_authority column with each area's ONS code, DfE code or name",
        )
    present = set(columns.questions.values())
    for question in questions:
        if question.required and question not in present:
            plan.add_problem(
                row,
                question.code,
                "add this required question's column, with an answer in every row",
            )
    return columns


class _CellProblems:
    """The reader's problems with cells, added to the plan row by row in file order, each
    under its column's heading (or letter)."""

    def __init__(self, sheet: Sheet, plan: ImportPlan, header_row: int, header: list[str]) -> None:
        self.problems = sheet.problems
        self.more = sheet.more_problems
        self.plan = plan
        self.next = 0
        self.header_row, self.header = header_row, header

    def _column(self, problem: CellProblem) -> str:
        if problem.row != self.header_row and problem.column < len(self.header):
            name = self.header[problem.column]
            if name and name is not BAD_CELL:
                return excerpt(name)
        return f"column {get_column_letter(problem.column + 1)}"

    def up_to(self, row: int) -> None:
        """Add the problems of every row up to `row`."""
        while self.next < len(self.problems) and self.problems[self.next].row <= row:
            problem = self.problems[self.next]
            self.plan.add_problem(problem.row, self._column(problem), problem.message)
            self.next += 1

    def rest(self) -> None:
        self.up_to(2**31)
        self.plan.more_problems += self.more
        self.more = 0


def survey_import_check(*, survey: Survey, file_name: str, content: bytes) -> ImportPlan:
    """Validate a whole file and work out what importing it would change. Writes nothing.

    Raises UnreadableFileError when the file as a whole cannot be read; otherwise returns a
    plan whose `problems` list every row and column to fix (empty when the file is good).
    """
    plan = ImportPlan(
        survey=survey, file_name=file_name, sha256=hashlib.sha256(content).hexdigest()
    )
    sheet = read_sheet(file_name, content)
    questions = list(survey.questions.prefetch_related("choices").order_by("order"))
    choice_values = {q.pk: [c.value for c in q.choices.all()] for q in questions}

    numbered = sheet.numbered()
    header_row, header = numbered[0]
    cell_problems = _CellProblems(sheet, plan, header_row, header)
    cell_problems.up_to(header_row)
    columns = _read_header(header, header_row, questions, plan)
    if columns.area is None:
        cell_problems.rest()
        return plan  # no row can be matched to an area: the header's and the cells' problems

    areas = _area_index()
    seen_areas: dict[int, int] = {}
    for row_number, row in numbered[1:]:
        cell_problems.up_to(row_number)
        if row[0].startswith(NOTE_PREFIX):
            continue
        cells = row + [""] * (len(header) - len(row))
        if len(row) > len(header) and any(row[len(header) :]):
            plan.add_problem(
                row_number,
                "",
                "this row has more cells than the header has columns; give each column "
                "a heading or delete the extra cells",
            )
        for index in columns.unnamed:
            if cells[index]:
                plan.add_problem(
                    row_number,
                    f"column {get_column_letter(index + 1)}",
                    "this column has no heading; add its question code in row 1 or "
                    "delete the column",
                )
        authority = _row_area(row_number, cells, columns, areas, seen_areas, plan)
        is_draft = _row_is_draft(row_number, cells, columns, plan)
        if is_draft:
            if authority is not None:
                plan.rows.append(
                    RowPlan(row=row_number, local_authority=authority, values={}, change=SKIPPED)
                )
            continue

        values: dict[Question, AnswerValue] = {}
        for index, question in columns.questions.items():
            cell = cells[index]
            if cell is BAD_CELL:
                continue  # reported by the reader
            try:
                value = parse_answer(question, cell, choice_values[question.pk])
            except AnswerError as exc:
                plan.add_problem(row_number, question.code, _without_code(exc))
                continue
            if value.is_empty and question.required:
                plan.add_problem(
                    row_number, question.code, "this question is required; enter an answer"
                )
            values[question] = value
        if authority is not None:
            plan.rows.append(RowPlan(row=row_number, local_authority=authority, values=values))
    cell_problems.rest()
    if not plan.rows and plan.is_valid:
        plan.add_problem(None, "", "the file has a header row but no returns; add a row per area")
    if not plan.is_valid:
        plan.rows = []
        return plan
    _classify(plan)
    return plan


def _row_area(
    row_number: int,
    cells: list[str],
    columns: _Columns,
    areas: dict[str, LocalAuthority],
    seen_areas: dict[int, int],
    plan: ImportPlan,
) -> LocalAuthority | None:
    """The area a row is for, or None (with a problem recorded) when it names none or a
    duplicate."""
    assert columns.area is not None
    area_cell = cells[columns.area]
    if area_cell is BAD_CELL:
        return None  # reported by the reader
    if not area_cell:
        plan.add_problem(row_number, AREA_COLUMN, "enter the area's ONS code, DfE code or name")
        return None
    authority = areas.get(area_cell.casefold())
    if authority is None:
        plan.add_problem(
            row_number,
            AREA_COLUMN,
            f"'{excerpt(area_cell)}' is not a local authority in the register; use its ONS "
            "code (such as E08000037), DfE code (such as 390) or exact name",
        )
        return None
    if authority.pk in seen_areas:
        plan.add_problem(
            row_number,
            AREA_COLUMN,
            f"{authority.name} is already in row {seen_areas[authority.pk]}; keep one row per area",
        )
        return None
    seen_areas[authority.pk] = row_number
    for column, expected in (
        (DFE_CODE_COLUMN, authority.dfe_code),
        (NAME_COLUMN, authority.name),
    ):
        index = columns.extra.get(column)
        given = cells[index] if index is not None else ""
        if given and given.casefold() != expected.casefold():
            plan.add_problem(
                row_number,
                column,
                f"'{excerpt(given)}' does not match local_authority '{excerpt(area_cell)}' "
                f"({authority.name}, DfE code {authority.dfe_code}); correct one of them "
                f"or empty the {column} cell",
            )
    return authority


def _row_is_draft(row_number: int, cells: list[str], columns: _Columns, plan: ImportPlan) -> bool:
    index = columns.extra.get(STATUS_COLUMN)
    status = cells[index].casefold() if index is not None else ""
    if status in ("", ResponseStatus.SUBMITTED.value):
        return False
    if status == ResponseStatus.DRAFT.value:
        return True
    plan.add_problem(
        row_number,
        STATUS_COLUMN,
        "enter Submitted, or Draft for a row that is not to be imported, or leave it empty",
    )
    return False


def _without_code(exc: AnswerError) -> str:
    message = str(exc)
    return message.split(": ", 1)[1] if ": " in message else message


def _classify(plan: ImportPlan) -> None:
    """Mark each row new, updated or unchanged against what is stored."""
    responses = {
        r.local_authority_id: r
        for r in Response.objects.filter(
            survey=plan.survey, local_authority__in=[row.local_authority for row in plan.rows]
        )
    }
    stored: dict[int, dict[int, AnswerValue]] = {}
    answers = (
        Answer.objects.filter(response__in=responses.values())
        .select_related("question", "choice")
        .prefetch_related("choices")
    )
    for answer in answers:
        multiple = [c.value for c in answer.choices.all()]
        stored.setdefault(answer.response_id, {})[answer.question_id] = stored_value(
            answer, multiple
        )
    empty = AnswerValue()
    for row in plan.rows:
        if row.change == SKIPPED:
            continue
        response = responses.get(row.local_authority.pk)
        plan.seen_versions[row.local_authority.pk] = response.version if response else 0
        if response is None:
            row.change = NEW
            continue
        current = stored.get(response.pk, {})
        # A question whose column the file leaves out is not in `values`: left as it is.
        row.changed_codes = [
            q.code
            for q, value in sorted(row.values.items(), key=lambda item: item[0].order)
            if current.get(q.pk, empty) != value
        ]
        row.submits_draft = response.status != ResponseStatus.SUBMITTED
        row.change = UPDATED if row.changed_codes or row.submits_draft else UNCHANGED


@transaction.atomic
def survey_import_apply(
    *,
    survey: Survey,
    file_name: str,
    content: bytes,
    user: User | None,
    seen_versions: Mapping[int, int] | None = None,
) -> ImportBatch:
    """Import a file: every return it names is created or updated as submitted, or none is.

    `seen_versions` are the versions of the returns as the file's check found them
    (`ImportPlan.seen_versions`): if any return was saved since, or one was started for an
    area that had none, ImportStaleError names them and nothing is written. Raises
    ImportRefusedError (writing nothing) if the file has any problem, and UnreadableFileError
    if it cannot be read at all.
    """
    # Lock the survey's returns so a concurrent import or edit waits for this one (PostgreSQL).
    list(Response.objects.select_for_update().filter(Q(survey=survey)).values_list("pk"))
    if seen_versions is not None:
        _refuse_changed_returns(survey, seen_versions)
    plan = survey_import_check(survey=survey, file_name=file_name, content=content)
    if not plan.is_valid:
        raise ImportRefusedError(plan.problems, plan.more_problems)
    if seen_versions is not None:
        # The same file checks the same rows; any the preview did not show is refused too.
        unseen = [a for a in plan.seen_versions if a not in seen_versions]
        if unseen:
            raise ImportStaleError(list(LocalAuthority.objects.filter(pk__in=unseen)))
    batch = ImportBatch.objects.create(
        survey=survey,
        imported_by=user,
        file_name=file_name[:255],
        sha256=plan.sha256,
        created_count=plan.count(NEW),
        updated_count=plan.count(UPDATED),
        unchanged_count=plan.count(UNCHANGED),
    )
    with search.deferred():  # each return indexed once, not after each of its answers
        _write_rows(plan, batch=batch, user=user, seen_versions=seen_versions)
    audit.record(
        AuditKind.IMPORTED,
        user=user,
        target=batch,
        detail={
            "survey": survey.slug,
            "file": file_name[:255],
            "sha256": plan.sha256,
            "created": batch.created_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
        },
    )
    return batch


def _write_rows(
    plan: ImportPlan,
    *,
    batch: ImportBatch,
    user: User | None,
    seen_versions: Mapping[int, int] | None,
) -> None:
    survey, now = plan.survey, timezone.now()
    reason = f"Imported from {batch.file_name}"
    for row in plan.rows:
        if row.change == NEW:
            response = Response(
                survey=survey,
                local_authority=row.local_authority,
                status=ResponseStatus.SUBMITTED,
                submitted_at=now,
                entered_by=user,
                import_batch=batch,
            )
            try:
                # Someone starting this area's return at this moment: the constraint decides.
                with transaction.atomic():
                    save_return(response, user=user, reason=reason, values=row.values)
            except IntegrityError:
                raise ImportStaleError([row.local_authority]) from None
        elif row.change == UPDATED:
            response = Response.objects.get(survey=survey, local_authority=row.local_authority)
            seen = None if seen_versions is None else seen_versions[row.local_authority.pk]
            try:
                history.claim_version(response, seen_version=seen)
            except StaleEditError:
                raise ImportStaleError([row.local_authority]) from None
            response.status = ResponseStatus.SUBMITTED
            response.submitted_at = response.submitted_at or now
            response.import_batch = batch
            save_return(response, user=user, reason=reason, values=row.values)


def _refuse_changed_returns(survey: Survey, seen_versions: Mapping[int, int]) -> None:
    """Raise ImportStaleError naming every area whose return is not at the version seen."""
    current = dict(
        Response.objects.filter(survey=survey).values_list("local_authority_id", "version")
    )
    changed = [pk for pk, seen in seen_versions.items() if current.get(pk, 0) != seen]
    if changed:
        raise ImportStaleError(list(LocalAuthority.objects.filter(pk__in=changed).order_by("name")))


#: Signs the versions a preview showed, so the confirmation cannot claim others.
_SEEN_SALT = "surveys.imports.seen_versions"


def seen_versions_token(plan: ImportPlan) -> str:
    """The plan's survey, file and return versions, signed, for the preview's confirm form."""
    return signing.dumps(
        {
            "survey": plan.survey.pk,
            "sha256": plan.sha256,
            "versions": [[pk, version] for pk, version in sorted(plan.seen_versions.items())],
        },
        salt=_SEEN_SALT,
        compress=True,
    )


def seen_versions_from_token(token: str, *, survey: Survey, sha256: str) -> dict[int, int]:
    """The versions a preview of this file for this survey showed, or UploadMissingError if
    the token was not made by a preview of it (or is older than an upload is kept)."""
    try:
        data = signing.loads(token, salt=_SEEN_SALT, max_age=UPLOAD_KEPT_FOR)
        if data["survey"] != survey.pk or data["sha256"] != sha256:
            raise UploadMissingError
        return {int(pk): int(version) for pk, version in data["versions"]}
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UploadMissingError from None


# ----- Keeping an upload between the preview and the confirmation ----------------------------
#
# The preview page carries only the file's SHA-256 and name; the content waits in the default
# storage (MEDIA_ROOT) under imports/<sha256>.<csv|xlsx>. Nothing the browser sends back is
# trusted: the confirmation re-reads the stored file and checks its hash before importing it.

UPLOAD_FOLDER = "imports"
#: An upload nobody confirmed is deleted when a later upload is stored this long after it.
UPLOAD_KEPT_FOR = timedelta(days=1)


def _upload_path(*, sha256: str, file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise UploadMissingError
    if suffix not in (".csv", ".xlsx"):
        raise UploadMissingError
    return f"{UPLOAD_FOLDER}/{sha256}{suffix}"


def import_upload_store(*, file_name: str, content: bytes) -> str:
    """Keep a checked upload until it is confirmed; returns its SHA-256."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = _upload_path(sha256=sha256, file_name=file_name)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    _delete_old_uploads()
    return sha256


def import_upload_read(*, sha256: str, file_name: str) -> bytes:
    """The stored upload with this hash, or UploadMissingError."""
    path = _upload_path(sha256=sha256, file_name=file_name)
    if not default_storage.exists(path):
        raise UploadMissingError
    with default_storage.open(path, "rb") as stored:
        content: bytes = stored.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise UploadMissingError
    return content


def import_upload_delete(*, sha256: str, file_name: str) -> None:
    default_storage.delete(_upload_path(sha256=sha256, file_name=file_name))


def _delete_old_uploads() -> None:
    try:
        _, names = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except OSError:  # deleted by another request meanwhile
            logger.debug("Could not delete the old upload %s", path)


def survey_import_confirm(
    *,
    survey: Survey,
    sha256: str,
    file_name: str,
    user: User | None,
    seen_versions: Mapping[int, int],
) -> ImportBatch:
    """Import an upload kept since its preview, then delete it.

    Raises UploadMissingError if it is no longer stored; ImportStaleError (writing nothing,
    keeping the upload) if a return changed since the preview (`seen_versions`); and
    ImportRefusedError (writing nothing, keeping the upload) if the file no longer fits the
    survey.

    Confirmations of one survey go one at a time (its row is locked; SQLite's write lock does
    the same), and the upload is deleted before the lock is let go: of two confirmations of
    one upload sent at once (a double click, two tabs), the second finds it gone and is told
    so, rather than importing it again.
    """
    with transaction.atomic():
        list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))
        content = import_upload_read(sha256=sha256, file_name=file_name)
        batch = survey_import_apply(
            survey=survey,
            file_name=file_name,
            content=content,
            user=user,
            seen_versions=seen_versions,
        )
        import_upload_delete(sha256=sha256, file_name=file_name)
    return batch


# ----- The whole list of problems, to download -------------------------------------------------
#
# The page lists the first PROBLEMS_SHOWN problems; every one kept (MAX_PROBLEMS) goes into a
# CSV stored beside the uploads, under the survey and the file's hash, and deleted like them.

#: Problems listed on the page; the rest are counted there and in the CSV.
PROBLEMS_SHOWN = 100


def _problems_path(*, survey: Survey, sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise UploadMissingError
    return f"{UPLOAD_FOLDER}/problems-{survey.pk}-{sha256}.csv"


def problems_csv(problems: list[Problem], more_problems: int = 0) -> bytes:
    """The problems as a spreadsheet: row, column, what to fix."""
    rows: list[list[str | int | None]] = [["Row", "Column", "What to fix"]]
    rows += [
        [
            problem.row or "Whole file",
            problem.column,
            problem.message[:1].upper() + problem.message[1:],
        ]
        for problem in problems
    ]
    if more_problems:
        rows.append(
            [
                "",
                "",
                f"And {more_problems:,} more, not listed: fix these, then check the file again "
                "to list the rest",
            ]
        )
    return write_csv(rows)


def import_problems_store(
    *, survey: Survey, sha256: str, problems: list[Problem], more_problems: int = 0
) -> None:
    """Keep the whole list of a file's problems to download (replacing an earlier list)."""
    path = _problems_path(survey=survey, sha256=sha256)
    default_storage.delete(path)
    default_storage.save(path, ContentFile(problems_csv(problems, more_problems)))
    _delete_old_uploads()


def import_problems_read(*, survey: Survey, sha256: str) -> bytes:
    """The list kept for this survey and file, or UploadMissingError."""
    path = _problems_path(survey=survey, sha256=sha256)
    if not default_storage.exists(path):
        raise UploadMissingError
    with default_storage.open(path, "rb") as stored:
        content: bytes = stored.read()
    return content
