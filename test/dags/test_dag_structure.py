"""The DAGs import cleanly and have the shape, schedules and params users rely on in the UI."""

from __future__ import annotations

import pytest


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"log_sentinel_daily", "log_sentinel_retrain", "log_sentinel_monitoring"}


def downstream(dag) -> dict[str, set[str]]:
    return {t.task_id: set(t.downstream_task_ids) for t in dag.tasks}


def test_daily_pipeline_order_and_schedule(dagbag):
    dag = dagbag.dags["log_sentinel_daily"]
    assert downstream(dag) == {
        "plan": {"ingest", "parse", "features", "score", "alert", "report"},  # every step maps over its output
        "ingest": {"parse"},
        "parse": {"features"},
        "features": {"score"},
        "score": {"alert", "report"},
        "alert": set(),
        "report": set(),
    }
    assert dag.catchup is True
    # Data-interval timetable: the run of day D has logical date D and starts once D is over.
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert {"log-sentinel", "pipeline"} <= set(dag.tags)
    assert dag.doc_md and "{{ ds }}" in dag.doc_md
    # parse updates the shared template store: one at a time, across runs too.
    assert (
        dag.get_task("parse").partial_kwargs.get("max_active_tis_per_dag") == 1
        or dag.get_task("parse").max_active_tis_per_dag == 1
    )


def test_daily_params_are_json_schema_for_the_trigger_form(dagbag):
    params = dagbag.dags["log_sentinel_daily"].params
    assert set(params.keys()) == {"date_from", "date_to", "source", "log_format", "model_version", "dry_run"}
    schema = params.get_param("date_from").schema
    assert schema["type"] == ["null", "string"] and schema["format"] == "date"
    # Every field has a title and a section; optional fields carry no "required" asterisk in the form
    # (the UI marks a typed field required unless its type includes "null").
    for name in params:
        schema = params.get_param(name).schema
        assert schema.get("title") and schema.get("section"), name
        assert isinstance(schema["type"], list) and "null" in schema["type"], name
    assert params.get_param("dry_run").schema["type"] == ["boolean", "null"]
    assert params.get_param("model_version").schema["type"] == ["integer", "null"]


@pytest.mark.parametrize(
    ("name", "value"), [("model_version", 2.5), ("model_version", 0), ("date_from", "2026-13-01"), ("date_to", "06/05")]
)
def test_daily_trigger_form_rejects_bad_values(dagbag, name, value):
    import copy

    from airflow.exceptions import ParamValidationError

    params = copy.deepcopy(dagbag.dags["log_sentinel_daily"].params)
    with pytest.raises(ParamValidationError):
        params[name] = value
        params.validate()


def test_retrain_trigger_form_rejects_unknown_detectors(dagbag):
    import copy

    from airflow.exceptions import ParamValidationError

    params = copy.deepcopy(dagbag.dags["log_sentinel_retrain"].params)
    params["detectors"] = "robust_baseline,lstm_next_event"
    assert params.validate()["detectors"] == "robust_baseline,lstm_next_event"
    with pytest.raises(ParamValidationError):
        params["detectors"] = "robust_baseline,magic"
        params.validate()


def test_retrain_waits_for_features_then_trains(dagbag):
    dag = dagbag.dags["log_sentinel_retrain"]
    assert downstream(dag) == {"wait_for_features": {"train"}, "train": set()}
    sensor = dag.get_task("wait_for_features")
    assert (type(sensor).__name__, sensor.external_dag_id, sensor.external_task_id, sensor.mode) == (
        "StepDoneSensor",
        "log_sentinel_daily",
        "features",
        "reschedule",
    )
    assert dag.params["train_days"] == 14
    assert dag.catchup is False
    assert all(type(d.timetable).__name__ == "CronDataIntervalTimetable" for d in dagbag.dags.values())


def test_monitoring_gates_the_retrain_trigger(dagbag):
    dag = dagbag.dags["log_sentinel_monitoring"]
    assert downstream(dag) == {
        "wait_for_scores": {"monitor"},
        "monitor": {"retrain_gate"},
        "retrain_gate": {"trigger_retrain"},
        "trigger_retrain": set(),
    }
    sensor = dag.get_task("wait_for_scores")
    assert (type(sensor).__name__, sensor.external_dag_id, sensor.external_task_id) == (
        "StepDoneSensor",
        "log_sentinel_daily",
        "score",
    )
    gate = dag.get_task("retrain_gate")
    assert gate.skip_on_exit_code == [99] or gate.skip_on_exit_code == 99 or 99 in gate.skip_on_exit_code
    assert dag.get_task("trigger_retrain").trigger_dag_id == "log_sentinel_retrain"
