"""What a step's exit code means to Airflow: one pure rule, applied by both runners' operators.

The codes are shared/errors.ts `EXIT`. Retrying helps only when the cause may go away by itself: an
unreachable S3 or PostgreSQL (3), and also an unclassified internal error (1, e.g. a socket reset a
library threw raw), a killed container (137: out of memory, evicted node) or a pod that never
reported an exit code. Bad input (2) and a failed quality gate (4) fail the same way every time, so
they fail the task at once: fix the data, then Clear.
"""

from __future__ import annotations

import re
from collections.abc import Container
from enum import StrEnum

OK, INTERNAL, BAD_INPUT, EXTERNAL_SERVICE, QUALITY_GATE, GATE_CLOSED = 0, 1, 2, 3, 4, 99

#: Exit codes that rerunning cannot fix, and what the operator should do instead.
NOT_RETRIED = {
    BAD_INPUT: "bad input or usage: fix the input, then Clear the task",
    QUALITY_GATE: "quality gate: too many quarantined records; fix the input, then Clear the task",
}


class Action(StrEnum):
    SUCCEED = "succeed"
    SKIP = "skip"  # skip_on_exit_code (99: `monitor --gate` recommends no retraining)
    FAIL = "fail"  # AirflowFailException: the task fails now, whatever retries are left
    RETRY = "retry"  # an ordinary failure: Airflow retries with exponential backoff


def action_for(exit_code: int | None, skip_on: Container[int] = ()) -> Action:
    """The action for a finished container; None when it reported no exit code (pod lost, never started)."""
    if exit_code == OK:
        return Action.SUCCEED
    if exit_code is not None and exit_code in skip_on:
        return Action.SKIP
    if exit_code in NOT_RETRIED:
        return Action.FAIL
    return Action.RETRY


def fail_fast(exit_code: int | None, failure: BaseException, error: str | None = None) -> None:
    """Called with an operator's failure: raises AirflowFailException when retrying cannot help.
    `error` is the step's own message, when the operator has it."""
    if action_for(exit_code) is Action.FAIL:
        from airflow.sdk.exceptions import AirflowFailException

        why = f"{error} — " if error else ""
        raise AirflowFailException(f"{why}exit code {exit_code}, not retried ({NOT_RETRIED[exit_code]})") from failure


_DOCKER_STATUS = re.compile(r"'StatusCode': (-?\d+)")


def docker_exit_code(message: str) -> int | None:
    """The exit code in the docker provider's `Docker container failed: {'Error': None, 'StatusCode': 2}`.

    The provider removes the container (auto_remove) before raising and keeps the wait() result only
    in the message; test_exit_codes.py runs the pinned provider's own code to pin this format.
    """
    match = _DOCKER_STATUS.search(message)
    return int(match.group(1)) if match else None
