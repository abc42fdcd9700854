"""The DAGs on a real single-node Kubernetes (infra/scripts/kube.sh up): KubernetesPodOperator starts
every step as a pod in the log-sentinel namespace, as Airflow's `airflow-worker` service account (the
subject of infra/k8s/rbac.yaml, never an admin), with its environment from the log-sentinel-env
Secret. Pods reach MinIO and PostgreSQL through the host relay (kube.sh). The README's "Run on
Airflow + Kubernetes" follows the same steps."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import textwrap
import time

import pytest
import yaml

from conftest import DAGS
from kube_cluster import (
    NAMESPACE,
    REPO,
    PodRecorder,
    apply_step_secret,
    client,
    import_step_images,
    settings,
)
from services import Sandbox, require_docker_images

TRAIN_DAY = "2026-02-02"
DAY = "2026-02-03"
STEPS = ("ingest", "parse", "features", "score", "alert", "report")
ANOMALY_ROWS = (
    "SELECT entity_kind, entity_key, service, window_start::text, score, severity, detectors, anomaly_type, "
    "model_version FROM anomalies WHERE date = %s ORDER BY entity_kind, entity_key"
)

# Scenario DAGs built by the project's factory (the same pods as the real DAGs) for what the real DAGs
# cannot be made to do on demand: bad input, an unreachable database, a memory limit, a probe.
SCENARIOS = textwrap.dedent(
    """
    from datetime import timedelta

    import pendulum
    from airflow.sdk import DAG
    from kubernetes.client import models as k8s

    from sentinel_infra.factory import sentinel_step

    ARGS = dict(schedule=None, start_date=pendulum.datetime(2026, 1, 1), catchup=False)
    RETRY = {"retries": 2, "retry_delay": timedelta(seconds=1)}

    with DAG("k8s_bad_input", default_args=RETRY, **ARGS):
        sentinel_step("ingest", "ingest", ["--date", "yesterday"])

    with DAG("k8s_database_down", default_args={"retries": 1, "retry_delay": timedelta(seconds=1)}, **ARGS):
        # Env vars win over the Secret's envFrom: this pod's PostgreSQL is a closed port.
        sentinel_step(
            "score", "score", ["--date", "{{ ds }}"],
            env_vars=[k8s.V1EnvVar(name="DATABASE_URL", value="postgres://nobody:x@{host}:1/none")],
        )

    with DAG("k8s_gate", **ARGS):
        # Thresholds nothing crosses: the gate stays closed, exit 99, the task is skipped.
        monitor = sentinel_step(
            "monitor", "monitor",
            ["--date", "{{ ds }}", "--psi-threshold", "1000", "--unseen-template-share", "1",
             "--anomaly-rate-factor", "1000000", "--max-model-age-days", "100000"],
        )
        monitor >> sentinel_step("retrain_gate", "monitor", ["--date", "{{ ds }}", "--gate"], skip_on_exit_code=99)

    with DAG("k8s_oom", **ARGS):
        sentinel_step(
            "ingest", "ingest", ["--date", "{{ ds }}"],
            container_resources=k8s.V1ResourceRequirements(
                requests={"cpu": "100m", "memory": "40Mi"}, limits={"cpu": "1", "memory": "40Mi"}
            ),
        )

    with DAG("k8s_probe", **ARGS):
        # The step image and the step pod's settings, another command: who am I, what may I write.
        sentinel_step("probe", "ingest", [], cmds=["node", "-e", {probe!r}])
    """
)
PROBE = """
const fs = require('fs');
const tryWrite = (p) => { try { fs.writeFileSync(p, 'x'); return 'writable'; } catch (e) { return e.code; } };
const status = Object.fromEntries(fs.readFileSync('/proc/self/status', 'utf8').split('\\n')
  .filter((l) => /^(CapEff|NoNewPrivs|Seccomp):/.test(l)).map((l) => l.split(/:\\s+/)));
console.log('PROBE ' + JSON.stringify({ uid: process.getuid(), gid: process.getgid(),
  root: tryWrite('/app/probe'), tmp: tryWrite('/tmp/probe'), ...status }));
