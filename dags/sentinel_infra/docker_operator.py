"""DockerOperator for the local runner: the step's environment read from a file at run time, and the
house exit-code rule (exit 2 and 4 fail at once, without retries)."""

from __future__ import annotations

from pathlib import Path

from airflow.providers.docker.exceptions import DockerContainerFailedException
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk.exceptions import AirflowException

from sentinel_infra.exit_codes import docker_exit_code, fail_fast


def read_env_file(path: str) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored."""
    env: dict[str, str] = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def step_error(logs: list[str | bytes]) -> str | None:
    """The step's own error: the CLI's last `sentinel: <message>` line (shared/errors.ts, tasks/cli.ts)."""
    for line in reversed(logs):
        text = (line.decode(errors="replace") if isinstance(line, bytes) else line).strip()
        if text.startswith("sentinel: "):
            return text.removeprefix("sentinel: ")
    return None


class SentinelDockerOperator(DockerOperator):
    """Credentials (DATABASE_URL, S3 keys) go into `private_environment` when the task runs: they are
    never templated, rendered in the UI or stored by Airflow — the Docker counterpart of the
    Kubernetes Secret the pods get."""

    def __init__(self, *, sentinel_env_file: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.sentinel_env_file = sentinel_env_file

    def execute(self, context):
        if self.sentinel_env_file:
            self._private_environment = {**read_env_file(self.sentinel_env_file), **self._private_environment}
        try:
            return super().execute(context)
        except DockerContainerFailedException as failure:
            # The container's lines are logged at INFO; the task's failure (its last ERROR line) says why.
            code, error = docker_exit_code(str(failure)), step_error(failure.logs or [])
            fail_fast(code, failure, error)
            if error is None:
                raise
            raise AirflowException(f"{error} (exit code {code})") from failure
