"""Deadline alerts (Airflow 3's successor of SLAs): a run that is not done in time gets logged loudly."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from typing import Any, ClassVar

from airflow.sdk import DeadlineAlert, SyncCallback
from airflow.sdk.definitions.deadline import BaseDeadlineReference, deadline_reference

log = logging.getLogger(__name__)


def deadline_missed(context=None, **kwargs) -> None:
    """Runs on the executor when a run misses its deadline; wire a pager here (Slack, PagerDuty...)."""
    log.error("log-sentinel run missed its deadline: %s", kwargs.get("dag_id") or context)


#: A scheduled run of a day that ended longer ago than this is catching up: no deadline.
RECENT = timedelta(days=2)


def deadline_base(run_type: str, logical_date: datetime | None, now: datetime) -> datetime | None:
    """The time a run's deadline counts from: the logical date of a scheduled run of a recent day; None
    (no deadline) for backfills, manual runs and catch-up of old days, which would all "miss" it at once."""
    if str(run_type) != "scheduled" or logical_date is None or now - logical_date > RECENT:
        return None
    return logical_date


@deadline_reference()
class RecentScheduledRun(BaseDeadlineReference):
    """Evaluated by the scheduler when a run is created; registered there by the plugin in
    sentinel_infra/plugins/ (AIRFLOW__CORE__PLUGINS_FOLDER), which custom references need."""

    required_kwargs: ClassVar[set[str]] = {"dag_id", "run_id"}

    def _evaluate_with(self, *, session: Any, **kwargs: Any) -> datetime | None:
        from airflow.models import DagRun
        from airflow.utils import timezone
        from sqlalchemy import select

        run = session.execute(
            select(DagRun.run_type, DagRun.logical_date).where(
                DagRun.dag_id == kwargs["dag_id"], DagRun.run_id == kwargs["run_id"]
            )
        ).one_or_none()
        return deadline_base(run.run_type, run.logical_date, timezone.utcnow()) if run else None


def finish_within(hours: float, dag_id: str) -> DeadlineAlert | None:
    """Alert when the run of day D is not done `hours` after D ends (its logical date + 1 day).

    Only scheduled runs of recent days get one (RecentScheduledRun). Referenced to the logical date,
    not queued_at: in Airflow 3.3.2 clearing a task instance of a
    DAG with a queued_at deadline fails (taskinstance._recalculate_dagrun_queued_at_deadlines: "unsupported
    type for timedelta seconds component: dict"), and Clear is what users do after a failure.
    """
    # `airflow dags test` in 3.3.2 crashes when a successful run has deadline alerts (dagrun.update_state
    # looks them up by id but gets the un-serialized dicts): tests of that path set SENTINEL_DEADLINES=0.
    if os.environ.get("SENTINEL_DEADLINES", "1") == "0":
        return None
    return DeadlineAlert(
        reference=RecentScheduledRun(),
        interval=timedelta(days=1, hours=hours),
        callback=SyncCallback("sentinel_infra.deadlines.deadline_missed", kwargs={"dag_id": dag_id}),
    )
