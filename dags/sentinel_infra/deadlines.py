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
    # `airflow dags test` in 3.3.2 crashes when a successful run has deadline alerts (dagrun.update_state
    # looks them up by id but gets the un-serialized dicts): tests of that path set SENTINEL_DEADLINES=0.
    if os.environ.get("SENTINEL_DEADLINES", "1") == "0":
        return None
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(hours=hours),
        callback=SyncCallback("sentinel_infra.deadlines.deadline_missed", kwargs={"dag_id": dag_id}),
    )
