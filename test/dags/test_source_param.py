"""Issue 14 item 10: the daily DAG's `source` param admits only s3:// prefixes, as ingest does."""

import pytest
from airflow.sdk.definitions.param import ParamValidationError


@pytest.mark.parametrize("source", [None, "s3://raw-logs/app/2026-01-05/", "s3://raw.logs-1"])
def test_source_accepts_none_and_s3_prefixes(dagbag, source):
    params = dagbag.dags["log_sentinel_daily"].params
    assert params.get_param("source").resolve(source) == source


@pytest.mark.parametrize(
    "source", ["/proc/self/environ", "file:///proc/self/environ", "../landing", "s3://", "s3://b/ x", "http://x/y"]
)
def test_source_refuses_local_paths_and_other_schemes(dagbag, source):
    with pytest.raises(ParamValidationError):
        dagbag.dags["log_sentinel_daily"].params.get_param("source").resolve(source)
