"""Publishing runs as a job: rendering and storing every file of a long edition (its pages,
PDF and data release) takes longer than a request should.

With `REDIS_URL` set, `publish_in_background` puts the job on the `editions` queue of that
Redis (rq, run by django-rq's `manage.py rqworker editions`); without it (`make run`, the
tests) the job runs at once in the request, so no extra service is needed.

The job (`run_freeze`) runs the checklist again (the data may have moved since the reviewer
saw it pass), marks the edition RUNNING, keeps `freeze_progress` current from
`freeze.freeze`'s progress callback, and on any failure marks it FAILED with a short message:
`freeze.freeze` publishes nothing unless it finishes, so the edition stays in review and a
reviewer can try again from the progress page.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from redis import Redis
from rq import Queue

from ..models import FreezeState, ReportEdition
from . import checklist
from .freeze import freeze

logger = logging.getLogger(__name__)

QUEUE = "editions"
#: The longest a publishing job may run before rq stops it (seconds).
JOB_TIMEOUT = 30 * 60
DONE_MESSAGE = "Published"


def queue() -> Queue | None:
    """The editions queue on the configured Redis, or None when there is none."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    return Queue(QUEUE, connection=Redis.from_url(url))


class ChecklistFailedError(Exception):
    """Something the checklist blocks on appeared between asking to publish and the job."""


def publish_in_background(edition: ReportEdition, user: User) -> None:
    """Run the freeze job for `edition`, published by `user`:
    queued when Redis is configured, otherwise at once."""
    jobs = queue()
    if jobs is None:
        run_freeze(edition.pk, user.pk)
    else:
        jobs.enqueue(run_freeze, edition.pk, user.pk, job_timeout=JOB_TIMEOUT)


def _note(edition_pk: int, state: str, progress: str) -> None:
    ReportEdition.objects.filter(pk=edition_pk).update(
        freeze_state=state, freeze_progress=progress[:200]
    )


def run_freeze(edition_pk: int, user_pk: int) -> None:
    """The job: freeze the edition, noting how far it got and whether it failed."""
    _note(edition_pk, FreezeState.RUNNING, "Starting")

    def progress(text: str) -> None:
        _note(edition_pk, FreezeState.RUNNING, text)

    try:
        edition = ReportEdition.objects.get(pk=edition_pk)
        user = User.objects.get(pk=user_pk)
        # The data may have moved since the reviewer saw the checklist pass.
        errors = checklist.check(edition).errors
        if errors:
            raise ChecklistFailedError(
                f"The checklist now finds {len(errors)} problem{'s' if len(errors) != 1 else ''}"
                f" to fix first, such as: {errors[0].message}"
            )
        freeze(edition, published_by=user, progress=progress)
    except Exception as exc:  # any failure is the reviewer's to see, and nothing is published
        logger.exception("Publishing the edition %s failed", edition_pk)
        message = str(exc) if isinstance(exc, ChecklistFailedError) else repr(exc)
        _note(edition_pk, FreezeState.FAILED, message)
        return
    _note(edition_pk, FreezeState.NONE, DONE_MESSAGE)
