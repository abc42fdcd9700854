"""The single-node Kubernetes of infra/scripts/kube.sh, as the Airflow tests use it: its settings
(.sentinel/kube.env), API clients as admin or as Airflow's service account, the step Secret, and a
recorder of the pods a run creates."""

from __future__ import annotations

import copy
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBE_ENV = REPO / ".sentinel/kube.env"
NAMESPACE = "log-sentinel"


def settings() -> dict[str, str]:
    """kube.sh's settings; the tests skip (with the reason) when the cluster is not up."""
    if not KUBE_ENV.is_file():
        pytest.skip(f"no {KUBE_ENV}: start the cluster with `infra/scripts/kube.sh up` (`make services` does)")
    pairs = (line.split("=", 1) for line in KUBE_ENV.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


def import_step_images() -> None:
    """The images the DAGs name, into the cluster's containerd (no registry)."""
    out = subprocess.run([str(REPO / "infra/scripts/kube.sh"), "images"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def client(kubeconfig: str, impersonate: str | None = None):
    """A CoreV1Api over that kubeconfig; `impersonate` acts as another user (admin only)."""
    from kubernetes import client as k8s
    from kubernetes import config

    api = config.new_client_from_config(config_file=kubeconfig)
    if impersonate:
        api.set_default_header("Impersonate-User", impersonate)
    return k8s.CoreV1Api(api)


def pod_side(url: str, host: str) -> str:
    """The same service as the pods reach it: 127.0.0.1 is the pod itself, the host is `host`."""
    parts = urlsplit(url)
    netloc = parts.netloc.replace("127.0.0.1", host).replace("localhost", host)
    return urlunsplit(parts._replace(netloc=netloc))


def apply_step_secret(kubeconfig: str, host: str, env: dict[str, str]) -> dict[str, str]:
    """infra/k8s/secret.example.yaml with a test's values (its database, lake prefix, MinIO keys): the
    same keys, nothing else. Returns the values the pods get."""
    [example] = yaml.safe_load_all((REPO / "infra/k8s/secret.example.yaml").read_text())
    secret = copy.deepcopy(example)
    values = {
        "SENTINEL_LAKE": env["SENTINEL_LAKE"],
        "DATABASE_URL": pod_side(env["DATABASE_URL"], host),
        "AWS_REGION": env["AWS_REGION"],
        "AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
        # Commented out in the example (an S3-compatible store): MinIO through the host relay.
        "AWS_ENDPOINT_URL_S3": pod_side(env["AWS_ENDPOINT_URL_S3"], host),
    }
    assert set(example["stringData"]) <= set(values), "secret.example.yaml gained a key the tests do not fill"
    secret["stringData"] = values
    out = subprocess.run(
        ["kubectl", "--kubeconfig", kubeconfig, "apply", "-f", "-"], input=yaml.safe_dump(secret), text=True
    )
    assert out.returncode == 0
    return values


class PodRecorder:
    """Polls the namespace while a run goes on and keeps the last state seen of every pod (the operator
    deletes succeeded pods, so they cannot be listed afterwards). A step pod lives for seconds; a poll
    every 0.3 s sees each one. (A watch was flaky here: "Too large resource version" from the cache.)"""

    def __init__(self, kubeconfig: str) -> None:
        self.api = client(kubeconfig)
        self.pods: dict[str, object] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.3):
            for pod in self.api.list_namespaced_pod(NAMESPACE).items:
                self.pods[pod.metadata.name] = pod

    def __enter__(self) -> PodRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def by_component(self, dag_id: str) -> dict[str, list]:
        """The pods of that DAG's tasks (the operator labels each pod with its dag_id), by step."""
        out: dict[str, list] = {}
        for pod in self.pods.values():
            labels = pod.metadata.labels or {}
            if labels.get("dag_id") == dag_id:
                out.setdefault(labels.get("app.kubernetes.io/component"), []).append(pod)
        return out
