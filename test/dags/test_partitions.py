"""The pure planning functions behind the daily DAG's fan-out."""

import pytest

from sentinel_infra.partitions import partition_dates, step_arguments


def test_logical_date_by_default_and_ranges_when_given():
    assert partition_dates("2026-01-05") == ["2026-01-05"]
    assert partition_dates("2026-01-05", "2026-01-02", "2026-01-04") == ["2026-01-02", "2026-01-03", "2026-01-04"]
    with pytest.raises(ValueError, match="before"):
        partition_dates("2026-01-05", "2026-01-04", "2026-01-01")
    with pytest.raises(ValueError, match="backfill"):
        partition_dates("2026-01-05", "2026-01-01", "2026-03-01")


def test_optional_flags_only_when_set():
    args = step_arguments(["2026-01-02", "2026-01-03"], {"model_version": None, "dry_run": False})
    assert [a["score"] for a in args] == [["--date", "2026-01-02"], ["--date", "2026-01-03"]]
    assert args[1]["report"] == ["--from", "2026-01-03", "--to", "2026-01-03", "--format", "json"]
    [one] = step_arguments(
        ["2026-01-02"], {"model_version": 3, "dry_run": True, "source": "s3://raw/app/", "log_format": "hdfs"}
    )
    assert one["score"] == ["--date", "2026-01-02", "--model-version", "3"]
    assert one["alert"] == ["--date", "2026-01-02", "--dry-run"]
    assert one["ingest"] == ["--date", "2026-01-02", "--source", "s3://raw/app/", "--log-format", "hdfs"]
