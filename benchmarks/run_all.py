"""Run every benchmark in this folder, side by side with its anchor tool, and collect ratios.

Usage: python benchmarks/run_all.py [--json results.json] [--only NAME ...]

Each `bench_*.py` is a standalone script that times docgen and its anchor in one run and
prints lines containing `ratio`; this runner keeps those lines (and every `N.NNx` figure in
them) so CI can store and compare them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURE = re.compile(r"(\d+(?:\.\d+)?)x\b")


def run(script: Path) -> dict[str, object]:
    """Run one benchmark script; return its ratio lines, figures and time."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    lines = [line.strip() for line in done.stdout.splitlines() if "ratio" in line.lower()]
    return {
        "returncode": done.returncode,
        "seconds": round(time.perf_counter() - start, 2),
        "ratios": lines,
        "figures": [float(m) for line in lines for m in FIGURE.findall(line)],
        "stderr": done.stderr[-2000:] if done.returncode else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--only", nargs="*", default=(), help="benchmark names (e.g. links)")
    args = parser.parse_args()
    results: list[dict[str, object]] = []
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        result = run(script)
        for line in result["ratios"]:  # type: ignore[attr-defined]
            print(f"   {line}")
        print(f"   ({result['seconds']} s, exit {result['returncode']})", flush=True)
        results.append({"name": name, **result})
    if args.json:  # the shape performance.yml compares: {"results": [{"name", "seconds"}]}
        payload = {"results": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["returncode"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
