"""CLI start-up: seconds from launch to exit for commands that need no heavy import.

Run: ``python bench/bench_cli.py [--repeat 5]``. Prints the median and worst of each command, and
``python -c pass`` as the baseline (the interpreter's own start-up) measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "bootcamp"
COMMANDS = [["--version"], ["--help"], ["tasks", "--help"], ["tasks", "export", "--help"], ["train", "--help"],
            ["serve", "--help"], ["envs", "--help"]]


def timed(argv: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    base = timed([sys.executable, "-c", "pass"], args.repeat)
    print(f"{'python -c pass (baseline)':32s} median {statistics.median(base):5.2f} s   worst {max(base):5.2f} s")
    for cmd in COMMANDS:
        ts = timed([str(BIN), *cmd], args.repeat)
        print(f"{'bootcamp ' + ' '.join(cmd):32s} median {statistics.median(ts):5.2f} s   worst {max(ts):5.2f} s")


if __name__ == "__main__":
    main()
