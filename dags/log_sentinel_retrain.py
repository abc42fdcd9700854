"""log_sentinel_retrain: train on a trailing window → validate → promote or keep production."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param

from sentinel_infra.config import DEFAULT_ALERT_RATE, DETECTORS_PATTERN
from sentinel_infra.dag import sentinel_dag
from sentinel_infra.factory import sentinel_step, wait_for_step

DOC = """
### log_sentinel_retrain
Daily retraining on the trailing `train_days` days of Gold features, ending at the logical date
(the last complete day when the form's default "now" is kept), or at `to_date` when
`log_sentinel_monitoring` triggers it after drift. **wait_for_features** waits for the daily run's
`features` of that last day.

`train` fits the detectors, registers a **candidate** in the model registry, scores it and
production on the last day of the window, and **promotes** it only when it is not worse than
production by more than `promote_margin`; otherwise production stays and the reason is logged and
stored with the candidate (`sentinel models list`). Roll back with `sentinel models rollback`.
"""

with sentinel_dag(
    "log_sentinel_retrain",
    kind="training",
    description="Retrain the detectors on a trailing window and promote when not worse",
    doc_md=DOC,
    finish_within_hours=6,
    catchup=False,
    max_active_runs=1,
    params={
        "train_days": Param(
            14,
            type="integer",
            minimum=1,
            maximum=90,
            title="Training days",
            description="trailing days of Gold to train on",
        ),
        "to_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Last training date",
            description="last training date (default: the logical date)",
        ),
        "detectors": Param(
            "robust_baseline,isolation_forest,rare_templates",
            type="string",
            title="Detectors",
            description="comma-separated window detectors, plus session detectors to replace the default session set "
            "(invariants, rare_events, sequence_transitions, order_invariants)",
            pattern=DETECTORS_PATTERN,
        ),
        "alert_rate": Param(
            DEFAULT_ALERT_RATE,
            type="string",
            pattern=r"^(auto|0?\.\d*[1-9]\d*)$",
            title="Alert rate",
            description="share of training windows and sessions each detector may flag (e.g. 0.01); "
            "auto: 0.005 for windows, each session detector's own test",
        ),
        "promote_margin": Param(
            0.02,
            type="number",
            minimum=0,
            title="Promotion margin",
            description="promote unless worse than production by more than this",
        ),
    },
) as dag:
    # The last training day: `to_date` when monitoring triggers a retrain after drift (that run's logical
    # date is the moment it was triggered), else this run's day.
    last_day_expression = "params.to_date or run_day(logical_date, data_interval_start)"
    last_day = "{{ " + last_day_expression + " }}"
    # That day's features must exist: wait for the daily DAG's features task of that day.
    wait_for_features = wait_for_step("wait_for_features", "log_sentinel_daily", "features", day=last_day)
    train = sentinel_step(
        "train",
        "train",
        [
            "--from",
            "{{ macros.ds_add(" + last_day_expression + ", 1 - params.train_days | int) }}",
            "--to",
            last_day,
            "--detectors",
            "{{ params.detectors }}",
            "--alert-rate",
            "{{ params.alert_rate }}",
            "--promote-margin",
            "{{ params.promote_margin }}",
        ],
        execution_timeout=timedelta(hours=2),
    )
    wait_for_features >> train
