"""A database restart underneath a running service costs only the requests in flight.

Each gunicorn worker keeps its database connection between requests (`CONN_MAX_AGE`). When
the server drops it (a restart, a failover, an idle timeout), the worker must not reuse it:
with `CONN_HEALTH_CHECKS` on (the default) Django checks a kept connection before the first
query of a request and opens a new one if it is dead. Staged here for real: a gunicorn worker
serves from the test database, and the test ends that worker's server connection with
`pg_terminate_backend`, which is what a restart does to every connection. PostgreSQL only:
SQLite has no server connection to lose.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PG = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _drop_other_connections() -> int:
    """What a server restart does to the service: its connections to the database end."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., str]]:
    servers: list[subprocess.Popen[bytes]] = []

    def start(*, health_checks: bool) -> str:
        port = _free_port()
        config = tmp_path / "gunicorn.conf.py"  # none of the service's worker hooks
        config.write_text("")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "60",
            "CONN_HEALTH_CHECKS": "true" if health_checks else "false",
        }
        server = subprocess.Popen(  # noqa: S603 (our own interpreter's gunicorn)
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "mash_survey.wsgi",
                "--config",
                str(config),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _status(url) == 200:
                    return url
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer /healthz within 30 s")

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


if PG:

    @pytest.mark.django_db(transaction=True)
    def test_after_the_database_drops_the_connection_the_next_request_succeeds(
        serve: Callable[..., str],
    ) -> None:
        url = serve(health_checks=True)
        assert _status(url) == 200

        assert _drop_other_connections() == 1, "the worker kept its connection"

        assert _status(url) == 200, "the dead connection was checked and replaced"
        assert _status(url) == 200

    @pytest.mark.django_db(transaction=True)
    def test_without_health_checks_a_dropped_connection_fails_one_request(
        serve: Callable[..., str],
    ) -> None:
        """Why the check is on by default: without it the worker reuses the dead connection
        once, that request fails, and Django then closes the connection it saw fail."""
        url = serve(health_checks=False)
        assert _status(url) == 200

        assert _drop_other_connections() == 1

        assert _status(url) == 503
        assert _status(url) == 200
