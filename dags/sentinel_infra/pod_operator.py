"""KubernetesPodOperator with the house exit-code rule: exit 2 and 4 fail at once, without retries."""

from __future__ import annotations

from dataclasses import dataclass

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.utils.container import get_container_status
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from sentinel_infra.exit_codes import fail_fast


@dataclass(frozen=True)
class Termination:
    """How the step's container ended: exit code, Kubernetes' reason (Error, OOMKilled, ...) and the
    termination message (the CLI writes its error to /dev/termination-log, tasks/cli.ts)."""

    exit_code: int | None = None
    reason: str | None = None
    message: str | None = None

    def describe(self) -> str:
        what = (self.message or "").strip() or "the step failed"
        return f"{what} (exit code {self.exit_code}, reason {self.reason or 'unknown'})"


def pod_termination(remote_pod, container_name: str) -> Termination:
    """The terminated container's state; all None when the pod was lost or the container never ran."""
    status = get_container_status(remote_pod, container_name)
    terminated = status.state.terminated if status and status.state else None
    if not terminated:
        return Termination()
    return Termination(terminated.exit_code, terminated.reason, terminated.message)


def pod_exit_code(remote_pod, container_name: str) -> int | None:
    """The terminated container's exit code, or None (pod lost, container never ran)."""
    return pod_termination(remote_pod, container_name).exit_code


class SentinelPodOperator(KubernetesPodOperator):
    """`cleanup` is where the provider turns a failed pod into AirflowException (and an exit code in
    `skip_on_exit_code` into a skip), after deleting or keeping the pod; that failure is re-raised as
    AirflowFailException when the exit code says retrying cannot help, and always names the step's
    error and the container's end (OOMKilled is visible only there: the step cannot log it)."""

    def cleanup(self, pod, remote_pod, xcom_result=None, context=None):
        try:
            return super().cleanup(pod, remote_pod, xcom_result, context)
        except (AirflowSkipException, AirflowFailException):
            raise
        except AirflowException as failure:
            end = pod_termination(remote_pod, self.base_container_name)
            fail_fast(end.exit_code, failure, (end.message or "").strip() or None)
            if end.exit_code is None:
                raise
            raise AirflowException(end.describe()) from failure
