"""When the DAGs run and which day a run processes.

`@daily` in Airflow 3 is a CronTriggerTimetable: the run at midnight of D+1 has logical date D+1,
so `{{ ds }}` would be a day that has only just begun. A data-interval timetable gives the run of
day D logical date D (the start of its interval), fired once D is over: `{{ ds }}` is the complete
day, for scheduled runs, backfills and manual triggers alike.

SENTINEL_SCHEDULE_START/END bound the schedule, and SENTINEL_CATCHUP=0 turns catch-up off (a new
deployment, or a test, that should not create a run for every day since the start date; backfills
are unaffected).
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import CronDataIntervalTimetable

DAILY = CronDataIntervalTimetable("0 0 * * *", timezone="UTC")
START = pendulum.parse(os.environ.get("SENTINEL_SCHEDULE_START", "2026-01-01"), tz="UTC")
END = pendulum.parse(os.environ["SENTINEL_SCHEDULE_END"], tz="UTC") if os.environ.get("SENTINEL_SCHEDULE_END") else None
CATCHUP = os.environ.get("SENTINEL_CATCHUP", "1") != "0"
