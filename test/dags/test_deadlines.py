"""Deadlines only for scheduled runs of recent days: backfills, manual runs and catch-up get none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentinel_infra.deadlines import RecentScheduledRun, deadline_base

NOW = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)
YESTERDAY = NOW.replace(minute=0) - timedelta(days=1)


@pytest.mark.parametrize(
    ("run_type", "logical_date", "expected"),
    [
        ("scheduled", YESTERDAY, YESTERDAY),  # the daily run of the day that just ended
        ("scheduled", YESTERDAY - timedelta(days=30), None),  # catch-up of an old day
        ("backfill", YESTERDAY, None),
        ("manual", YESTERDAY, None),
        ("asset_triggered", None, None),
    ],
)
def test_deadline_base(run_type, logical_date, expected):
    assert deadline_base(run_type, logical_date, NOW) == expected


def test_every_dag_uses_the_reference_its_plugin_registers(dagbag):
    from sentinel_infra.plugins.log_sentinel_deadlines import LogSentinelDeadlines

    assert RecentScheduledRun in LogSentinelDeadlines.deadline_references
    for dag in dagbag.dags.values():
        [alert] = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
        assert isinstance(alert.reference, RecentScheduledRun), dag.dag_id
