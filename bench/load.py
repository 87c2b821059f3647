"""Load: every public page, staff list and API list under concurrent load against `/healthz`,
at 1x and at 100x the demo data, side by side. Not part of `make test`.

usage: .venv/bin/python bench/load.py [--factor 100] [--seconds 4] [--connections 32]
           [--only NAMES] [--queries-only]
       (`make bench` runs it)

- `--only "API findings,API figures"` measures only the pages and lists whose names contain
  one of the comma-separated words (case does not matter: `--only api` is every API list),
  and leaves out the case study PDF; `--queries-only` counts queries without the load.

- The server is the service as deployed: gunicorn (2 sync workers, the service's settings,
  DEBUG off) on PostgreSQL at BENCH_DATABASE_URL (default
  postgres://postgres@127.0.0.1:5432/mash_bench; the database is dropped and made again).
  When no PostgreSQL server answers there, it runs on a throwaway SQLite file and says so:
  those figures are not the targets' kind.
- The load is wrk (Debian's `wrk`), 2 threads and 32 connections, asking for gzip as
  browsers do. Without wrk, the load figures are left out and the script says so.
- The data: the demo data, then the same database made `--factor` times bigger by
  `bench/scale.py` (100 surveys of the demo's returns, 3,700 visits, 600 case studies).
- Each figure is requests a second and its ratio to `/healthz` measured in the same run
  (the floor: a request that reads one row). Targets, printed beside the figures: public
  pages at 100x at least 0.5 of the floor, API lists 0.4, and nothing more than 1.5 times
  slower at 100x than at 1x; the deepest page of each API list no slower than 1.5 times its
  first; a stored case study PDF at least 0.5 of a static file of the same size.
- Query counts of every list at 1x and at 100x, from the Django test client in this
  process: they must not grow with the data.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
(ROOT / "var").mkdir(exist_ok=True)
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-load-", dir=ROOT / "var"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mash_bench"
SECRET_KEY = secrets.token_urlsafe(50)


def postgres_database(url: str) -> str | None:
    """Drop and make the database at `url`; None when no server answers there."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        admin = psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3
        )
    except psycopg.Error:
        return None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def choose_database() -> tuple[str, str]:
    url = postgres_database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    if url:
        return url, f"PostgreSQL ({urlsplit(url).path.lstrip('/')})"
    return (
        f"sqlite:///{WORKDIR / 'bench.sqlite3'}",
        "SQLite: no PostgreSQL server answered at BENCH_DATABASE_URL, so these figures are "
        "not the ones the targets are set for",
    )


DATABASE_URL, DATABASE_NAME = choose_database()
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["SECRET_KEY"] = SECRET_KEY
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_api_key.models import APIKey  # noqa: E402

from bench.scale import load_demo, scale_demo  # noqa: E402
from case_studies.models import CaseStudy  # noqa: E402
from mash_survey.api import router  # noqa: E402
from mash_survey.roles import PROJECT_STAFF  # noqa: E402
from surveys.models import Survey  # noqa: E402

FLOOR = "/healthz"


@dataclass
class Target:
    """A page or list measured, its kind (which target applies) and how to ask for it."""

    name: str
    path: str
    kind: str  # "public", "staff" or "api"
    rates: dict[int, float] = field(default_factory=dict)  # factor: requests a second
    floors: dict[int, float] = field(default_factory=dict)  # factor: the floor's, that run
    queries: dict[int, int] = field(default_factory=dict)  # factor: SQL queries


def targets() -> list[Target]:
    survey = Survey.objects.order_by("pk").first()
    study = CaseStudy.objects.filter(status="published").order_by("pk").first()
    assert survey is not None and study is not None, "the demo data has a survey and a study"
    answered = survey.responses.select_related("local_authority__region").first()
    assert answered is not None
    authority = answered.local_authority
    public = [
        ("home page", "/"),
        ("register", "/areas/"),
        ("a region", authority.region.get_absolute_url()),
        ("an authority", authority.get_absolute_url()),
        ("surveys", "/survey/"),
        ("survey statistics", survey.get_absolute_url()),
        ("case studies", "/case-studies/"),
        ("a case study", study.get_absolute_url()),
        ("findings report", "/findings/"),
        ("themes", "/findings/themes/"),
        ("editions", "/findings/editions/"),
        ("search", "/search/?q=information+sharing"),
        ("sitemap", "/sitemap.xml"),
    ]
    staff = [
        ("visits (staff)", "/visits/"),
        ("case studies (staff)", "/case-studies/manage/"),
        ("returns (staff)", f"/survey/{survey.slug}/returns/"),
        ("your work (staff)", "/your-work/"),
    ]
    api = [
        (f"API {name}", f"/api/v1/{name}/")
        for name, _, _ in router.registry
        if name != "search"  # a query, not a list of records
    ]
    return (
        [Target(n, p, "public") for n, p in public]
        + [Target(n, p, "staff") for n, p in staff]
        + [Target(n, p, "api") for n, p in api]
    )


