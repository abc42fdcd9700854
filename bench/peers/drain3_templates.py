"""The Drain3 peer of `sentinel templates` (bench/peers.ts): template mining over the same file.

Drain3 0.9.11 with its default config (no masking, depth 4, similarity 0.4, max 100 children), fed
line by line as its README shows. With `--log-format hdfs` only the content after the loghub HDFS
header (`<Date> <Time> <Pid> <Level> <Component>: <Content>`) is mined, as ours does; otherwise the
whole line. Prints one JSON line: lines, clusters, seconds (reading and mining) and lines/s.

Usage: drain3_templates.py FILE [--log-format hdfs]
"""

import json
import logging
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig

HDFS_HEADER_FIELDS = 5


def content_of(line: str, hdfs: bool) -> str:
    if not hdfs:
        return line
    parts = line.split(" ", HDFS_HEADER_FIELDS)
    return parts[HDFS_HEADER_FIELDS] if len(parts) > HDFS_HEADER_FIELDS else line


def main() -> None:
    path = sys.argv[1]
    hdfs = "--log-format" in sys.argv and sys.argv[sys.argv.index("--log-format") + 1] == "hdfs"
    # Drain3 logs every new or changed cluster at INFO; that is its default, but it is not mining.
    logging.disable(logging.INFO)
    miner = TemplateMiner(config=TemplateMinerConfig())  # defaults, without looking for a drain3.ini
    lines = 0
    started = time.perf_counter()
    with open(path, encoding="utf-8", errors="replace") as file:
        for line in file:
            miner.add_log_message(content_of(line.rstrip("\n"), hdfs))
            lines += 1
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "lines": lines,
                "clusters": len(miner.drain.clusters),
                "seconds": seconds,
                "lines_per_second": lines / seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
