"""`pxa --help` wall time (import hygiene), against `python -c pass` in the same run.

Each is a fresh process, as a person typing the command starts one; the runs alternate so
both see the same machine load. Median and best of --runs, after one warm-up each (OS
caches, bytecode). The difference to the baseline is what pxa's imports and argument
parser cost on top of starting Python at all. Also: which heavy packages `--help` imports
(none of textual, fastapi, uvicorn, anthropic, pydantic should be among them).

    .venv/bin/python bench/cli_help.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "pxa --help": [sys.executable, "-m", "pxa", "--help"],
}
HEAVY = ("textual", "fastapi", "uvicorn", "anthropic", "pydantic", "httpx", "sqlite_utils")
TARGET_MS = 150
# As installed: bytecode is written once (pip compiles it too), then read on every start.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV
    )
    return time.perf_counter() - start


def heavy_imports() -> list[str]:
    probe = (
        "import sys, runpy; sys.argv = ['pxa', '--help']\n"
        "try:\n    runpy.run_module('pxa', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print('HEAVY:', *[m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=ENV
    ).stdout
    return out.rsplit("HEAVY:", 1)[-1].split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        wall(command)  # warm-up
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    base = statistics.median(times["python -c pass"])
    print(f"wall time of a fresh process, median (best) of {args.runs}, alternating")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"  {name:<16}{median * 1000:7.0f} ms ({min(samples) * 1000:.0f})"
            f"   {median / base:5.2f}x the baseline"
        )
    help_ms = statistics.median(times["pxa --help"]) * 1000
    print(f"  pxa's own share  {help_ms - base * 1000:7.0f} ms")
    verdict = "met" if help_ms <= TARGET_MS else "NOT met"
    print(f"  target: pxa --help <= {TARGET_MS} ms: {verdict}")
    heavy = heavy_imports()
    print(f"  heavy packages imported by --help: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
