"""Wait for a step of another log-sentinel DAG on a given day, mapped or not, and fail fast.

The standard ExternalTaskSensor (standard provider, Airflow 3.3.2) compares the number of matching
task instances with the number of dates: a mapped `score` of a date_from/date_to run has one
instance per date, so the count never equals 1 and the sensor waits until its timeout. This one
counts every map index of the step and decides with one pure rule (`verdict`):

* any instance failed or upstream_failed → fail now (no retry: the upstream must be fixed first);
* every instance done: all skipped (no data that day, see ingest `--skip-if-empty`) → skip,
  otherwise succeed (`removed` map indexes of a rerun with fewer dates count as done);
* no run yet, or still running → wait (reschedule, so no worker slot is held).

The day is a template (`day`): this run's day by default, or e.g. the retrain DAG's `to_date` when
monitoring triggers it after drift (that run's logical date is the moment it was triggered). The
daily DAG's run of day D has logical date D at midnight (its data-interval timetable).
"""

from __future__ import annotations

from enum import StrEnum

from airflow.sdk import BaseSensorOperator
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from sentinel_infra.partitions import midnight_of

FAILED = ["failed", "upstream_failed"]
SUCCEEDED = ["success"]
SKIPPED = ["skipped"]
REMOVED = ["removed"]


class Verdict(StrEnum):
    WAIT = "wait"
    DONE = "done"
    SKIP = "skip"
    FAIL = "fail"


def verdict(total: int, succeeded: int, failed: int, skipped: int, removed: int = 0) -> Verdict:
    """What the counts of a step's task instances (all map indexes of one logical date) mean."""
    if failed:
        return Verdict.FAIL
    if total == 0 or succeeded + skipped + removed < total:
        return Verdict.WAIT
    return Verdict.SKIP if succeeded == 0 and skipped else Verdict.DONE


class StepDoneSensor(BaseSensorOperator):
    """Done when `external_dag_id.external_task_id` of the run of `day` (YYYY-MM-DD) is done (all map indexes)."""

    template_fields = ("external_dag_id", "external_task_id", "day")
    ui_color = "#d9e7f7"

    def __init__(self, *, external_dag_id: str, external_task_id: str, day: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.external_dag_id = external_dag_id
        self.external_task_id = external_task_id
        self.day = day

    def poke(self, context) -> bool:
        ti, logical_date = context["ti"], midnight_of(self.day)

        def count(states: list[str] | None = None) -> int:
            return ti.get_ti_count(
                dag_id=self.external_dag_id,
                task_ids=[self.external_task_id],
                logical_dates=[logical_date],
                states=states,
            )

        what = f"{self.external_dag_id}.{self.external_task_id} of {self.day}"
        result = verdict(count(), count(SUCCEEDED), count(FAILED), count(SKIPPED), count(REMOVED))
        self.log.info("%s: %s", what, result)
        if result is Verdict.FAIL:
            raise AirflowFailException(f"{what} failed: fix it and Clear it there, then Clear this task")
        if result is Verdict.SKIP:
            raise AirflowSkipException(f"{what} was skipped (no data that day): nothing to wait for")
        return result is Verdict.DONE
