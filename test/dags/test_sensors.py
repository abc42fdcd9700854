"""The rule of the sensor that waits for a daily step (all map indexes of one logical date)."""

from __future__ import annotations

import pytest

from sentinel_infra.sensors import Verdict, verdict


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((0, 0, 0, 0), Verdict.WAIT),  # no daily run for the date yet
        ((1, 0, 0, 0), Verdict.WAIT),  # the unexpanded placeholder of a mapped task
        ((3, 2, 0, 0), Verdict.WAIT),  # a range run: one of three dates still scoring
        ((1, 1, 0, 0), Verdict.DONE),
        ((3, 3, 0, 0), Verdict.DONE),  # a range run, every date scored (the 12 h wait of issue 15)
        ((3, 2, 0, 0, 1), Verdict.DONE),  # a rerun with fewer dates: the extra map index is removed
        ((3, 1, 1, 0), Verdict.FAIL),  # fail fast while the other dates still run
        ((1, 0, 0, 1), Verdict.SKIP),  # no data that day: ingest skipped, and with it score
        ((2, 1, 0, 1), Verdict.DONE),
    ],
)
def test_verdict(counts, expected):
    assert verdict(*counts) is expected
