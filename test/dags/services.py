"""Real services for the Airflow end-to-end tests: a fresh PostgreSQL database and MinIO prefix, and
the sentinel CLI on the host to prepare data. Settings come from .sentinel/services.env (make test)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest

from conftest import DAGS

REPO = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("SENTINEL_TEST_DATABASE_URL", "postgres://sentinel:ls-pg-3b9d@127.0.0.1:5432/sentinel_test")
BUCKET = os.environ.get("SENTINEL_TEST_BUCKET", "sentinel-test")
STEP_IMAGES = ("ingest", "parse", "features", "score", "alert", "report", "train", "monitor")


def require_docker_images() -> None:
    if os.environ.get("SENTINEL_TEST_DOCKER") != "1":
        pytest.skip(
            "SENTINEL_TEST_DOCKER is not 1: run through `make test`, which starts dockerd and builds the images"
        )
    from sentinel_infra.config import IMAGE_REGISTRY, IMAGE_TAG  # the tag the DAGs will run

    images = [f"{IMAGE_REGISTRY}/{s}:{IMAGE_TAG}" for s in STEP_IMAGES]
    missing = [i for i in images if subprocess.run(["docker", "image", "inspect", i], capture_output=True).returncode]
    if missing:
        pytest.fail(f"images missing: {', '.join(missing)}; run `make images`")


def admin(sql: str) -> None:
    """CREATE/DROP DATABASE cannot run in a transaction: autocommit, outside psycopg2's `with`."""
    conn = psycopg2.connect(ADMIN_URL)
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


class Sandbox:
    """One database and one lake prefix per test module; the environment every step gets."""

    def __init__(self) -> None:
        self.db = f"sentinel_af_{uuid.uuid4().hex[:10]}"
        admin(f"CREATE DATABASE {self.db}")
        self.database_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + self.db
        self.lake = f"s3://{BUCKET}/airflow-{uuid.uuid4().hex[:8]}"
        self.env = {
            "DATABASE_URL": self.database_url,
            "SENTINEL_LAKE": self.lake,
            "AWS_ENDPOINT_URL_S3": os.environ.get("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"),
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "ls-minio-7f3a"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "ls-minio-secret-5c2e"),
            "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
            "LOG_LEVEL": "warn",
        }

    def env_file(self, path: Path) -> Path:
        path.write_text("".join(f"{k}={v}\n" for k, v in self.env.items()))
        return path

    def sentinel(self, *args: str) -> dict:
        """The CLI on the host (same code as the images): returns its final JSON line."""
        out = subprocess.run(
            ["node", str(REPO / "bin/sentinel.mjs"), *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if out.returncode:
            raise AssertionError(f"sentinel {' '.join(args)} exited {out.returncode}: {out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def airflow(
        self, *args: str, runner: str, dags: Path = DAGS, extra_env: dict | None = None, timeout: int = 900
    ) -> subprocess.CompletedProcess:
        """The `airflow` CLI of the pinned venv on this sandbox's AIRFLOW_HOME (`self.home`, set by the
        fixture), the DAGs' steps run by `runner` with this sandbox's settings. The whole output goes to
        `airflow-RUNNER-ARGS.log` beside it, for a failed run."""
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "SENTINEL_RUNNER": runner,
            "SENTINEL_TASK_RETRIES": "0",
            "SENTINEL_DEADLINES": "0",  # see sentinel_infra/deadlines.py: `dags test` + deadlines crash in 3.3.2
            "SENTINEL_DOCKER_ENV_FILE": str(self.env_file(self.home / "sentinel.env")),
            "PYTHONPATH": str(DAGS),
            **(extra_env or {}),
        }
        out = subprocess.run(
            [str(REPO / ".venv-airflow/bin/airflow"), *args], env=env, capture_output=True, text=True, timeout=timeout
        )
        name = "-".join(a for a in args if re.fullmatch(r"[\w.-]+", a))
        (self.home / f"airflow-{runner}-{name}.log").write_text(out.stdout + out.stderr)
        return out

    def query(self, sql: str, *params):
        with psycopg2.connect(self.database_url) as conn:
            cur = conn.cursor()
            cur.execute(sql, params)
            return cur.fetchall()

    def drop(self) -> None:
        admin(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