@dataclass
class Credentials:
    session: str
    api_key: str

    def headers(self, kind: str) -> dict[str, str]:
        if kind == "staff":
            return {"Cookie": f"sessionid={self.session}"}
        if kind == "api":
            return {"Authorization": f"Api-Key {self.api_key}"}
        return {}


def credentials() -> Credentials:
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("bench-staff", password=secrets.token_hex(16))
    user.groups.add(Group.objects.get(name=PROJECT_STAFF))
    client = Client()
    client.force_login(user)
    _, key = APIKey.objects.create_key(name="bench", expiry_date=timezone.now() + timedelta(days=1))
    return Credentials(session=client.cookies["sessionid"].value, api_key=key)


def count_queries(target: Target, creds: Credentials) -> int:
    client = Client()
    headers = creds.headers(target.kind)
    if "Cookie" in headers:
        client.cookies["sessionid"] = creds.session
        headers = {}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target.path, headers=headers)
    assert response.status_code == 200, f"{target.path}: {response.status_code}"
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def chosen(pages: list[Target], only: str) -> list[Target]:
    """The pages whose names contain one of the comma-separated words of `only` (any case);
    all of them when it is blank."""
    words = [w.strip().lower() for w in only.split(",") if w.strip()]
    if not words:
        return pages
    picked = [t for t in pages if any(w in t.name.lower() for w in words)]
    if not picked:
        raise SystemExit(f"No page or list is named like {only!r}")
    return picked


# ----- The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(floor_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        "PYTHONPATH": str(ROOT),
        "BENCH_FLOOR_DIR": str(floor_dir),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_PARTNER": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "mash_survey.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            # gunicorn.conf.py replaces a worker after about 2,000 requests: a new one spends
            # its first seconds warming up WeasyPrint, which would be measured as load.
            "--max-requests",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the logs (gunicorn.conf.py writes them to stdout)
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + FLOOR, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer /healthz within 30 s")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> float:
    """Requests a second under load; 0 when any answer was not a 200."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in {"Accept-Encoding": "gzip", **headers}.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        print(f"    ! {url}: {out.strip().splitlines()[-3]}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def settle(base: str) -> None:
    """Wait until the workers have finished the requests a load left queued (wrk stops
    sending, not the server working): /healthz answered at once again."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        start = time.perf_counter()
        get(base + FLOOR, {})
        if time.perf_counter() - start < 0.05:
            return


