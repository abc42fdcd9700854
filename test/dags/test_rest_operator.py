"""Operator experience (issue 15) on a running Airflow, through the REST API the UI uses: a first start
with no landing data ends skipped, a mapped range run is followed by monitoring that completes, a
reversed range fails at once (no retry) and monitoring of that day fails fast, and the trigger form's
schema rejects a malformed date. Retries are on (1) so that "no retry" is observable."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from airflow_server import AirflowServer
from services import Sandbox, require_docker_images

DAILY, MONITORING = "log_sentinel_daily", "log_sentinel_monitoring"
TRAIN, DAY, REVERSED = "2026-06-01", "2026-06-02", "2026-06-10"


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    require_docker_images()
    box = Sandbox()
    box.sentinel(
        "generate", "--from", TRAIN, "--days", "2", "--services", "4", "--logs-per-day", "40000", "--seed", "5"
    )
    box.sentinel("pipeline", "--from", TRAIN, "--to", TRAIN)  # a production model to score and monitor with
    server = AirflowServer(
        box,
        tmp_path_factory.mktemp("airflow-operator"),
        {
            "SENTINEL_CATCHUP": "0",
            "SENTINEL_SCHEDULE_START": TRAIN,
            "SENTINEL_TASK_RETRIES": "1",
            "SENTINEL_SENSOR_POKE_SECONDS": "20",
        },
    )
    # Unpausing with catch-up off schedules yesterday (the real one: it has no landing data).
    for dag in (DAILY, MONITORING):
        server.patch(f"/api/v2/dags/{dag}", {"is_paused": False})
    yield server
    server.stop()
    box.drop()


def trigger(server: AirflowServer, dag: str, date: str, conf: dict | None = None) -> str:
    body = {"dag_run_id": f"ui__{date}", "logical_date": f"{date}T00:00:00Z", "conf": conf or {}}
    return server.post(f"/api/v2/dags/{dag}/dagRuns", body)["dag_run_id"]


def task_instance(server: AirflowServer, dag: str, run_id: str, task_id: str) -> dict:
    tis = server.get(f"/api/v2/dags/{dag}/dagRuns/{run_id}/taskInstances")["task_instances"]
    return next(t for t in tis if t["task_id"] == task_id)


def deadlines(server: AirflowServer, dag: str, run_id: str) -> int:
    """What the UI's "Deadline Missed" badge reads."""
    return server.get(f"/ui/dags/{dag}/dagRuns/{run_id}/deadlines")["total_entries"]


def utc(timestamp: str) -> datetime:
    """A REST API timestamp ("...Z") as an aware datetime."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def scheduled_run(server: AirflowServer, dag: str, timeout: float = 120) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        runs = server.get(f"/api/v2/dags/{dag}/dagRuns?run_type=scheduled")["dag_runs"]
        if runs:
            return runs[0]["dag_run_id"]
        time.sleep(3)
    raise TimeoutError(f"no scheduled run of {dag} after unpausing")


def test_first_scheduled_run_without_landing_data_ends_skipped_not_red(airflow, dagbag):
    daily = scheduled_run(airflow, DAILY)
    assert airflow.wait_run(DAILY, daily) == "success", airflow.task_states(DAILY, daily)
    states = airflow.task_states(DAILY, daily)
    # ingest exited 99; the steps after it never expanded (one placeholder each), skipped too.
    assert states["ingest[0]"] == states["score"] == states["report"] == "skipped", states
    # The scheduled run of yesterday has a deadline, due its interval after the logical date. Before
    # it is due the run finishes in time and shows no "Deadline Missed"; after (e.g. a test run later
    # in the day than 04:00 UTC for the daily DAG's 1 day 4 hours) it has missed it.
    [alert] = dagbag.dags[DAILY].deadline
    run = airflow.get(f"/api/v2/dags/{DAILY}/dagRuns/{daily}")
    due = utc(run["logical_date"]) + alert.interval
    assert deadlines(airflow, DAILY, daily) == (1 if utc(run["end_date"]) > due else 0)
    # Monitoring of that day has nothing to look at: its sensor skips, and so does the rest.
    monitoring = scheduled_run(airflow, MONITORING)
    assert airflow.wait_run(MONITORING, monitoring) == "success", airflow.task_states(MONITORING, monitoring)
    assert airflow.task_states(MONITORING, monitoring)["wait_for_scores"] == "skipped"


def test_mapped_range_run_is_followed_by_monitoring_that_completes(airflow):
    daily = trigger(airflow, DAILY, DAY, {"date_from": TRAIN, "date_to": DAY, "dry_run": True})
    monitoring = trigger(airflow, MONITORING, DAY)  # waits while the range is scored
    assert airflow.wait_run(DAILY, daily) == "success", airflow.task_states(DAILY, daily)
    states = airflow.task_states(DAILY, daily)
    assert states["score[0]"] == states["score[1]"] == "success", states
    assert airflow.wait_run(MONITORING, monitoring, timeout=300) == "success", airflow.task_states(
        MONITORING, monitoring
    )
    states = airflow.task_states(MONITORING, monitoring)
    assert states["wait_for_scores"] == states["monitor"] == "success", states
    # A second run for the same logical date is refused (the UI shows this 409): rerun with Clear instead.
    with pytest.raises(AssertionError, match="409"):
        airflow.post(f"/api/v2/dags/{DAILY}/dagRuns", {"dag_run_id": "again", "logical_date": f"{DAY}T00:00:00Z"})


def test_reversed_range_fails_at_once_and_monitoring_of_that_day_fails_fast(airflow):
    started = time.time()
    daily = trigger(airflow, DAILY, REVERSED, {"date_from": "2026-06-05", "date_to": "2026-06-03"})
    monitoring = trigger(airflow, MONITORING, REVERSED)
    assert airflow.wait_run(DAILY, daily, timeout=120) == "failed"
    plan = task_instance(airflow, DAILY, daily, "plan")
    assert (plan["state"], plan["try_number"]) == ("failed", 1), plan  # retries=1, and none was used
    assert airflow.wait_run(MONITORING, monitoring, timeout=120) == "failed"
    sensor = task_instance(airflow, MONITORING, monitoring, "wait_for_scores")
    assert (sensor["state"], sensor["try_number"]) == ("failed", 1), sensor
    assert time.time() - started < 180  # not the sensor's 12 h timeout
    # A manual run of a past day gets no deadline, so the UI never shows it as "Deadline Missed".
    assert deadlines(airflow, DAILY, daily) == 0


@pytest.mark.parametrize("conf", [{"date_from": "2026-06-31"}, {"date_to": "06/05/2026"}, {"model_version": 2.5}])
def test_trigger_form_schema_rejects_bad_values(airflow, conf):
    with pytest.raises(AssertionError, match=r"→ 4\d\d"):
        airflow.post(f"/api/v2/dags/{DAILY}/dagRuns", {"logical_date": None, "conf": conf})
