"""Which day the monitoring and retrain DAGs work on, rendered as the worker renders their templates.

`{{ ds }}` is the logical date: "now" when the trigger form's default is kept, and the moment of the
trigger when monitoring starts a retrain after drift. Both must work on a complete day, and the
retrain triggered after drift must wait for the features of the day it trains up to, or its sensor
waits 12 hours for a daily run that does not exist and `train` never runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rendering import render_task
from sentinel_infra.partitions import midnight_of, run_day

DAY = "2026-01-02"
#: The form's default logical date ("now", the next afternoon) and its data interval's start.
NOW, NOW_INTERVAL_START = datetime(2026, 1, 3, 16, 30, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)


def render(dag, task_id: str, logical_date: datetime, interval_start: datetime, conf: dict | None = None):
    return render_task(dag, dag.get_task(task_id), logical_date, interval_start, conf)[0]


def test_a_manual_monitoring_run_left_at_now_monitors_and_retrains_the_last_complete_day(dagbag):
    dag = dagbag.dags["log_sentinel_monitoring"]
    assert render(dag, "monitor", NOW, NOW_INTERVAL_START).arguments[:2] == ["--date", DAY]
    assert render(dag, "retrain_gate", NOW, NOW_INTERVAL_START).arguments == ["--date", DAY, "--gate"]
    assert render(dag, "wait_for_scores", NOW, NOW_INTERVAL_START).day == DAY
    trigger = render(dag, "trigger_retrain", NOW, NOW_INTERVAL_START)
    assert trigger.conf == {"to_date": DAY}
    assert trigger.trigger_run_id == f"drift__{DAY}"


def test_a_scheduled_monitoring_run_works_on_its_logical_date(dagbag):
    dag = dagbag.dags["log_sentinel_monitoring"]
    midnight = midnight_of(DAY)
    assert render(dag, "wait_for_scores", midnight, midnight).day == DAY
    assert render(dag, "trigger_retrain", midnight, midnight).conf == {"to_date": DAY}


def test_a_retrain_triggered_after_drift_waits_for_and_trains_up_to_its_to_date(dagbag):
    dag = dagbag.dags["log_sentinel_retrain"]
    # TriggerDagRunOperator without a logical date: the run's logical date is the moment of the trigger.
    triggered_at, interval_start = datetime(2026, 1, 3, 0, 12, 34, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    conf = {"to_date": "2026-01-01"}
    assert render(dag, "wait_for_features", triggered_at, interval_start, conf).day == "2026-01-01"
    args = render(dag, "train", triggered_at, interval_start, conf).arguments
    assert args[:4] == ["--from", "2025-12-19", "--to", "2026-01-01"]


def test_a_scheduled_retrain_waits_for_the_features_of_its_own_day(dagbag):
    dag = dagbag.dags["log_sentinel_retrain"]
    midnight = midnight_of(DAY)
    assert render(dag, "wait_for_features", midnight, midnight).day == DAY
    assert render(dag, "train", midnight, midnight).arguments[:4] == ["--from", "2025-12-20", "--to", DAY]


def test_the_sensor_looks_for_the_daily_run_at_midnight_utc_of_its_day():
    assert midnight_of(DAY) == datetime(2026, 1, 2, tzinfo=UTC)


def test_a_run_without_a_logical_date_fails_with_a_reason():
    with pytest.raises(ValueError, match="no logical date"):
        run_day(None, None)
