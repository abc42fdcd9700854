"""One factory builds every step task: KubernetesPodOperator in production, DockerOperator locally.

Both run the step's own image with the same arguments (the image's ENTRYPOINT is
`node /app/sentinel.mjs <step>`, so only the arguments are passed). Both operators apply one exit-code
rule (sentinel_infra/exit_codes.py): 2 bad input and 4 quality gate fail at once, 3 external service
(and other failures) is retried with backoff, 99 "gate closed" is skipped where `skip_on_exit_code=99`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sentinel_infra import config
from sentinel_infra.partitions import RUN_DAY


def _pod_security():
    """The pod- and container-level securityContext and the emptyDirs of the read-only root filesystem:
    what Pod Security `restricted` demands, and no more privilege than a step needs."""
    from kubernetes.client import models as k8s

    pod = k8s.V1PodSecurityContext(
        run_as_non_root=True,
        run_as_user=config.RUN_AS_USER,
        run_as_group=config.RUN_AS_GROUP,
        fs_group=config.RUN_AS_GROUP,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )
    container = k8s.V1SecurityContext(
        run_as_non_root=True,
        allow_privilege_escalation=False,
        read_only_root_filesystem=True,
        capabilities=k8s.V1Capabilities(drop=["ALL"]),
    )
    volumes = [
        k8s.V1Volume(name=name, empty_dir=k8s.V1EmptyDirVolumeSource(size_limit=config.WRITABLE_SIZE_LIMIT))
        for name in config.WRITABLE_PATHS
    ]
    mounts = [k8s.V1VolumeMount(name=name, mount_path=path) for name, path in config.WRITABLE_PATHS.items()]
    return pod, container, volumes, mounts


def _kubernetes(task_id: str, step: str, overrides: dict[str, Any]):
    from kubernetes.client import models as k8s

    from sentinel_infra.pod_operator import SentinelPodOperator

    cfg = config.step_config(step)
    r = cfg.resources
    pod_security, container_security, volumes, mounts = _pod_security()
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
        security_context=pod_security,
        container_security_context=container_security,
        volumes=volumes,
        volume_mounts=mounts,
        labels={"app.kubernetes.io/name": "log-sentinel", "app.kubernetes.io/component": step},
        image_pull_policy="IfNotPresent",
        on_finish_action="delete_succeeded_pod",
        get_logs=True,
        # On failure, the container's end (reason OOMKilled, exit code) and the pod's events in the task log.
        log_events_on_failure=True,
        # A worker that dies mid-step reattaches to its pod on the next try instead of starting a
        # second one (Airflow 3.3+; successor of the deprecated reattach_on_restart).
        durable=True,
        startup_timeout_seconds=300,
        active_deadline_seconds=cfg.deadline_seconds,
    )
    if config.KUBECONFIG_FILE:
        kwargs["config_file"] = config.KUBECONFIG_FILE
    kwargs.update(overrides)
    return SentinelPodOperator, kwargs, "arguments"


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


def wait_for_step(task_id: str, dag_id: str, step: str, day: str = RUN_DAY):
    """Wait for `step` of DAG `dag_id` on `day` (a template; this run's day by default): all its map
    indexes done; fails at once when it failed, skips when it was skipped (sentinel_infra/sensors.py)."""
    from sentinel_infra.sensors import StepDoneSensor

    return StepDoneSensor(
        task_id=task_id,
        external_dag_id=dag_id,
        external_task_id=step,
        day=day,
        mode="reschedule",
        poke_interval=config.SENSOR_POKE_SECONDS,
        timeout=int(timedelta(hours=12).total_seconds()),
    )
