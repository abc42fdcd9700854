"""The house header of every log-sentinel DAG: one `sentinel_dag(...)` instead of a repeated `DAG(...)`.

What it fixes for every DAG (test/dags/test_dag_validity.py enforces it): the owner and retry policy
of every task, the `log-sentinel` tag plus one for the DAG's kind, the daily data-interval schedule
and its bounds, a deadline alert, the `run_day` macro (partitions.py RUN_DAY), and that a new
deployment starts paused (unpause a DAG once its landing data is there; otherwise its first
scheduled run fails for lack of input).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import DAG

from sentinel_infra import config
from sentinel_infra.deadlines import finish_within
from sentinel_infra.partitions import run_day
from sentinel_infra.schedule import CATCHUP, DAILY, END, START

OWNER = "log-sentinel"
TAG = "log-sentinel"

#: Retries with exponential backoff: S3/PostgreSQL hiccups (exit 3) usually pass; every step is
#: idempotent for its partition, so a retry or a "Clear" in the UI is always safe. Exit 2 and 4 fail
#: at once whatever retries are left (exit_codes.py).
DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": config.TASK_RETRIES,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
    "execution_timeout": timedelta(hours=1),
}


def sentinel_dag(
    dag_id: str,
    *,
    kind: str,
    description: str,
    doc_md: str,
    params: dict[str, Any],
    finish_within_hours: float,
    catchup: bool = CATCHUP,
    max_active_runs: int = 3,
) -> DAG:
    """A daily DAG with the house defaults; `kind` is its second tag (pipeline, training, monitoring)."""
    return DAG(
        dag_id=dag_id,
        description=description,
        doc_md=doc_md,
        schedule=DAILY,
        start_date=START,
        end_date=END,
        catchup=catchup,
        is_paused_upon_creation=True,
        max_active_runs=max_active_runs,
        default_args=DEFAULT_ARGS,
        deadline=finish_within(hours=finish_within_hours, dag_id=dag_id),
        tags=[TAG, kind],
        params=params,
        # RUN_DAY (`{{ run_day(logical_date, data_interval_start) }}`): the day a run works on, however it
        # was triggered (`{{ ds }}` is today's unfinished day when the form's default "now" is kept).
        user_defined_macros={"run_day": run_day},
    )
