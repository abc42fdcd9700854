"""`airflow dags test` of the real DAGs with the Docker runner: real images, MinIO and PostgreSQL."""

from __future__ import annotations

import subprocess

import pytest

from services import Sandbox, require_docker_images

TRAIN_DAY = "2026-02-02"
DAY = "2026-02-03"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    require_docker_images()
    box = Sandbox()
    # Two days of logs; a production model trained on the first (host CLI: same code as the images).
    box.sentinel(
        "generate", "--from", TRAIN_DAY, "--days", "2", "--services", "6", "--logs-per-day", "150000", "--seed", "3"
    )
    box.sentinel("pipeline", "--from", TRAIN_DAY, "--to", TRAIN_DAY)
    box.home = tmp_path_factory.mktemp("airflow")
    yield box
    box.drop()


def airflow(box: Sandbox, *args: str) -> subprocess.CompletedProcess:
    return box.airflow(*args, runner="docker")


def test_daily_dag_scores_the_logical_date_in_containers(sandbox):
    migrated = airflow(sandbox, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    run = airflow(sandbox, "dags", "test", "log_sentinel_daily", DAY)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]

    rows = sandbox.query(
        "SELECT count(*), count(DISTINCT entity_key), min(date)::text, max(date)::text FROM anomalies WHERE date = %s",
        DAY,
    )
    n, distinct, first, last = rows[0]
    assert n > 0 and n == distinct and first == last == DAY
    # Alerts were raised from them (the alert step ran in its container too).
    assert sandbox.query("SELECT count(*) FROM alerts")[0][0] > 0
    # The report task published the anomaly explorer for the day and its log names the link.
    assert f"{sandbox.lake}/reports/date={DAY}/report.html" in run.stdout + run.stderr


def test_rerunning_the_day_replaces_and_never_duplicates(sandbox):
    before = sandbox.query("SELECT entity_key, severity FROM anomalies WHERE date = %s ORDER BY entity_key", DAY)
    run = airflow(sandbox, "dags", "test", "log_sentinel_daily", DAY)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    after = sandbox.query("SELECT entity_key, severity FROM anomalies WHERE date = %s ORDER BY entity_key", DAY)
    assert after == before
