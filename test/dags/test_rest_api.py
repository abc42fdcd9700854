"""What users do in the Airflow UI, through the same REST API, on a running Airflow (LocalExecutor on
PostgreSQL) that runs the real step images against MinIO and PostgreSQL: trigger with conf, backfill
three days, fail on bad input, fix it, clear the failed task, and get the same rows as a clean run.
Last, the grid of those runs in a real headless Chromium (docs/airflow-grid.png is its screenshot)."""

from __future__ import annotations

import json
import struct
import subprocess

import pytest

from airflow_server import AirflowServer
from services import REPO, Sandbox, require_docker_images

DAG = "log_sentinel_daily"
TASKS = ("plan", "ingest", "parse", "features", "score", "alert", "report")
#: Where the grid's screenshot lands; `make screenshots` copies it to docs/airflow-grid.png.
GRID_SHOT = REPO / ".sentinel/airflow-grid.png"
TRAIN, D1, D2, D3, D4, BAD = "2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05", "2026-06-06"


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    require_docker_images()
    box = Sandbox()
    box.sentinel(
        "generate", "--from", TRAIN, "--days", "5", "--services", "6", "--logs-per-day", "100000", "--seed", "21"
    )
    box.sentinel("pipeline", "--from", TRAIN, "--to", TRAIN)  # a production model to score with
    # Catch-up off: unpausing must not create a run for every day since the start date.
    server = AirflowServer(
        box, tmp_path_factory.mktemp("airflow-api"), {"SENTINEL_CATCHUP": "0", "SENTINEL_SCHEDULE_START": TRAIN}
    )
    server.patch(f"/api/v2/dags/{DAG}", {"is_paused": False})
    yield server
    server.stop()
    box.drop()


def anomaly_rows(box: Sandbox, date: str):
    return box.query(
        "SELECT entity_kind, entity_key, round(score::numeric, 6), severity, anomaly_type FROM anomalies"
        " WHERE date = %s ORDER BY entity_kind, entity_key",
        date,
    )


def trigger(server: AirflowServer, date: str, conf: dict, run_id: str) -> str:
    run = server.post(
        f"/api/v2/dags/{DAG}/dagRuns", {"dag_run_id": run_id, "logical_date": f"{date}T00:00:00Z", "conf": conf}
    )
    return run["dag_run_id"]


def test_trigger_with_conf_runs_the_day_in_containers(airflow):
    run_id = trigger(airflow, D1, {"dry_run": True}, f"ui__{D1}")
    assert airflow.wait_run(DAG, run_id) == "success", airflow.task_states(DAG, run_id)
    rows = anomaly_rows(airflow.box, D1)
    assert rows and len(rows) == len({r[1] for r in rows})
    # dry_run reached the alert step: nothing was written to alerts for that day.
    assert airflow.box.query("SELECT count(*) FROM alerts WHERE first_seen::date = %s", D1)[0][0] == 0


def test_backfill_three_days(airflow):
    backfill = airflow.post(
        "/api/v2/backfills",
        {
            "dag_id": DAG,
            "from_date": f"{D2}T00:00:00Z",
            "to_date": f"{D4}T00:00:00Z",
            "reprocess_behavior": "completed",
            "max_active_runs": 1,
            "run_backwards": False,
            "dag_run_conf": {},
        },
    )
    assert backfill["dag_id"] == DAG
    runs = [r for r in airflow.get(f"/api/v2/dags/{DAG}/dagRuns?limit=50")["dag_runs"] if r["run_type"] == "backfill"]
    dates = sorted(r["logical_date"][:10] for r in runs)
    assert dates == [D2, D3, D4]
    for r in runs:
        assert airflow.wait_run(DAG, r["dag_run_id"]) == "success", airflow.task_states(DAG, r["dag_run_id"])
    for d in (D2, D3, D4):
        assert anomaly_rows(airflow.box, d), d


