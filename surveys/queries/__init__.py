"""Reads of the survey shaped for pages, files and the API, one module a job. Every public name
is re-exported here, so `from surveys.queries import X` and `queries.X` work as before."""

from .history import AnswerChange, ReturnChange, response_history
from .imports import ImportBatchSummary, import_batch_list
from .returns import (
    AreaReturn,
    AreaStatus,
    SurveyReturn,
    area_return,
    area_statuses,
    free_text_answer_ids,
    question_codes,
    response_answers_by_code,
    response_list,
    response_list_for_api,
    response_values,
    returns_for_area,
)
from .selection import (
    VISITS_PLANNED_PER_REGION,
    RegionSelection,
    visit_selection_by_region,
    visit_selection_candidates,
    visit_selection_find,
)
from .statistics import (
    AreaAnswer,
    Bar,
    Distribution,
    Rate,
    ResponseRates,
    ReturnFilter,
    Statistics,
    answers_by_area,
    area_answers,
    region_choices,
    survey_statistics,
)
from .survey import survey_detail, survey_list, survey_questions

__all__ = [
    "VISITS_PLANNED_PER_REGION",
    "AnswerChange",
    "AreaAnswer",
    "AreaReturn",
    "AreaStatus",
    "Bar",
    "Distribution",
    "ImportBatchSummary",
    "Rate",
    "RegionSelection",
    "ResponseRates",
    "ReturnChange",
    "ReturnFilter",
    "Statistics",
    "SurveyReturn",
    "answers_by_area",
    "area_answers",
    "area_return",
    "area_statuses",
    "free_text_answer_ids",
    "import_batch_list",
    "question_codes",
    "region_choices",
    "response_answers_by_code",
    "response_history",
    "response_list",
    "response_list_for_api",
    "response_values",
    "returns_for_area",
    "survey_detail",
    "survey_list",
    "survey_questions",
    "survey_statistics",
    "visit_selection_by_region",
    "visit_selection_candidates",
    "visit_selection_find",
]
