"""log_sentinel_daily: ingest → parse → features → score → alert, report — for the logical date."""
from __future__ import annotations

from airflow.sdk import DAG, Asset, Param, task

from sentinel_infra.deadlines import finish_within
from sentinel_infra.schedule import CATCHUP, DAILY, END, START
from sentinel_infra.factory import DEFAULT_ARGS, sentinel_mapped_step, sentinel_step
from sentinel_infra.partitions import partition_dates, step_arguments

GOLD_WINDOWS = Asset("log-sentinel://gold/windows")

DOC = """
### log_sentinel_daily
Turns one day of logs into scored anomalies and alerts: **ingest → parse → features → score →
alert** and **report**, one Kubernetes pod (or Docker container) per step and partition.

* Runs for the **logical date** (`{{ ds }}`), never "today": backfills and reruns are exact.
* Trigger with `date_from`/`date_to` to process a range in one run: every step fans out over the
  dates (dynamic task mapping). `parse` runs one date at a time: it updates the template store.
* Every task replaces its partition atomically, so *Clear* on a failed task is always safe.
* Exit codes: 2 bad input (fix the data, then Clear), 3 S3/PostgreSQL unreachable (retried), 4 too
  many quarantined records.
"""

with DAG(
    dag_id="log_sentinel_daily",
    description="Daily log anomaly detection: ingest, parse, features, score, alert, report",
    schedule=DAILY,
    start_date=START,
    end_date=END,
    catchup=CATCHUP,
    max_active_runs=3,
    default_args=DEFAULT_ARGS,
    deadline=finish_within(hours=4, dag_id="log_sentinel_daily"),
    tags=["log-sentinel", "pipeline"],
    doc_md=DOC,
    params={
        "date_from": Param(None, type=["null", "string"], format="date", description="first date of a range (default: the logical date)"),
        "date_to": Param(None, type=["null", "string"], format="date", description="last date of a range (inclusive)"),
        "source": Param(None, type=["null", "string"], description="ingest from this file or s3:// prefix instead of <lake>/landing/date=D/"),
        "log_format": Param(None, type=["null", "string"], description="loghub-style format of plain-text logs, e.g. hdfs"),
        "model_version": Param(None, type=["null", "integer"], minimum=1, description="score with this model version instead of production"),
        "dry_run": Param(False, type="boolean", description="alert: print what would be sent, send nothing"),
    },
) as dag:

    @task
    def plan(params=None, ds=None) -> list[dict[str, list[str]]]:
        """The dates of this run, each with every step's arguments."""
        return step_arguments(partition_dates(ds, params.get("date_from"), params.get("date_to")), params)

    dates = plan()

    def mapped(step: str, **overrides):
        return sentinel_mapped_step(step, step, dates.map(lambda record, step=step: record[step]), **overrides)

    ingest = mapped("ingest")
    parse = mapped("parse", max_active_tis_per_dag=1)
    features = mapped("features", outlets=[GOLD_WINDOWS])
    score = mapped("score")
    alert = mapped("alert")
    report = mapped("report")

    ingest >> parse >> features >> score >> [alert, report]
