"""A task's templated fields rendered as the worker renders them, for a run of a given logical date."""

from __future__ import annotations

import copy
from datetime import datetime
from unittest import mock

from airflow.sdk.execution_time import macros


def render_task(dag, task, logical_date: datetime, data_interval_start: datetime, conf: dict | None = None):
    """A rendered copy of `task` (rendering replaces the templated fields in place) and the context used."""
    task = copy.deepcopy(task)
    params = {k: dag.params[k] for k in dag.params}
    params.update(conf or {})
    context = {
        "ds": logical_date.date().isoformat(),
        "params": params,
        "macros": macros,
        "logical_date": logical_date,
        "data_interval_start": data_interval_start,
        "run_id": "manual__test",
        "dag": dag,
        "task": task,
        # Only what the pod operator reads for its labels: ids, map index, try number.
        "ti": mock.MagicMock(dag_id=dag.dag_id, task_id=task.task_id, map_index=-1, try_number=1),
    }
    task.render_template_fields(context, jinja_env=dag.get_template_env())
    return task, context
