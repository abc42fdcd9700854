"""The pure planning functions behind the daily DAG's fan-out."""

from datetime import UTC

import pytest

from sentinel_infra.partitions import partition_dates, partition_day, step_arguments


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
    assert args[1]["report"] == ["--from", "2026-01-03", "--to", "2026-01-03", "--format", "json", "--publish"]
    [one] = step_arguments(
        ["2026-01-02"], {"model_version": 3, "dry_run": True, "source": "s3://raw/app/", "log_format": "hdfs"}
    )
    assert one["score"] == ["--date", "2026-01-02", "--model-version", "3"]
    assert one["alert"] == ["--date", "2026-01-02", "--dry-run"]
    assert one["ingest"] == ["--date", "2026-01-02", "--source", "s3://raw/app/", "--log-format", "hdfs"]


def test_the_day_of_a_run_is_its_logical_date_unless_the_form_left_it_at_now():
    from datetime import datetime

    utc = UTC
    midnight, yesterday = datetime(2026, 11, 30, tzinfo=utc), datetime(2026, 11, 29, tzinfo=utc)
    # Scheduled runs, backfills and a date picked in the form: the logical date is a midnight.
    assert partition_day(midnight, yesterday) == "2026-11-30"
    # The trigger form's default logical date is "now": the last complete day (the run's data interval).
    assert partition_day(datetime(2026, 11, 30, 16, 30, tzinfo=utc), yesterday) == "2026-11-29"


def test_only_scheduled_runs_skip_a_day_without_landing_data():
    [scheduled] = step_arguments(["2026-01-02"], {}, skip_if_empty=True)
    assert scheduled["ingest"] == ["--date", "2026-01-02", "--skip-if-empty"]
    [manual] = step_arguments(["2026-01-02"], {})
    assert manual["ingest"] == ["--date", "2026-01-02"]


def test_a_run_without_a_logical_date_needs_a_whole_range():
    assert partition_day(None, None) is None
    assert partition_dates(None, "2026-01-02", "2026-01-03") == ["2026-01-02", "2026-01-03"]
    with pytest.raises(ValueError, match="no logical date"):
        partition_dates(None, "2026-01-02")
