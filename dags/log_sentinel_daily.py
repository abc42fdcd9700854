"""log_sentinel_daily: ingest → parse → features → score → alert, report — for the logical date."""

from __future__ import annotations

from airflow.sdk import Asset, Param, task
from airflow.sdk.exceptions import AirflowFailException

from sentinel_infra.dag import sentinel_dag
from sentinel_infra.exit_codes import GATE_CLOSED
from sentinel_infra.factory import sentinel_mapped_step
from sentinel_infra.partitions import partition_dates, partition_day, step_arguments

GOLD_WINDOWS = Asset("log-sentinel://gold/windows")
RANGE, INPUT, SCORING = "Dates (empty: the run's day)", "Input", "Scoring and alerts"
# The `source` param: an s3:// prefix only. Local paths (/proc/self/environ) are refused here and by ingest.
SOURCE_PATTERN = r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?$"

DOC = """
### log_sentinel_daily
Turns one day of logs into scored anomalies and alerts: **ingest → parse → features → score →
alert** and **report**, one Kubernetes pod (or Docker container) per step and partition.

* Runs for the **logical date** (`{{ ds }}`), never "today": backfills and reruns are exact. Left at
  the form's default ("now"), a manual run processes the last complete day (its data interval).
* A scheduled run of a day whose logs never landed ends **skipped** (ingest exits 99), not failed.
* Trigger with `date_from`/`date_to` to process a range in one run: every step fans out over the
  dates (dynamic task mapping). `parse` runs one date at a time: it updates the template store.
* Every task replaces its partition atomically, so *Clear* on a failed task is always safe.
* **report** writes the anomaly explorer (one offline HTML page) to the lake at
  `reports/date=D/report.html`; its log ends with `anomaly explorer published: <link>`.
* Exit codes: 2 bad input and 4 too many quarantined records fail at once (fix the data, then
  Clear); 3 S3/PostgreSQL unreachable is retried with backoff.
"""

with sentinel_dag(
    "log_sentinel_daily",
    kind="pipeline",
    description="Daily log anomaly detection: ingest, parse, features, score, alert, report",
    doc_md=DOC,
    finish_within_hours=4,
    params={
        "date_from": Param(
            None,
            type=["null", "string"],
            format="date",
            title="First date",
            description="process a range of dates from this one (default: the run's day)",
            section=RANGE,
        ),
        "date_to": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Last date",
            description="last date of the range, inclusive; not before the first date, at most 31 days",
            section=RANGE,
        ),
        "source": Param(
            None,
            type=["null", "string"],
            title="Source",
            # Trust boundary (issue 14 item 10): only s3:// prefixes; ingest enforces local roots itself.
            pattern=SOURCE_PATTERN,
            description="ingest from this s3:// prefix instead of <lake>/landing/date=D/",
            section=INPUT,
        ),
        "log_format": Param(
            None,
            type=["null", "string"],
            title="Log format",
            description="loghub-style format of plain-text logs, e.g. hdfs",
            section=INPUT,
        ),
        "model_version": Param(
            None,
            type=["integer", "null"],
            minimum=1,
            title="Model version",
            description="score with this registered model version (a whole number) instead of production",
            section=SCORING,
        ),
        "dry_run": Param(
            False,
            type=["boolean", "null"],
            title="Dry run",
            description="alert: print what would be sent, send nothing",
            section=SCORING,
        ),
    },
) as dag:

    @task
    def plan(params=None, dag_run=None) -> list[dict[str, list[str]]]:
        """The dates of this run, each with every step's arguments. A bad range fails at once (no retry)."""
        day = partition_day(dag_run.logical_date, dag_run.data_interval_start)
        try:
            dates = partition_dates(day, params.get("date_from"), params.get("date_to"))
        except ValueError as err:
            raise AirflowFailException(str(err)) from err
        return step_arguments(dates, params, skip_if_empty=dag_run.run_type == "scheduled")

    dates = plan()

    def mapped(step: str, **overrides):
        return sentinel_mapped_step(step, step, dates.map(lambda record, step=step: record[step]), **overrides)

    # 99: a scheduled run of a day whose logs never landed (ingest --skip-if-empty); the day is skipped.
    ingest = mapped("ingest", skip_on_exit_code=GATE_CLOSED)
    parse = mapped("parse", max_active_tis_per_dag=1)
    features = mapped("features", outlets=[GOLD_WINDOWS])
    score = mapped("score")
    alert = mapped("alert")
    report = mapped("report")

    ingest >> parse >> features >> score >> [alert, report]
