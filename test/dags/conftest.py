"""DAG tests run against the real apache-airflow 3.3.2 and providers (.venv-airflow), no cluster."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"

# Airflow reads its settings at import time: point it at a throwaway home before anything imports it.
_home = tempfile.mkdtemp(prefix="airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", _home)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
sys.path.insert(0, str(DAGS))


@pytest.fixture(scope="session")
def dagbag():
    """The repo's DAGs, parsed once as the dag-processor would."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))
