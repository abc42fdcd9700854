"""Which partitions a run works on, and the argument lists of each mapped step: pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def partition_day(logical_date: datetime | None, data_interval_start: datetime | None) -> str | None:
    """The day a run processes: its logical date when that is a midnight (scheduled runs, backfills, a
    date picked in the trigger form), else its data interval's (the form's default logical date is "now",
    whose data interval is the last complete day). None for a run without a logical date."""
    if logical_date is None:
        return None
    midnight = (logical_date.hour, logical_date.minute, logical_date.second, logical_date.microsecond) == (0, 0, 0, 0)
    return (logical_date if midnight or data_interval_start is None else data_interval_start).date().isoformat()


#: The day a run works on, as a template (the `run_day` macro that sentinel_dag gives every DAG).
RUN_DAY = "{{ run_day(logical_date, data_interval_start) }}"


def run_day(logical_date: datetime | None, data_interval_start: datetime | None) -> str:
    """`partition_day` for templates (the `run_day` macro of every DAG): the day a run works on, or a
    clear error for a run triggered without a logical date, instead of an empty `--date`."""
    day = partition_day(logical_date, data_interval_start)
    if day is None:
        raise ValueError("this run has no logical date: trigger it with one (a date, or the form's default)")
    return day


def midnight_of(day: str) -> datetime:
    """The logical date of the scheduled run that processes `day` (data-interval timetable, UTC)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)


def partition_dates(
    ds: str | None, date_from: str | None = None, date_to: str | None = None, max_days: int = 31
) -> list[str]:
    """The logical date, or every date of a range given at trigger time (inclusive)."""
    if ds is None and not (date_from and date_to):
        raise ValueError("this run has no logical date: trigger it with one, or give both date_from and date_to")
    if not date_from and not date_to:
        return [ds]
    start = date.fromisoformat(date_from or ds)
    end = date.fromisoformat(date_to or ds)
    if end < start:
        raise ValueError(f"date_to {end} is before date_from {start}")
    days = (end - start).days + 1
    if days > max_days:
        raise ValueError(f"{days} days requested; at most {max_days} per run (use a backfill for more)")
    return [(start + timedelta(days=i)).isoformat() for i in range(days)]


def step_arguments(dates: list[str], params: dict, skip_if_empty: bool = False) -> list[dict[str, list[str]]]:
    """Per date, every step's argument list. Optional flags appear only when their param is set.

    `skip_if_empty` (scheduled runs): a day whose logs never landed is skipped (ingest exits 99), not
    failed, so a fresh deployment does not start red; a manual run or backfill of such a day fails.

    One record per date because Airflow maps over a task's whole return value: each step maps over
    `plan.map(lambda r: r[step])`.
    """

    ingest_extra = ["--source", params["source"]] if params.get("source") else []
    if params.get("log_format"):
        ingest_extra += ["--log-format", params["log_format"]]
    if skip_if_empty:
        ingest_extra.append("--skip-if-empty")
    score_extra = ["--model-version", str(params["model_version"])] if params.get("model_version") else []
    alert_extra = ["--dry-run"] if params.get("dry_run") else []
    return [
        {
            "ingest": ["--date", d, *ingest_extra],
            "parse": ["--date", d],
            "features": ["--date", d],
            "score": ["--date", d, *score_extra],
            "alert": ["--date", d, *alert_extra],
            "report": ["--from", d, "--to", d, "--format", "json", "--publish"],
        }
        for d in dates
    ]
