"""log_sentinel_monitoring: drift and model health for the logical date; retrain when they cross thresholds."""

from __future__ import annotations

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Param

from sentinel_infra.config import MONITOR_THRESHOLDS
from sentinel_infra.dag import sentinel_dag
from sentinel_infra.factory import sentinel_step, wait_for_step
from sentinel_infra.partitions import RUN_DAY

DOC = """
### log_sentinel_monitoring
After the day is scored: **monitor** computes PSI/KS per feature against the production model's
training profile, the score distribution shift, the share of unseen templates, the anomaly rate
against the expected rate and the model age, and stores them in `model_metrics` (the HTML report
plots them). **retrain_gate** exits 0 when retraining is recommended and 99 when not (the task is
then *skipped*), so **trigger_retrain** runs `log_sentinel_retrain` only after drift. The reasons are
in the monitor task's log and in `monitoring/date=D/summary.json`.

**wait_for_scores** waits for every `score` instance (all dates of a range run) of the daily run of
the same day. It fails at once when that run failed (fix it, Clear it, then Clear this task) and
skips when the day was skipped (no landing data). Left at the form's default ("now"), a manual run
monitors the last complete day. The retraining it triggers trains up to that day (`to_date`).
"""

with sentinel_dag(
    "log_sentinel_monitoring",
    kind="monitoring",
    description="Drift, score shift, anomaly rate and model age; triggers retraining on drift",
    doc_md=DOC,
    finish_within_hours=2,
    params={
        "psi_threshold": Param(
            MONITOR_THRESHOLDS["psi_threshold"],
            type="number",
            exclusiveMinimum=0,
            title="PSI threshold",
            description="feature or score PSI that recommends retraining",
        ),
        "unseen_template_share": Param(
            MONITOR_THRESHOLDS["unseen_template_share"],
            type="number",
            minimum=0,
            maximum=1,
            title="Unseen template share",
            description="share of events with templates unknown to the model",
        ),
        "anomaly_rate_factor": Param(
            MONITOR_THRESHOLDS["anomaly_rate_factor"],
            type="number",
            minimum=1,
            title="Anomaly rate factor",
            description="anomaly rate this many times off the expected rate",
        ),
        "max_model_age_days": Param(
            MONITOR_THRESHOLDS["max_model_age_days"],
            type="integer",
            minimum=1,
            title="Maximum model age (days)",
            description="retrain models older than this",
        ),
    },
) as dag:
    wait_for_scores = wait_for_step("wait_for_scores", "log_sentinel_daily", "score")
    monitor = sentinel_step(
        "monitor",
        "monitor",
        [
            "--date",
            RUN_DAY,
            "--psi-threshold",
            "{{ params.psi_threshold }}",
            "--unseen-template-share",
            "{{ params.unseen_template_share }}",
            "--anomaly-rate-factor",
            "{{ params.anomaly_rate_factor }}",
            "--max-model-age-days",
            "{{ params.max_model_age_days }}",
        ],
    )
    gate = sentinel_step("retrain_gate", "monitor", ["--date", RUN_DAY, "--gate"], skip_on_exit_code=99)
    trigger_retrain = TriggerDagRunOperator(
        task_id="trigger_retrain",
        trigger_dag_id="log_sentinel_retrain",
        trigger_run_id=f"drift__{RUN_DAY}",
        conf={"to_date": RUN_DAY},
        reset_dag_run=True,
    )
    wait_for_scores >> monitor >> gate >> trigger_retrain