def latency(url: str, headers: dict[str, str], repeat: int = 7) -> float:
    """Median seconds of one request at a time."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        status, _ = get(url, headers)
        samples.append(time.perf_counter() - start)
        assert status == 200, f"{url}: {status}"
    return median(samples)


# ----- One round: the same pages at one size of data -----------------------------------------


def measure(
    factor: int, pages: list[Target], creds: Credentials, args: argparse.Namespace
) -> dict[str, float]:
    """Fill in each target's figures at `factor`; the deepest-page and PDF figures."""
    for target in pages:
        target.queries[factor] = count_queries(target, creds)
    extra: dict[str, float] = {}
    if args.queries_only:
        return extra
    study = CaseStudy.objects.filter(status="published").order_by("pk").first()
    assert study is not None
    pdf_path = f"/case-studies/{study.slug}.pdf"
    floor_dir = WORKDIR / f"floor-{factor}"
    floor_dir.mkdir()
    pdf = Client().get(pdf_path)
    pdf_bytes = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content  # type: ignore[attr-defined]
    (floor_dir / "same-size.pdf").write_bytes(secrets.token_bytes(len(pdf_bytes)))
    with gunicorn(floor_dir) as base:
        for target in pages:
            status, _ = get(base + target.path, creds.headers(target.kind))
            assert status == 200, f"{target.path} answered {status} from gunicorn"
        for target in [t for t in pages if t.kind == "api"]:
            first = f"{base}{target.path}?page=1"
            counted = re.search(rb'"count":\s*(\d+)', get(first, creds.headers("api"))[1])
            last = max(1, -(-int(counted.group(1)) // 50)) if counted else 1
            if last > 1:
                deepest = f"{base}{target.path}?page={last}"
                extra[f"deepest/first {target.name}"] = latency(
                    deepest, creds.headers("api")
                ) / latency(first, creds.headers("api"))
        if shutil.which("wrk") is None:
            return extra

        def load(path: str, headers: dict[str, str]) -> float:
            rate = wrk(base + path, headers, args.seconds, args.connections)
            settle(base)
            return rate

        for target in pages:
            # The floor is measured beside each page: the machine's load drifts.
            target.floors[factor] = load(FLOOR, {})
            target.rates[factor] = load(target.path, creds.headers(target.kind))
        if args.only:
            return extra
        extra["static"] = load("/same-size.pdf", {})
        extra["pdf"] = load(pdf_path, {})
        extra["pdf size"] = len(pdf_bytes)
    return extra


# ----- Printing ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(pages: list[Target], extras: dict[int, dict[str, float]], factor: int) -> None:
    big = factor
    print(f"\nQueries per request (the same at 1x and {big}x: they must not grow with the data)")
    for t in pages:
        same = t.queries[1] == t.queries[big]
        print(f"  {t.name:28} {t.queries[1]:>4} {t.queries[big]:>4}  {verdict(same)}")

    if not pages[0].rates:
        print(
            "\nLoad figures left out: --queries-only, or wrk is not installed "
            "(apt-get install wrk)."
        )
        return
    print(
        f"\nUnder load (requests a second; x floor = against /healthz measured beside it; "
        f"slowdown = 1x rate / {big}x rate)"
    )
    print(
        f"  {'page or list':28} {'1x r/s':>8} {'x floor':>8} {f'{big}x r/s':>8} "
        f"{'x floor':>8} {'slowdown':>9}  targets"
    )
    wanted = {"public": 0.5, "api": 0.4, "staff": 0.0}
    for t in pages:
        small = t.rates[1] / t.floors[1]
        large = t.rates[big] / t.floors[big]
        slowdown = t.rates[1] / t.rates[big] if t.rates[big] else float("inf")
        floor_target = wanted[t.kind]
        checks = [f"slowdown <= 1.5 {verdict(slowdown <= 1.5)}"]
        if floor_target:
            checks.insert(0, f"x floor >= {floor_target} {verdict(large >= floor_target)}")
        print(
            f"  {t.name:28} {t.rates[1]:>8.0f} {small:>8.2f} {t.rates[big]:>8.0f} "
            f"{large:>8.2f} {slowdown:>9.2f}  {'; '.join(checks)}"
        )
    print("\nDeepest page of each API list against its first (one request at a time)")
    for key, ratio in sorted(extras[big].items()):
        if key.startswith("deepest/first"):
            name = key.removeprefix("deepest/first ")
            print(f"  {name:28} {ratio:>6.2f}  target <= 1.5 {verdict(ratio <= 1.5)}")
    for f in (1, big):
        e = extras[f]
        if "pdf" not in e:
            continue
        ratio = e["pdf"] / e["static"]
        print(
            f"\nCase study PDF ({e['pdf size'] / 1024:.0f} KB) at {f}x: {e['pdf']:.0f} r/s "
            f"against {e['static']:.0f} r/s for a static file of the same size: "
            f"{ratio:.2f}  target >= 0.5 {verdict(ratio >= 0.5)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: only the pages whose names contain one (no PDF)",
    )
    parser.add_argument("--queries-only", action="store_true", help="count queries, no load")
    args = parser.parse_args()
    print(f"Load: gunicorn, 2 workers, on {DATABASE_NAME}; wrk, {args.connections} connections")
    try:
        print(f"  loading the demo data: {load_demo():.0f} s")
        creds = credentials()
        pages = chosen(targets(), args.only)
        extras = {1: measure(1, pages, creds, args)}
        scaled = scale_demo(args.factor)
        print(f"  {scaled.describe()}")
        extras[args.factor] = measure(args.factor, pages, creds, args)
        report(pages, extras, args.factor)
    finally:
        connection.close()
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
