"""Exit codes decide retries: 2 (bad input) and 4 (quality gate) fail at once, 3 (external service) and
unknown failures are retried, 99 skips where asked. The rule is a pure function; each runner's operator
is driven through the pinned provider's own failure path with a fake pod or Docker client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import pendulum
import pytest
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
from kubernetes.client import models as k8s

from sentinel_infra.exit_codes import Action, action_for, docker_exit_code
from sentinel_infra.factory import sentinel_step


@pytest.mark.parametrize(
    ("exit_code", "action"),
    [
        (0, Action.SUCCEED),
        (1, Action.RETRY),  # internal: may be an unclassified transient error
        (2, Action.FAIL),  # bad input
        (3, Action.RETRY),  # S3 / PostgreSQL unreachable
        (4, Action.FAIL),  # quality gate
        (99, Action.RETRY),  # a failure unless the task skips on it
        (137, Action.RETRY),  # killed: out of memory, evicted
        (None, Action.RETRY),  # no exit code: the pod was lost
    ],
)
def test_action_for_each_exit_code(exit_code, action):
    assert action_for(exit_code) is action


def test_skip_on_exit_code_wins_only_for_its_codes():
    assert action_for(99, skip_on=[99]) is Action.SKIP
    assert action_for(2, skip_on=[99]) is Action.FAIL
    assert action_for(0, skip_on=[0]) is Action.SUCCEED


def test_docker_exit_code_from_the_providers_message():
    assert docker_exit_code("Docker container failed: {'Error': None, 'StatusCode': 2}") == 2
    assert docker_exit_code("something else") is None


def step_task(runner: str, monkeypatch, **overrides):
    monkeypatch.setattr("sentinel_infra.config.RUNNER", runner)
    with DAG(f"exit_codes_{runner}", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):
        return sentinel_step("ingest", "ingest", ["--date", "2026-01-02"], **overrides)


def finished_pod(exit_code: int) -> k8s.V1Pod:
    terminated = k8s.V1ContainerStateTerminated(exit_code=exit_code, reason="Completed" if exit_code == 0 else "Error")
    status = k8s.V1ContainerStatus(
        name="base",
        image="i",
        image_id="",
        ready=False,
        restart_count=0,
        state=k8s.V1ContainerState(terminated=terminated),
    )
    phase = "Succeeded" if exit_code == 0 else "Failed"
    return k8s.V1Pod(
        metadata=k8s.V1ObjectMeta(name="sentinel-ingest-abc", namespace="log-sentinel"),
        status=k8s.V1PodStatus(phase=phase, container_statuses=[status]),
    )


def pod_cleanup(task, exit_code: int) -> None:
    """The provider's cleanup (what runs after the pod ends), with the cluster calls stubbed out."""
    pod = finished_pod(exit_code)
    with (
        mock.patch.object(KubernetesPodOperator, "is_istio_enabled", return_value=False),
        mock.patch.object(KubernetesPodOperator, "patch_already_checked"),
        mock.patch.object(KubernetesPodOperator, "process_pod_deletion"),
    ):
        task.cleanup(pod, pod, context={})


@pytest.mark.parametrize("exit_code", [2, 4])
def test_pod_exit_2_and_4_fail_without_retry(monkeypatch, exit_code):
    with pytest.raises(AirflowFailException, match=f"exit code {exit_code}, not retried") as err:
        pod_cleanup(step_task("kubernetes", monkeypatch), exit_code)
    assert "returned a failure" in str(err.value.__cause__)  # the provider's message stays in the log


@pytest.mark.parametrize("exit_code", [1, 3, 137])
def test_pod_exit_3_and_others_fail_for_a_retry(monkeypatch, exit_code):
    with pytest.raises(AirflowException) as err:
        pod_cleanup(step_task("kubernetes", monkeypatch), exit_code)
    assert type(err.value) is AirflowException


def test_pod_gate_closed_skips_and_success_passes(monkeypatch):
    with pytest.raises(AirflowSkipException):
        pod_cleanup(step_task("kubernetes", monkeypatch, skip_on_exit_code=99), 99)
    pod_cleanup(step_task("kubernetes", monkeypatch), 0)


def docker_run(task, exit_code: int, lines: tuple[bytes, ...] = (b"a log line\n",)):
    """The provider's own execute → _run_image path against a fake Docker client."""
    cli = mock.MagicMock()
    cli.images.return_value = [{"Id": "img"}]  # present: no pull
    cli.create_container.return_value = {"Id": "c1"}
    cli.attach.return_value = iter(lines)
    cli.wait.return_value = {"Error": None, "StatusCode": exit_code}
    with mock.patch.object(DockerOperator, "cli", new_callable=mock.PropertyMock, return_value=cli):
        return task.execute(context={})


@pytest.mark.parametrize("exit_code", [2, 4])
def test_docker_exit_2_and_4_fail_without_retry(monkeypatch, exit_code):
    with pytest.raises(AirflowFailException, match=f"exit code {exit_code}, not retried"):
        docker_run(step_task("docker", monkeypatch), exit_code)


def test_the_step_error_is_the_task_failure_message(monkeypatch):
    lines = (
        b'{"level":50,"msg":"ingest failed"}\n',
        b"sentinel: no input files in s3://lake/landing/date=2026-01-02/\n",
    )
    with pytest.raises(
        AirflowFailException, match=r"^no input files in s3://lake/landing/date=2026-01-02/ — exit code 2"
    ):
        docker_run(step_task("docker", monkeypatch), 2, lines)
    with pytest.raises(AirflowException, match=r"^S3 down \(exit code 3\)$"):
        docker_run(step_task("docker", monkeypatch), 3, (b"sentinel: S3 down\n",))


def test_docker_exit_3_fails_for_a_retry_and_99_skips(monkeypatch):
    with pytest.raises(AirflowException) as err:
        docker_run(step_task("docker", monkeypatch), 3)
    assert not isinstance(err.value, (AirflowFailException, AirflowSkipException))
    with pytest.raises(AirflowSkipException):
        docker_run(step_task("docker", monkeypatch, skip_on_exit_code=99), 99)
    docker_run(step_task("docker", monkeypatch), 0)


def test_plan_fails_at_once_on_a_reversed_range(dagbag):
    plan = dagbag.dags["log_sentinel_daily"].get_task("plan")
    day = datetime(2026, 1, 5, tzinfo=UTC)
    manual = SimpleNamespace(logical_date=day, data_interval_start=day - timedelta(days=1), run_type="manual")
    with pytest.raises(AirflowFailException, match="before"):
        plan.python_callable(params={"date_from": "2026-01-05", "date_to": "2026-01-01"}, dag_run=manual)
    [record] = plan.python_callable(params={}, dag_run=manual)
    assert record["ingest"] == ["--date", "2026-01-05"]
    scheduled = SimpleNamespace(logical_date=day, data_interval_start=day, run_type="scheduled")
    [record] = plan.python_callable(params={}, dag_run=scheduled)
    assert record["ingest"] == ["--date", "2026-01-05", "--skip-if-empty"]
