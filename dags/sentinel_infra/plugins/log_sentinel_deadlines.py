"""Airflow plugin: registers log-sentinel's deadline reference with the scheduler and the API server.

Point AIRFLOW__CORE__PLUGINS_FOLDER at this folder (infra/compose.yaml, infra/k8s/airflow-values.yaml,
test/dags/airflow_server.py). Without it, runs of the log-sentinel DAGs cannot be created.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from sentinel_infra.deadlines import RecentScheduledRun


class LogSentinelDeadlines(AirflowPlugin):
    name = "log_sentinel_deadlines"
    deadline_references = [RecentScheduledRun]  # noqa: RUF012 (AirflowPlugin declares a list)
