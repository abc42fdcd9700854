"""The PySpark peer of our data steps (bench/peers.ts): the seed's batch work on the same landing files.

Reads one landing partition (gzip JSON lines, as `sentinel generate` writes them) with an explicit
schema on Spark local[2], aggregates per service per minute (count, errors, p95 latency of
successful events), fills silent minutes, computes rolling z-scores of the counts over the previous
15 minutes (with the same Poisson floor as ours), then fits scikit-learn's IsolationForest on those
features and scores every window. Prints one JSON line: start-up (JVM and session) and work seconds.

Usage: spark_job.py LANDING_DIR DATE   (LANDING_DIR holds date=DATE/*.jsonl.gz)
"""

import json
import sys
import time

import numpy as np

STARTED = time.perf_counter()
from pyspark.sql import SparkSession, Window  # noqa: E402  (the import is part of start-up)
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402

# The raw log record (docs/contracts.md): every key `generate` writes, typed, so Spark does not
# sample the files to infer a schema.
SCHEMA = T.StructType(
    [
        T.StructField("ts", T.TimestampType()),
        T.StructField("service", T.StringType()),
        T.StructField("host", T.StringType()),
        T.StructField("level", T.StringType()),
        T.StructField("message", T.StringType()),
        T.StructField("latency_ms", T.DoubleType()),
        T.StructField("status", T.IntegerType()),
        T.StructField("user_id", T.StringType()),
        T.StructField("session_id", T.StringType()),
        T.StructField("trace_id", T.StringType()),
    ]
)
ROLLING_WINDOWS = 15  # as tasks/features/command.ts
FEATURES = ["count", "error_count", "latency_p95", "count_roll_z"]
FAILURE_LEVELS = ["ERROR", "FATAL", "WARN"]


def session() -> SparkSession:
    return (
        SparkSession.builder.master("local[2]")
        .appName("log-sentinel-peer")
        # Two cores and ~17K windows: 200 shuffle partitions (the default) would be mostly overhead.
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def windows(spark: SparkSession, landing: str, date: str):
    logs = spark.read.schema(SCHEMA).json(f"{landing}/date={date}")
    success = ~F.col("level").isin(FAILURE_LEVELS)
    per_minute = logs.groupBy("service", F.date_trunc("minute", "ts").alias("minute")).agg(
        F.count("*").alias("count"),
        F.sum(F.col("level").isin("ERROR", "FATAL").cast("int")).alias("error_count"),
        F.percentile(F.when(success, F.col("latency_ms")), F.lit(0.95)).alias("latency_p95"),
    )
    # Used twice below (the services seen and the join): cached, so the files are read once.
    per_minute = per_minute.cache()
    # Every minute of the day for every service seen: silence is a signal, as in our features.
    minutes = spark.sql(
        f"SELECT explode(sequence(timestamp'{date} 00:00:00', timestamp'{date} 23:59:00', interval 1 minute)) AS minute"
    )
    grid = per_minute.select("service").distinct().crossJoin(minutes)
    filled = grid.join(per_minute, ["service", "minute"], "left").na.fill(0, ["count", "error_count"])
    previous = Window.partitionBy("service").orderBy("minute").rowsBetween(-ROLLING_WINDOWS, -1)
    mean = F.coalesce(F.avg("count").over(previous), F.col("count").cast("double"))
    std = F.coalesce(F.stddev_samp("count").over(previous), F.lit(0.0))
    spread = F.greatest(std, F.sqrt(F.greatest(mean, F.lit(1.0))))
    return filled.withColumn("count_roll_z", (F.col("count") - mean) / spread)


def main() -> None:
    landing, date = sys.argv[1], sys.argv[2]
    spark = session()
    spark.range(1).count()  # the JVM and the session are up and have run one job
    startup = time.perf_counter() - STARTED

    t = time.perf_counter()
    rows = windows(spark, landing, date).orderBy("service", "minute").collect()
    aggregate = time.perf_counter() - t
    x = np.array([[r[f] if r[f] is not None else np.nan for f in FEATURES] for r in rows], dtype=np.float64)
    x = np.nan_to_num(x, nan=0.0)  # a minute without successful latencies: p95 0, as the model input

    t = time.perf_counter()
    model = IsolationForest(n_estimators=100, max_samples=256, random_state=42).fit(x)
    train = time.perf_counter() - t
    t = time.perf_counter()
    scores = -model.score_samples(x)
    score = time.perf_counter() - t
    spark.stop()
    print(
        json.dumps(
            {
                "logs": int(sum(r["count"] for r in rows)),
                "windows": len(rows),
                "startup_seconds": startup,
                "aggregate_seconds": aggregate,
                "train_seconds": train,
                "score_seconds": score,
                "work_seconds": aggregate + train + score,
                "max_score": float(scores.max()),
            }
        )
    )


if __name__ == "__main__":
    main()
