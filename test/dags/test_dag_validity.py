"""House policy for every DAG, enforced by tests rather than by review (after mozilla/telemetry-airflow's
tests/dags/test_dag_validity.py): the DagBag parses cleanly, and every DAG and task follows the house
header (sentinel_infra/dag.py) and runs containers only through the factory."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator

from conftest import DAGS
from sentinel_infra import config
from sentinel_infra.dag import DEFAULT_ARGS, OWNER, TAG
from sentinel_infra.sensors import StepDoneSensor


def all_tasks(dagbag: DagBag):
    return [(dag, task) for dag in dagbag.dags.values() for task in dag.tasks]


def setting(task, name: str):
    """An operator argument of a plain or a mapped task (mapped ones keep theirs in partial_kwargs)."""
    partial = getattr(task, "partial_kwargs", None)
    return partial[name] if partial is not None and name in partial else getattr(task, name)


def test_no_import_errors_and_no_parse_warnings(dagbag):
    assert dagbag.import_errors == {}
    # What the UI would show as DAG warnings, deprecations included.
    assert dagbag.captured_warnings == {}
    assert len(dagbag.dags) >= 3


def test_one_dag_per_file_named_after_it(dagbag):
    for dag in dagbag.dags.values():
        assert Path(dag.fileloc).stem == dag.dag_id
        assert Path(dag.fileloc).parent == DAGS
    assert len({dag.fileloc for dag in dagbag.dags.values()}) == len(dagbag.dags)


def test_every_dag_has_the_house_header(dagbag):
    for dag in dagbag.dags.values():
        assert dag.owner == OWNER, dag.dag_id
        assert TAG in dag.tags and len(dag.tags) >= 2, dag.dag_id  # the project and the DAG's kind
        assert dag.description and dag.doc_md, dag.dag_id
        assert dag.is_paused_upon_creation is True, dag.dag_id
        assert dag.deadline, dag.dag_id
        assert type(dag.timetable).__name__ == "CronDataIntervalTimetable", dag.dag_id
        assert dag.default_args == DEFAULT_ARGS, dag.dag_id


def test_every_task_has_the_owner_and_retry_policy(dagbag):
    for dag, task in all_tasks(dagbag):
        where = f"{dag.dag_id}.{task.task_id}"
        assert setting(task, "owner") == OWNER, where
        assert setting(task, "retries") == config.TASK_RETRIES == 2, where
        assert setting(task, "retry_exponential_backoff"), where
        assert setting(task, "max_retry_delay") == timedelta(minutes=20), where
        assert setting(task, "execution_timeout") is not None, where


#: The only operators a DAG may use besides the factory's: planning in Python, sensors, triggers.
NON_CONTAINER_OPERATORS = {"_PythonDecoratedOperator", StepDoneSensor.__name__, TriggerDagRunOperator.__name__}


@pytest.fixture(params=["kubernetes", "docker"])
def runner_dagbag(request, monkeypatch):
    """The DAGs parsed for one runner (config is read from the environment at import time)."""
    monkeypatch.setenv("SENTINEL_RUNNER", request.param)
    from sentinel_infra import factory

    importlib.reload(config)
    importlib.reload(factory)
    try:
        yield request.param, DagBag(dag_folder=str(DAGS))
    finally:
        monkeypatch.delenv("SENTINEL_RUNNER")
        importlib.reload(config)
        importlib.reload(factory)


def test_every_container_task_comes_from_the_factory(runner_dagbag):
    from sentinel_infra.docker_operator import SentinelDockerOperator
    from sentinel_infra.pod_operator import SentinelPodOperator

    runner, dagbag = runner_dagbag
    assert dagbag.import_errors == {}
    factory_class = SentinelDockerOperator if runner == "docker" else SentinelPodOperator
    containers = 0
    for dag, task in all_tasks(dagbag):
        cls = task.operator_class
        where = f"{dag.dag_id}.{task.task_id}"
        if issubclass(cls, (KubernetesPodOperator, DockerOperator)):
            # The factory's subclass: house settings and the exit-code rule (2 and 4 never retried).
            assert cls is factory_class, where
            image = setting(task, "image")
            registry_step, tag = image.rsplit(":", 1)
            assert tag == config.IMAGE_TAG and registry_step.rsplit("/", 1)[1] in config.STEPS, where
            containers += 1
        else:
            assert cls.__name__ in NON_CONTAINER_OPERATORS, where
    assert containers >= 9


def test_every_param_has_a_title_for_the_trigger_form(dagbag):
    for dag in dagbag.dags.values():
        for name in dag.params:
            assert dag.params.get_param(name).schema.get("title"), f"{dag.dag_id}.{name}"
