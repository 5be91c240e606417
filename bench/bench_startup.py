#!/usr/bin/env python3
"""How fast `kg --help` and `kg query --help` answer (best of N fresh processes), and what they import.

usage: python bench/bench_startup.py [--runs 5]

`kg --help` should answer in under 0.5 s: listing the commands imports none of them, and spaCy and NetworkX
load only in the commands that use them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

HEAVY = ("spacy", "networkx", "requests")


def best_of(runs: int, *args: str) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def loaded(*args: str) -> list[str]:
    code = (
        f"import sys; from click.testing import CliRunner; from kg.cli import main; "
        f"CliRunner().invoke(main, {list(args)!r}); print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    python = best_of_python(runs)
    print(f"{'command':<18} {'best s':>7} {'minus python':>13}  heavy modules loaded")
    for args in (("--help",), ("query", "--help")):
        seconds = best_of(runs, *args)
        print(
            f"{'kg ' + ' '.join(args):<18} {seconds:7.3f} {seconds - python:13.3f}  {' '.join(loaded(*args)) or '-'}"
        )


def best_of_python(runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        best = min(best, time.perf_counter() - started)
    return best


if __name__ == "__main__":
    main()
