"""Benchmarks: print figures measured side by side in one run. Not part of `make test`.

usage: .venv/bin/python bench/run.py   (or `make bench`)

Uses a throwaway SQLite database in a new folder under var/ (removed afterwards), never the
development one. `bench/editions.py` measures the report's editions.
"""

import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
(ROOT / "var").mkdir(exist_ok=True)
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from areas import maps  # noqa: E402
from areas.services import register_load  # noqa: E402


def timed(call: Callable[[], object], repeat: int = 20) -> float:
    """Median seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return median(samples)


def regions_map() -> object:
    return maps.build_map(
        layer="regions",
        title="bench",
        shapes={code: maps.ShapeSpec() for code in maps.region_outlines()},
    )


def england_authorities_map() -> object:
    return maps.build_map(
        layer="authorities",
        title="bench",
        shapes={code: maps.ShapeSpec() for code in maps.authority_outlines()},
    )


def cold(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        maps._drawn.cache_clear()
        maps._projected.cache_clear()
        return call()

    return run


def main() -> None:
    call_command("migrate", verbosity=0)
    register_load()
    client = Client()

    print("Maps: drawing from the outlines (cold) against the per-process cache (warm)")
    for name, build in (("9 regions", regions_map), ("152 authorities", england_authorities_map)):
        cold_s = timed(cold(build), repeat=5)
        warm_s = timed(build)
        print(
            f"  {name:<16} cold {cold_s * 1000:8.2f} ms   warm {warm_s * 1000:8.3f} ms   "
            f"cache saves {cold_s / warm_s:6.0f}x"
        )

    print("Pages and API (median of 20, test client, SQLite)")
    for url in (
        "/areas/",
        "/areas/regions/london/",
        "/api/v1/local-authorities/?page_size=500",
        "/api/v1/local-authorities/?page_size=500&format=csv",
    ):
        size = len(client.get(url).content)
        seconds = timed(partial(client.get, url))
        print(f"  {url:<52} {seconds * 1000:7.2f} ms  {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        main()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
