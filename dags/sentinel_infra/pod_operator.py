"""KubernetesPodOperator with the house exit-code rule: exit 2 and 4 fail at once, without retries."""

from __future__ import annotations

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.utils.container import get_container_status
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from sentinel_infra.exit_codes import fail_fast


def pod_exit_code(remote_pod, container_name: str) -> int | None:
    """The terminated container's exit code, or None (pod lost, container never ran)."""
    status = get_container_status(remote_pod, container_name)
    terminated = status.state.terminated if status and status.state else None
    return terminated.exit_code if terminated else None


class SentinelPodOperator(KubernetesPodOperator):
    """`cleanup` is where the provider turns a failed pod into AirflowException (and an exit code in
    `skip_on_exit_code` into a skip), after deleting or keeping the pod; that failure is re-raised as
    AirflowFailException when the exit code says retrying cannot help."""

    def cleanup(self, pod, remote_pod, xcom_result=None, context=None):
        try:
            return super().cleanup(pod, remote_pod, xcom_result, context)
        except (AirflowSkipException, AirflowFailException):
            raise
        except AirflowException as failure:
            fail_fast(pod_exit_code(remote_pod, self.base_container_name), failure)
            raise
