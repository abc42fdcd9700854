"""Pod specs rendered by the cncf-kubernetes provider's own code, for a given logical date, no cluster."""

from __future__ import annotations

import importlib
from unittest import mock

import pendulum
import pytest
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import ApiClient

from rendering import render_task
from sentinel_infra.config import IMAGE_TAG

DS = "2026-01-02"


@pytest.fixture(scope="module")
def dags(dagbag):
    return dagbag.dags


def render_pod(dag, task, conf: dict | None = None) -> dict:
    """Templates rendered as the worker would, then the V1Pod the operator would submit, as JSON."""
    midnight = pendulum.parse(DS)
    task, context = render_task(dag, task, midnight, midnight, conf)
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


# Pod security (issue 14 item 12): what Pod Security `restricted` demands, checked on the rendered pod.
def dockerfile_user() -> tuple[int, int]:
    from conftest import REPO

    [line] = [x for x in (REPO / "images/Dockerfile").read_text().splitlines() if x.startswith("USER ")]
    uid, gid = line.split()[1].split(":")
    return int(uid), int(gid)


@pytest.mark.parametrize("step", ["ingest", "parse", "features", "train", "score", "monitor", "alert", "report"])
def test_every_step_pod_runs_as_the_image_user_on_a_read_only_root_without_privileges(step):
    from airflow.sdk import DAG

    from sentinel_infra.factory import sentinel_step

    with DAG("security_check", schedule=None, start_date=pendulum.datetime(2026, 1, 1)) as dag:
        task = sentinel_step(step, step, ["--date", "{{ ds }}"])
    pod = render_pod(dag, task)
    uid, gid = dockerfile_user()
    assert uid != 0 and gid != 0
    assert pod["spec"]["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": gid,
        "fsGroup": gid,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    c = container(pod)
    assert c["securityContext"] == {
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    # Every writable path is an emptyDir (bounded), and /tmp is one of them; nothing from the host.
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    assert mounts["/tmp"] in volumes
    assert all(set(v) == {"name", "emptyDir"} and v["emptyDir"]["sizeLimit"] for v in volumes.values())
    assert set(mounts.values()) == set(volumes)
    assert not pod["spec"].get("hostNetwork") and not pod["spec"].get("hostPID")


def test_daily_mapped_steps_carry_the_same_security_context(dags):
    dag = dags["log_sentinel_daily"]
    for step in ("ingest", "parse", "features", "score", "alert", "report"):
        kw = dag.get_task(step).partial_kwargs
        assert kw["security_context"].run_as_non_root and kw["security_context"].run_as_user == dockerfile_user()[0]
        assert kw["container_security_context"].read_only_root_filesystem
        assert kw["container_security_context"].capabilities.drop == ["ALL"]


def test_kubeconfig_file_comes_from_config_and_is_absent_by_default(monkeypatch):
    from airflow.sdk import DAG

    from sentinel_infra import config, factory

    with DAG("kubeconfig_default", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):
        assert factory.sentinel_step("score", "score", []).config_file is None
    monkeypatch.setenv("SENTINEL_K8S_CONFIG_FILE", "/etc/test-cluster/kubeconfig")
    importlib.reload(config)
    try:
        with DAG("kubeconfig_set", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):
            assert factory.sentinel_step("score", "score", []).config_file == "/etc/test-cluster/kubeconfig"
    finally:
        monkeypatch.delenv("SENTINEL_K8S_CONFIG_FILE")
        importlib.reload(config)


def k8s_manifest(name: str) -> list[dict]:
    import yaml

    from conftest import REPO

    return [d for d in yaml.safe_load_all((REPO / "infra/k8s" / name).read_text()) if d]


def test_namespace_enforces_pod_security_restricted():
    [ns] = k8s_manifest("namespace.yaml")
    labels = ns["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_network_policy_denies_ingress_and_allows_only_dns_s3_postgres_and_webhook_egress():
    [policy] = k8s_manifest("networkpolicy.yaml")
    [ns] = k8s_manifest("namespace.yaml")
    spec = policy["spec"]
    assert policy["metadata"]["namespace"] == ns["metadata"]["name"]
    # It selects the step pods (their labels come from the factory).
    assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "log-sentinel"}
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"} and spec["ingress"] == []
    allowed = {(p["protocol"], p["port"]) for rule in spec["egress"] for p in rule["ports"]}
    assert allowed == {("UDP", 53), ("TCP", 53), ("TCP", 443), ("TCP", 9000), ("TCP", 5432)}
    # DNS only towards kube-dns; every egress rule names its ports (no rule opens everything).
    [dns] = [r for r in spec["egress"] if {p["port"] for p in r["ports"]} == {53}]
    assert dns["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    assert all(rule.get("ports") for rule in spec["egress"])


def test_airflow_git_sync_is_pinned_to_a_revision_not_a_branch():
    import re

    import yaml

    from conftest import REPO

    values = yaml.safe_load((REPO / "infra/k8s/airflow-values.yaml").read_text())
    sync = values["dags"]["gitSync"]
    tag = next(e["value"] for e in values["env"] if e["name"] == "SENTINEL_IMAGE_TAG")
    for key in ("ref", "rev"):
        # A release tag or a commit SHA; HEAD or a branch name would follow every push.
        assert re.fullmatch(r"v\d+\.\d+\.\d+|[0-9a-f]{40}", sync[key]), sync[key]
    assert sync["ref"] == f"v{tag}"  # the DAGs and the images of the same release