def test_failed_step_is_fixed_and_cleared_and_matches_a_clean_run(airflow):
    box = airflow.box
    # Bad input: a day where a fifth of the lines are malformed (ingest's quality gate, exit 4).
    box.sentinel(
        "generate",
        "--from",
        BAD,
        "--services",
        "6",
        "--logs-per-day",
        "100000",
        "--seed",
        "21",
        "--malformed-rate",
        "0.2",
    )
    run_id = trigger(airflow, BAD, {}, f"ui__{BAD}")
    assert airflow.wait_run(DAG, run_id) == "failed"
    states = airflow.task_states(DAG, run_id)
    # Downstream mapped tasks never expanded: one placeholder instance each.
    assert states["ingest[0]"] == "failed" and states["parse"] == "upstream_failed"

    # Fix the input (same seed, no malformed lines), then Clear the failed task and what follows.
    box.sentinel("generate", "--from", BAD, "--services", "6", "--logs-per-day", "100000", "--seed", "21")
    cleared = airflow.post(
        f"/api/v2/dags/{DAG}/clearTaskInstances",
        {
            "dag_run_id": run_id,
            "task_ids": ["ingest"],
            "only_failed": True,
            "include_downstream": True,
            "reset_dag_runs": True,
            "dry_run": False,
        },
    )
    assert {t["task_id"] for t in cleared["task_instances"]} >= {"ingest", "parse", "features", "score"}
    assert airflow.wait_run(DAG, run_id) == "success", airflow.task_states(DAG, run_id)
    fixed = anomaly_rows(box, BAD)
    assert fixed

    # A clean run of the same day (clear the whole run: every step again) gives the same rows, no duplicates.
    airflow.post(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/clear", {"dry_run": False})
    assert airflow.wait_run(DAG, run_id) == "success", airflow.task_states(DAG, run_id)
    assert anomaly_rows(box, BAD) == fixed
    n, distinct = box.query("SELECT count(*), count(DISTINCT (date, entity_kind, entity_key)) FROM anomalies")[0]
    assert n == distinct


def test_the_grid_shows_every_run_in_a_browser(airflow):
    """Sign in through the Simple Auth Manager's form in headless Chromium, open the run that failed and
    was cleared twice, and check that the grid shows every run's task instances in the states the REST
    API reports: the trigger, the three backfilled days and the rerun green, first start's run skipped."""
    bad_run = f"ui__{BAD}"
    browse = ["npx", "tsx", "test/support/airflowGrid.ts", "--url", airflow.url, "--dag", DAG, "--run", bad_run]
    out = subprocess.run(
        [*browse, "--out", str(GRID_SHOT)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    grid = json.loads(out.stdout.strip().splitlines()[-1])
    assert grid["errors"] == [], grid["errors"]
    assert grid["runState"]["text"] == "Success"

    runs = airflow.get(f"/api/v2/dags/{DAG}/dagRuns?limit=50")["dag_runs"]
    assert set(grid["cells"]) == {f"grid-{r['dag_run_id']}-{t}" for r in runs for t in TASKS}
    states = {r["dag_run_id"]: airflow.task_states(DAG, r["dag_run_id"]) for r in runs}
    green = sorted(run for run, tis in states.items() if set(tis.values()) == {"success"})
    backfilled = [r["dag_run_id"] for r in runs if r["run_type"] == "backfill"]
    assert green == sorted([f"ui__{D1}", bad_run, *backfilled]), states
    assert {grid["cells"][f"grid-{run}-{t}"] for run in green for t in TASKS} == {grid["runState"]["colour"]}
    # First start (catch-up off): the scheduled run for yesterday skipped its steps, in another colour.
    scheduled = [r["dag_run_id"] for r in runs if r["run_type"] == "scheduled"]
    assert scheduled and all(states[run]["ingest[0]"] == "skipped" for run in scheduled), states
    assert all(grid["cells"][f"grid-{run}-ingest"] != grid["runState"]["colour"] for run in scheduled)

    # A PNG of the viewport, about 1400 x 900 (width and height from its IHDR chunk).
    png = GRID_SHOT.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1400 and 850 <= height <= 950, (width, height)
