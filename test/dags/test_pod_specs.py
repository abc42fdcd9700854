"""Pod specs rendered by the cncf-kubernetes provider's own code, for a given logical date, no cluster."""

from __future__ import annotations

import copy
import importlib
from unittest import mock

import pendulum
import pytest
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.execution_time import macros
from kubernetes.client import ApiClient

from sentinel_infra.config import IMAGE_TAG

DS = "2026-01-02"


@pytest.fixture(scope="module")
def dags(dagbag):
    return dagbag.dags


def fake_ti(dag, task):
    """Only what the operator reads for its labels: ids, map index, try number."""
    return mock.MagicMock(dag_id=dag.dag_id, task_id=task.task_id, map_index=-1, try_number=1)


def render_pod(dag, task, conf: dict | None = None) -> dict:
    """Templates rendered as the worker would, then the V1Pod the operator would submit, as JSON."""
    task = copy.deepcopy(task)  # rendering replaces the templated fields in place
    params = {k: dag.params[k] for k in dag.params}
    params.update(conf or {})
    context = {
        "ds": DS,
        "params": params,
        "macros": macros,
        "logical_date": pendulum.parse(DS),
        "run_id": "manual__test",
        "dag": dag,
        "task": task,
        "ti": fake_ti(dag, task),
    }
    task.render_template_fields(context, jinja_env=dag.get_template_env())
    # The hook would talk to a cluster for the connection's namespace; the provider's tests patch it too.
    with mock.patch.object(KubernetesPodOperator, "hook", new_callable=mock.PropertyMock) as hook:
        hook.return_value.get_namespace.return_value = None
        pod = task.build_pod_request_obj(context, dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


def container(pod: dict) -> dict:
    [c] = pod["spec"]["containers"]
    return c


def test_train_pod_has_image_templated_args_secret_env_resources_and_labels(dags):
    dag = dags["log_sentinel_retrain"]
    pod = render_pod(dag, dag.get_task("train"))
    c = container(pod)
    assert c["image"] == f"log-sentinel/train:{IMAGE_TAG}"
    assert c["args"] == [
        "--from",
        "2025-12-20",
        "--to",
        DS,
        "--detectors",
        "robust_baseline,isolation_forest,rare_templates",
        "--alert-rate",
        "auto",
        "--promote-margin",
        "0.02",
    ]
    assert not c.get("command")  # the image's ENTRYPOINT runs `sentinel train`
    assert c["envFrom"] == [{"secretRef": {"name": "log-sentinel-env"}}]
    # Credentials only through the Secret: no inline value looks like one.
    assert all(not any(k in e["name"] for k in ("SECRET", "PASSWORD", "DATABASE_URL")) for e in c.get("env", []))
    assert c["resources"] == {"limits": {"cpu": "2", "memory": "4Gi"}, "requests": {"cpu": "1", "memory": "2Gi"}}
    assert pod["metadata"]["namespace"] == "log-sentinel"
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == "train"
    assert pod["spec"]["serviceAccountName"] == "log-sentinel-runner"
    assert pod["spec"]["activeDeadlineSeconds"] == 7200


def test_retrain_triggered_after_drift_trains_up_to_the_drifted_day(dags):
    dag = dags["log_sentinel_retrain"]
    c = container(render_pod(dag, dag.get_task("train"), {"to_date": "2026-03-10", "train_days": 7}))
    assert c["args"][:4] == ["--from", "2026-03-04", "--to", "2026-03-10"]


def test_monitor_and_gate_pods(dags):
    dag = dags["log_sentinel_monitoring"]
    monitor = container(render_pod(dag, dag.get_task("monitor")))
    assert monitor["image"] == f"log-sentinel/monitor:{IMAGE_TAG}"
    assert monitor["args"][:2] == ["--date", DS] and "--psi-threshold" in monitor["args"]
    gate = container(render_pod(dag, dag.get_task("retrain_gate")))
    assert gate["args"] == ["--date", DS, "--gate"]


def test_daily_steps_are_mapped_pods_with_the_same_settings(dags):
    dag = dags["log_sentinel_daily"]
    for step in ("ingest", "parse", "features", "score", "alert", "report"):
        t = dag.get_task(step)
        kw = t.partial_kwargs
        assert issubclass(t.operator_class, KubernetesPodOperator)
        assert kw["image"] == f"log-sentinel/{step}:{IMAGE_TAG}"
        assert kw["namespace"] == "log-sentinel" and kw["service_account_name"] == "log-sentinel-runner"
        assert kw["on_finish_action"] == "delete_succeeded_pod" and kw["get_logs"] and kw["durable"]
        assert kw["startup_timeout_seconds"] == 300
        assert "arguments" in t.expand_input.value


def test_factory_pod_for_a_daily_step_renders_the_logical_date(dags):
    from airflow.sdk import DAG

    from sentinel_infra.factory import sentinel_step

    with DAG("factory_check", schedule=None, start_date=pendulum.datetime(2026, 1, 1)) as dag:
        task = sentinel_step("score", "score", ["--date", "{{ ds }}"])
    c = container(render_pod(dag, task))
    assert c["args"] == ["--date", DS]
    assert c["image"] == f"log-sentinel/score:{IMAGE_TAG}"


def test_docker_runner_builds_the_same_step_as_a_container(monkeypatch, tmp_path):
    env_file = tmp_path / "sentinel.env"
    env_file.write_text("SENTINEL_LAKE=s3://lake/x\n")
    monkeypatch.setenv("SENTINEL_RUNNER", "docker")
    monkeypatch.setenv("SENTINEL_DOCKER_ENV_FILE", str(env_file))
    from sentinel_infra import config, factory

    importlib.reload(config)
    importlib.reload(factory)
    try:
        from airflow.sdk import DAG

        with DAG("docker_check", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):
            task = factory.sentinel_step("score", "score", ["--date", "{{ ds }}"], skip_on_exit_code=99)
        assert type(task).__name__ == "SentinelDockerOperator"
        assert task.image == f"log-sentinel/score:{IMAGE_TAG}"
        assert task.command == ["--date", "{{ ds }}"]
        assert task.network_mode == "host" and task.auto_remove == "success" and task.mount_tmp_dir is False
        assert task.sentinel_env_file == str(env_file)
        assert "SENTINEL_LAKE" not in str(task.environment)  # read at run time, never rendered
        assert 99 in task.skip_on_exit_code
    finally:
        monkeypatch.delenv("SENTINEL_RUNNER")
        importlib.reload(config)
        importlib.reload(factory)
