"""Deadline alerts (Airflow 3's successor of SLAs): a run that is not done in time gets logged loudly."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from airflow.sdk import DeadlineAlert, DeadlineReference, SyncCallback

log = logging.getLogger(__name__)


def deadline_missed(context=None, **kwargs) -> None:
    """Runs on the executor when a run misses its deadline; wire a pager here (Slack, PagerDuty...)."""
    log.error("log-sentinel run missed its deadline: %s", kwargs.get("dag_id") or context)


def finish_within(hours: float, dag_id: str) -> DeadlineAlert | None:
    """Alert when the run of day D is not done `hours` after D ends (its logical date + 1 day).

    Referenced to the logical date, not queued_at: in Airflow 3.3.2 clearing a task instance of a
    DAG with a queued_at deadline fails (taskinstance._recalculate_dagrun_queued_at_deadlines: "unsupported
    type for timedelta seconds component: dict"), and Clear is what users do after a failure.
    Backfills of old days miss it at once, so the callback only logs.
    """
    # `airflow dags test` in 3.3.2 crashes when a successful run has deadline alerts (dagrun.update_state
    # looks them up by id but gets the un-serialized dicts): tests of that path set SENTINEL_DEADLINES=0.
    if os.environ.get("SENTINEL_DEADLINES", "1") == "0":
        return None
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=timedelta(days=1, hours=hours),
        callback=SyncCallback("sentinel_infra.deadlines.deadline_missed", kwargs={"dag_id": dag_id}),
    )
