"""One factory builds every step task: KubernetesPodOperator in production, DockerOperator locally.

Both run the step's own image with the same arguments (the image's ENTRYPOINT is
`node /app/sentinel.mjs <step>`, so only the arguments are passed). Exit codes: 2 bad input,
3 external service, 4 quality gate, 99 "gate closed" (skipped when `skip_on_exit_code=99`).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sentinel_infra import config

#: Retries with exponential backoff: S3/PostgreSQL hiccups (exit 3) usually pass; every step is
#: idempotent for its partition, so a retry or a "Clear" in the UI is always safe.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "log-sentinel",
    "retries": config.TASK_RETRIES,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
    "execution_timeout": timedelta(hours=1),
}


def _kubernetes(task_id: str, step: str, overrides: dict[str, Any]):
    from kubernetes.client import models as k8s
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    cfg = config.step_config(step)
    r = cfg.resources
    kwargs: dict[str, Any] = dict(
        task_id=task_id,
        name=f"sentinel-{step}",
        image=cfg.image,
        namespace=config.NAMESPACE,
        service_account_name=config.SERVICE_ACCOUNT,
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=config.ENV_SECRET))],
        env_vars=[k8s.V1EnvVar(name="LOG_LEVEL", value="info")],
        container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": r.cpu, "memory": r.memory}, limits={"cpu": r.cpu_limit, "memory": r.memory_limit}
        ),
        labels={"app.kubernetes.io/name": "log-sentinel", "app.kubernetes.io/component": step},
        image_pull_policy="IfNotPresent",
        on_finish_action="delete_succeeded_pod",
        get_logs=True,
        reattach_on_restart=True,
        startup_timeout_seconds=300,
        active_deadline_seconds=cfg.deadline_seconds,
    )
    kwargs.update(overrides)
    return KubernetesPodOperator, kwargs, "arguments"


def _docker(task_id: str, step: str, overrides: dict[str, Any]):
    from sentinel_infra.docker_operator import SentinelDockerOperator

    cfg = config.step_config(step)
    kwargs: dict[str, Any] = dict(
        task_id=task_id,
        image=cfg.image,
        docker_url=config.DOCKER_URL,
        network_mode=config.DOCKER_NETWORK,
        auto_remove="success",
        mount_tmp_dir=False,
        environment={"LOG_LEVEL": "info"},
        mem_limit=cfg.resources.memory_limit.replace("Gi", "g").replace("Mi", "m"),
        sentinel_env_file=config.DOCKER_ENV_FILE,
    )
    kwargs.update(overrides)
    return SentinelDockerOperator, kwargs, "command"


def _build(task_id: str, step: str, overrides: dict[str, Any]):
    return (_docker if config.RUNNER == "docker" else _kubernetes)(task_id, step, overrides)


def sentinel_step(task_id: str, step: str, arguments: list[str], **overrides: Any):
    """One task that runs `sentinel <step> <arguments...>` (arguments are Jinja-templated)."""
    cls, kwargs, field = _build(task_id, step, overrides)
    return cls(**kwargs, **{field: arguments})


def sentinel_mapped_step(task_id: str, step: str, arguments, **overrides: Any):
    """The same step mapped over a list of argument lists (an XComArg): one task instance per partition."""
    cls, kwargs, field = _build(task_id, step, overrides)
    return cls.partial(**kwargs).expand(**{field: arguments})
