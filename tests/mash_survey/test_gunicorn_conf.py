"""gunicorn.conf.py: gunicorn's settings from the environment, with the documented defaults,
and its own log lines as JSON on standard output."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from gunicorn.config import Config

ROOT = Path(settings.BASE_DIR)
CONF = ROOT / "gunicorn.conf.py"
VARIABLES = (
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "DEBUG",
)


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    """The file read as gunicorn reads it (each known setting set, and so checked, on its
    Config) in an environment holding only `env` of the variables it reads."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(monkeypatch)

    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == 3
    assert config.timeout == 60
    assert config.graceful_timeout == 30
    assert config.keepalive == 5
    assert config.max_requests == 2000
    assert config.max_requests_jitter == 200
    assert config.capture_output is True
    assert config.accesslog is None, "Django writes the access line"
    assert config.errorlog == "-"
    assert config.loglevel == "info"
    handler = config.logconfig_dict["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stdout"
    assert handler["formatter"] == "json"


def test_each_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:9000",
        WEB_CONCURRENCY="5",
        GUNICORN_TIMEOUT="90",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_KEEPALIVE="75",
        GUNICORN_MAX_REQUESTS="500",
        GUNICORN_MAX_REQUESTS_JITTER="50",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
    )

    assert config.bind == ["0.0.0.0:9000"]
    assert config.workers == 5
    assert config.timeout == 90
    assert config.graceful_timeout == 20
    assert config.keepalive == 75
    assert config.max_requests == 500
    assert config.max_requests_jitter == 50
    assert config.loglevel == "warning"
    assert config.logconfig_dict["handlers"]["console"]["formatter"] == "text"


def test_with_debug_on_the_logs_are_text(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(monkeypatch, DEBUG="true")

    assert config.logconfig_dict["handlers"]["console"]["formatter"] == "text"


def test_gunicorn_s_own_lines_are_json_on_standard_output() -> None:
    script = (
        "import logging, logging.config, runpy;"
        f"config = runpy.run_path({str(CONF)!r});"
        "logging.config.dictConfig(config['logconfig_dict']);"
        "logging.getLogger('gunicorn.error').critical('WORKER TIMEOUT (pid:%s)', 42);"
        "logging.getLogger('gunicorn.access').info('an access line');"
    )
    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    result = subprocess.run(  # noqa: S603 (this interpreter, our own config)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    lines: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [
        {
            "level": "CRITICAL",
            "logger": "gunicorn.error",
            "message": "WORKER TIMEOUT (pid:42)",
            "request_id": "",
            "time": lines[0]["time"],
        }
    ], "one JSON line, no access line from gunicorn"
    assert result.stderr == ""