"""


@pytest.fixture(scope="module")
def cluster():
    kube = settings()
    require_docker_images()
    import_step_images()
    return kube


@pytest.fixture(scope="module")
def sandbox(cluster, tmp_path_factory):
    box = Sandbox()
    # Two days of logs; a production model trained on the first (host CLI: same code as the images).
    box.sentinel(
        "generate", "--from", TRAIN_DAY, "--days", "2", "--services", "5", "--logs-per-day", "60000", "--seed", "11"
    )
    box.sentinel("pipeline", "--from", TRAIN_DAY, "--to", TRAIN_DAY)
    box.home = tmp_path_factory.mktemp("airflow-k8s")
    # The real DAGs and the scenarios in one folder, one Airflow database.
    box.dags = box.home / "dags"
    box.dags.mkdir()
    for dag_file in DAGS.glob("log_sentinel_*.py"):
        (box.dags / dag_file.name).symlink_to(dag_file)
    host = cluster["SENTINEL_TEST_KUBE_HOST"]
    (box.dags / "k8s_scenarios.py").write_text(SCENARIOS.replace("{host}", host).replace("{probe!r}", repr(PROBE)))
    box.pod_env = apply_step_secret(cluster["SENTINEL_TEST_KUBECONFIG"], host, box.env)
    migrated = airflow(box, cluster, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    yield box
    box.drop()
    # Failed pods are kept for inspection (on_finish_action); the scenarios' are of no further use.
    client(cluster["SENTINEL_TEST_KUBECONFIG"]).delete_collection_namespaced_pod(NAMESPACE)


def airflow(box: Sandbox, cluster: dict, *args: str, runner: str = "kubernetes") -> subprocess.CompletedProcess:
    # Airflow's identity on the cluster: the airflow-worker service account's token, as in production.
    kube = {
        "SENTINEL_K8S_CONFIG_FILE": cluster["SENTINEL_TEST_KUBE_AIRFLOW_KUBECONFIG"],
        "SENTINEL_SENSOR_POKE_SECONDS": "2",
    }
    return box.airflow(*args, runner=runner, dags=box.dags, extra_env=kube, timeout=1200)


def task_instances(box: Sandbox, dag_id: str) -> dict[str, tuple[str, int]]:
    """task_id -> (state, try_number) of the DAG's latest run, from Airflow's own database."""
    with sqlite3.connect(box.home / "airflow.db") as db:
        rows = db.execute(
            "SELECT task_id, map_index, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = "
            "(SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1)",
            (dag_id, dag_id),
        ).fetchall()
    return {f"{t}[{m}]" if m >= 0 else t: (s, n) for t, m, s, n in rows}


def test_daily_dag_runs_every_step_as_a_pod_and_equals_the_docker_runner(sandbox, cluster):
    # The Docker runner first, on the same input: its rows are the reference.
    docker = airflow(sandbox, cluster, "dags", "test", "log_sentinel_daily", DAY, runner="docker")
    assert docker.returncode == 0, (docker.stdout + docker.stderr)[-5000:]
    reference = sandbox.query(ANOMALY_ROWS, DAY)
    assert reference, "the Docker runner found no anomalies: nothing to compare"
    # Emptied, so what is there afterwards was written by the pods.
    sandbox.query("DELETE FROM alerts RETURNING id")
    sandbox.query("DELETE FROM anomalies WHERE date = %s RETURNING id", DAY)

    with PodRecorder(cluster["SENTINEL_TEST_KUBECONFIG"]) as pods:
        run = airflow(sandbox, cluster, "dags", "test", "log_sentinel_daily", DAY)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    states = task_instances(sandbox, "log_sentinel_daily")
    assert all(states[f"{s}[0]"][0] == "success" for s in STEPS), states

    assert sandbox.query(ANOMALY_ROWS, DAY) == reference
    assert sandbox.query("SELECT count(*) FROM alerts")[0][0] > 0

    # One pod per step, each Succeeded, under the runner service account, env from the Secret only,
    # no API token, as uid 1000 on a read-only root (admitted by Pod Security `restricted`).
    seen = pods.by_component("log_sentinel_daily")
    for step in STEPS:
        [pod] = seen[step]
        spec = pod.spec
        assert pod.status.phase in ("Pending", "Running", "Succeeded"), (step, pod.status)  # the task says success
        assert spec.service_account_name == "log-sentinel-runner"
        assert spec.automount_service_account_token in (None, False)
        assert not any(v.projected for v in spec.volumes or []), "a service account token was mounted"
        [c] = spec.containers
        assert [e.secret_ref.name for e in c.env_from] == ["log-sentinel-env"]
        assert spec.security_context.run_as_non_root and spec.security_context.run_as_user == 1000
        assert c.security_context.read_only_root_filesystem and c.security_context.capabilities.drop == ["ALL"]
    # Deleted once succeeded (on_finish_action), and the pods' log lines reached the task log.
    left = {p.metadata.name for p in client(cluster["SENTINEL_TEST_KUBECONFIG"]).list_namespaced_pod(NAMESPACE).items}
    assert not left & {p.metadata.name for step in STEPS for p in seen[step]}
    assert re.search(r"score \d{4}-\d\d-\d\d: done", run.stdout + run.stderr)


def test_bad_input_fails_at_once_without_retry_with_the_pods_last_log_lines(sandbox, cluster):
    run = airflow(sandbox, cluster, "dags", "test", "k8s_bad_input", DAY)
    log = run.stdout + run.stderr
    assert task_instances(sandbox, "k8s_bad_input")["ingest"] == ("failed", 1), log[-4000:]  # retries=2 unused
    assert re.search(r"date.*YYYY-MM-DD", log, re.I), log[-4000:]  # the step's own message, from the pod
    assert "exit code 2, not retried" in log


def test_unreachable_database_exit_3_is_retried(sandbox, cluster):
    run = airflow(sandbox, cluster, "dags", "test", "k8s_database_down", DAY)
    log = run.stdout + run.stderr
    assert task_instances(sandbox, "k8s_database_down")["score"] == ("failed", 2), log[-4000:]
    assert "cannot use PostgreSQL" in log and "exit code 3" in log


def test_gate_exit_99_skips_the_task(sandbox, cluster):
    # On the training day, which the host pipeline scored: the monitor needs a scored day.
    run = airflow(sandbox, cluster, "dags", "test", "k8s_gate", TRAIN_DAY)
    states = task_instances(sandbox, "k8s_gate")
    assert states["monitor"][0] == "success", (run.stdout + run.stderr)[-4000:]
    assert states["retrain_gate"] == ("skipped", 1), (run.stdout + run.stderr)[-4000:]


def test_a_pod_over_its_memory_limit_ends_oomkilled_and_the_task_says_so(sandbox, cluster):
    run = airflow(sandbox, cluster, "dags", "test", "k8s_oom", DAY)
    log = run.stdout + run.stderr
    state, _ = task_instances(sandbox, "k8s_oom")["ingest"]
    assert state == "failed", log[-4000:]
    assert re.search(r"exit code 137, reason OOMKilled", log), log[-4000:]


def test_step_pods_run_as_non_root_on_a_read_only_root_without_capabilities(sandbox, cluster):
    run = airflow(sandbox, cluster, "dags", "test", "k8s_probe", DAY)
    log = run.stdout + run.stderr
    assert task_instances(sandbox, "k8s_probe")["probe"][0] == "success", log[-4000:]
    [line] = {m for m in re.findall(r"PROBE (\{.*?\})", log)}
    probe = json.loads(line)
    assert probe["uid"] == 1000 and probe["gid"] == 1000
    assert probe["root"] == "EROFS" and probe["tmp"] == "writable"
    assert int(probe["CapEff"], 16) == 0 and probe["NoNewPrivs"] == "1" and probe["Seccomp"] == "2"


def test_the_check_pod_manifest_reaches_the_lake_and_the_database(sandbox, cluster):
    """infra/k8s/check-pod.yaml as the README applies it, with this build's step image: `sentinel check`
    beside the step pods, with their service account, Secret and security settings."""
    from sentinel_infra.config import step_config

    [pod] = yaml.safe_load_all((REPO / "infra/k8s/check-pod.yaml").read_text())
    pod["spec"]["containers"][0]["image"] = step_config("ingest").image
    api = client(cluster["SENTINEL_TEST_KUBECONFIG"])
    api.create_namespaced_pod(NAMESPACE, pod)
    try:
        deadline = time.monotonic() + 120
        phase = api.read_namespaced_pod("sentinel-check", NAMESPACE).status.phase
        while phase not in ("Succeeded", "Failed"):
            assert time.monotonic() < deadline, f"sentinel-check still {phase} after 120 s"
            time.sleep(1)
            phase = api.read_namespaced_pod("sentinel-check", NAMESPACE).status.phase
        # The raw bytes: with its default decoding the client returns the repr of a bytes object.
        log = api.read_namespaced_pod_log("sentinel-check", NAMESPACE, _preload_content=False).data.decode()
        assert phase == "Succeeded", log
        assert re.search(r"^lake +ok +\d+ ms +s3://", log, re.M), log
        assert re.search(r"^database +ok +\d+ ms +postgres://[^ ]*:\*\*\*@[^ ]+: PostgreSQL \d+", log, re.M), log
    finally:
        api.delete_namespaced_pod("sentinel-check", NAMESPACE, grace_period_seconds=0)


def test_pod_security_restricted_rejects_a_root_pod(cluster):
    from kubernetes.client import ApiException
    from kubernetes.client import models as k8s

    api = client(cluster["SENTINEL_TEST_KUBECONFIG"])  # even an admin
    pod = k8s.V1Pod(
        metadata=k8s.V1ObjectMeta(name="root-probe"),
        spec=k8s.V1PodSpec(containers=[k8s.V1Container(name="c", image="localhost/pause:3.10")]),
    )
    with pytest.raises(ApiException) as err:
        api.create_namespaced_pod(NAMESPACE, pod, dry_run="All")
    assert err.value.status == 403 and "violates PodSecurity" in err.value.body


def test_rbac_airflow_may_manage_pods_in_its_namespace_and_nothing_else(cluster):
    from kubernetes.client import ApiException

    airflow_sa = client(cluster["SENTINEL_TEST_KUBE_AIRFLOW_KUBECONFIG"])
    airflow_sa.list_namespaced_pod(NAMESPACE)  # allowed: what the operator needs
    forbidden = [
        lambda: airflow_sa.list_node(),
        lambda: airflow_sa.list_namespaced_secret("kube-system"),
        lambda: airflow_sa.read_namespaced_secret("log-sentinel-env", NAMESPACE),
        lambda: airflow_sa.list_namespaced_pod("default"),
    ]
    # The step pods' own account has no rights at all (impersonated by the admin).
    runner = client(
        cluster["SENTINEL_TEST_KUBECONFIG"], impersonate="system:serviceaccount:log-sentinel:log-sentinel-runner"
    )
    forbidden += [lambda: runner.list_namespaced_pod(NAMESPACE), lambda: runner.list_namespaced_secret(NAMESPACE)]
    for call in forbidden:
        with pytest.raises(ApiException) as err:
            call()
        assert err.value.status == 403, err.value.body


def test_monitoring_and_retrain_dags_run_on_the_cluster(sandbox, cluster):
    monitoring = airflow(sandbox, cluster, "dags", "test", "log_sentinel_monitoring", DAY)
    states = task_instances(sandbox, "log_sentinel_monitoring")
    assert states["monitor"][0] == "success", (monitoring.stdout + monitoring.stderr)[-4000:]
    # The gate either opens (retraining triggered) or skips (exit 99); it never fails.
    assert states["retrain_gate"][0] in ("success", "skipped"), states
    assert sandbox.query("SELECT count(*) FROM model_metrics WHERE date = %s", DAY)[0][0] > 0

    retrain = airflow(sandbox, cluster, "dags", "test", "log_sentinel_retrain", DAY)
    assert task_instances(sandbox, "log_sentinel_retrain")["train"][0] == "success", (retrain.stdout + retrain.stderr)[
        -4000:
    ]
    # The retrain's window ends at its day: a model version trained up to DAY is registered (or was, with
    # the same data and settings: a fingerprint hit keeps that version).
    assert sandbox.query("SELECT count(*) FROM models WHERE train_to = %s", DAY)[0][0] > 0
