"""gunicorn reads this file from the directory it starts in (the Dockerfile's and
docker-compose's `gunicorn mash_survey.wsgi …` run from /app). Settings given on the command
line (bind, workers, timeout) still apply; this file only adds what a command line cannot."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Each new worker imports WeasyPrint and makes a one-line PDF before it takes requests,
    so the first visitor to ask for a PDF does not wait seconds for the library to load."""
    from mash_survey.pdf import warm

    try:
        warm()
    except Exception:  # a PDF problem must not stop the site from serving its pages
        worker.log.exception("Could not warm up WeasyPrint; the first PDF will be slower.")
