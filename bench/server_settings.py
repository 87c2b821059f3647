"""The settings `bench/load.py` runs gunicorn with: the service's own, plus one folder of
files served from the site's root by WhiteNoise, as static files are (the floor a stored PDF
is measured against)."""

import os

from mash_survey.settings import *  # noqa: F403

WHITENOISE_ROOT = os.environ["BENCH_FLOOR_DIR"]
