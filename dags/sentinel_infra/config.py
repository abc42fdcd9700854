"""The one place for images, tags, resources and the runner of every log-sentinel step.

Everything is read from the environment of the Airflow components, so one DAG folder serves
production (Kubernetes) and a laptop or CI (Docker) without edits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sentinel_infra.images import built_tag

#: Steps that have an image (images/build.sh builds one per step, ENTRYPOINT `sentinel <step>`).
STEPS = ("generate", "ingest", "parse", "features", "train", "score", "monitor", "alert", "report")
# `sentinel train --detectors` accepts a comma-separated subset of these (shared/detectors/registry.ts).
DETECTORS = (
    "robust_baseline",
    "isolation_forest",
    "rare_templates",
    "lstm_autoencoder",
    "invariants",
    "rare_events",
    "order_invariants",
    "sequence_transitions",
    "pca_residual",
    "count_forest",
    "lstm_next_event",
)
DETECTORS_PATTERN = r"^({0})(,({0}))*$".format("|".join(DETECTORS))
#: `sentinel train --alert-rate` default (tasks/options.ts DEFAULT_ALERT_RATE): the retrain DAG's param.
DEFAULT_ALERT_RATE = "auto"
#: `sentinel monitor` threshold defaults (tasks/monitor/decision.ts DEFAULT_THRESHOLDS): the monitoring
#: DAG's params. test/vocabulary.test.ts checks both against the TypeScript source.
MONITOR_THRESHOLDS = {
    "psi_threshold": 0.25,
    "unseen_template_share": 0.05,
    "anomaly_rate_factor": 5,
    "max_model_age_days": 7,
}

RUNNER = os.environ.get("SENTINEL_RUNNER", "kubernetes")
#: Retries per task (with exponential backoff); tests set 0 to fail fast.
TASK_RETRIES = int(os.environ.get("SENTINEL_TASK_RETRIES", "2"))
#: How often a sensor looks at the other DAG's step (it gives its worker slot back in between); tests set less.
SENSOR_POKE_SECONDS = int(os.environ.get("SENTINEL_SENSOR_POKE_SECONDS", "300"))
IMAGE_REGISTRY = os.environ.get("SENTINEL_IMAGE_REGISTRY", "log-sentinel")
#: Pinned: the version and git rev `make images` built (sentinel_infra/images.py), not a moving tag.
IMAGE_TAG = os.environ.get("SENTINEL_IMAGE_TAG") or built_tag()

# Kubernetes: where pods run and the Secret that carries DATABASE_URL, SENTINEL_LAKE and the S3
# keys (infra/k8s/secret.example.yaml). Credentials never appear in DAG code or task arguments.
NAMESPACE = os.environ.get("SENTINEL_K8S_NAMESPACE", "log-sentinel")
SERVICE_ACCOUNT = os.environ.get("SENTINEL_K8S_SERVICE_ACCOUNT", "log-sentinel-runner")
ENV_SECRET = os.environ.get("SENTINEL_K8S_SECRET", "log-sentinel-env")
#: A kubeconfig file for the pod operator (a test cluster, infra/scripts/kube.sh). Empty: the Airflow
#: connection `kubernetes_default` decides (in-cluster in production, infra/k8s/airflow-values.yaml).
KUBECONFIG_FILE = os.environ.get("SENTINEL_K8S_CONFIG_FILE", "")

# Pod security (Pod Security Standard `restricted`, infra/k8s/namespace.yaml): every step runs as the
# non-root user of its image (images/Dockerfile `USER 1000:1000`, the `node` user; test_pod_specs.py
# checks that they agree), on a read-only root filesystem, with no capabilities.
RUN_AS_USER = 1000
RUN_AS_GROUP = 1000
#: The only writable paths, each an emptyDir (name: mount path). Steps read and write the lake and the
#: database through the network (the pod's Secret sets both), so they write only temp files: Node's and
#: tfjs's os.tmpdir(). The embedded defaults (./.sentinel/lake, ./.sentinel/pgdata) get no volume on
#: purpose: a pod without SENTINEL_LAKE or DATABASE_URL fails at once (read-only file system) instead of
#: writing its results into a volume that vanishes with the pod.
WRITABLE_PATHS = {"tmp": "/tmp"}
#: Upper bound of each emptyDir (the kubelet evicts a pod that writes more).
WRITABLE_SIZE_LIMIT = "1Gi"

# Docker: the same environment comes from a file read when the task runs (not stored in the DAG).
DOCKER_ENV_FILE = os.environ.get("SENTINEL_DOCKER_ENV_FILE", "")
DOCKER_URL = os.environ.get("DOCKER_HOST", "unix://var/run/docker.sock")
DOCKER_NETWORK = os.environ.get("SENTINEL_DOCKER_NETWORK", "host")


@dataclass(frozen=True)
class Resources:
    cpu: str = "500m"
    memory: str = "1Gi"
    cpu_limit: str = "2"
    memory_limit: str = "2Gi"


@dataclass(frozen=True)
class StepConfig:
    step: str
    resources: Resources = field(default_factory=Resources)
    #: Kubernetes kills a pod that runs longer (the task's execution_timeout is the Airflow-side limit).
    deadline_seconds: int = 3600

    @property
    def image(self) -> str:
        return f"{IMAGE_REGISTRY}/{self.step}:{IMAGE_TAG}"


_HEAVY = Resources(cpu="1", memory="2Gi", cpu_limit="2", memory_limit="4Gi")
_ENCODING = Resources(cpu="1", memory="1Gi", cpu_limit="2", memory_limit="2Gi")
_LIGHT = Resources(cpu="100m", memory="256Mi", cpu_limit="500m", memory_limit="512Mi")

STEP_CONFIG: dict[str, StepConfig] = {step: StepConfig(step) for step in STEPS}
STEP_CONFIG.update(
    # ingest and parse encode Parquet on a second thread (decisions.md 28): a whole core. Their peak
    # is flat in the partition's size, 0.4-0.56 GB from 1M to 10M logs (`make bench`, decision 113).
    ingest=StepConfig("ingest", _ENCODING),
    parse=StepConfig("parse", _ENCODING),
    train=StepConfig("train", _HEAVY, deadline_seconds=7200),
    alert=StepConfig("alert", _LIGHT, deadline_seconds=900),
    report=StepConfig("report", _LIGHT, deadline_seconds=900),
)


def step_config(step: str) -> StepConfig:
    if step not in STEP_CONFIG:
        raise ValueError(f"unknown log-sentinel step {step!r}; steps with images: {', '.join(STEPS)}")
    return STEP_CONFIG[step]
