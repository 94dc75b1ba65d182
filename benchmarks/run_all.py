"""Run every benchmark in this folder, side by side with its anchor tool, and collect ratios.

Usage: python benchmarks/run_all.py [--json results.json] [--only NAME ...]

Each `bench_*.py` is a standalone script that times docgen and its anchor in one run and
prints lines containing `ratio`; this runner shows those lines, and with `--json` writes
what the scripts measured in Bencher Metric Format (BMF), which `docgen dump benchmarks`
and `docgen bench record` read:

    {"links/internal-docgen-linkchecker": {"ratio": {"value": 0.017}},
     "links/docgen-internal": {"seconds": {"value": 1.92}},
     "links/total": {"seconds": {"value": 41.3}}}

- `ratio`: each `ratio` line's figure, docgen's time divided by the anchor's (smaller is
  better); a line printed the other way round (`linkchecker / docgen = 60x`) is turned
  over, so every ratio reads the same way.
- `seconds`: each other line that gives a time (`docgen cold (cache on): 5.20 s`, or in
  ms), as the script printed it; and `<script>/total`, the script's whole run.

A benchmark's name is the script's, `/`, and its line's words (figures that depend on
the machine, such as the number of cores, dropped), so the group of a chart is the
script. A script that fails gives no figures.
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
# A time as the scripts print it: `12.34 s` or `812.5 ms`.
TIME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) ?(s|ms)\b")
# What names a figure: a line's words, without figures in brackets and the goal.
BRACKETED_FIGURES = re.compile(r"\([^()]*\d[^()]*\)")
GOAL = re.compile(r"\(goal[^)]*\)")


def run(script: Path) -> dict[str, object]:
    """Run one benchmark script; return its ratio lines, figures, output and time."""
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
        "stdout": done.stdout,
        "stderr": done.stderr[-2000:] if done.returncode else "",
    }


def slug(words: str) -> str:
    """A benchmark name's part from a line's words: lower case, figures and punctuation
    turned into single dashes (`docgen -j 4:` → `docgen-j`)."""
    words = re.sub(r"\d+(?:\.\d+)?", " ", words.lower())
    return re.sub(r"[^a-z]+", "-", words).strip("-") or "figure"


def measures(script: str, stdout: str) -> dict[str, dict[str, dict[str, float]]]:
    """The BMF benchmarks of one script's output: a `ratio` per ratio line, `seconds` per
    line that gives a time (see the module's docs)."""
    found: dict[str, dict[str, dict[str, float]]] = {}

    def add(label: str, measure: str, value: float) -> None:
        name = f"{script}/{slug(label)}"
        while measure in found.get(name, {}):  # two lines with the same words
            name += "-2"
        found.setdefault(name, {})[measure] = {"value": value}

    for line in stdout.splitlines():
        text = GOAL.sub("", line).strip()
        figures = FIGURE.findall(text)
        if "ratio" in text.lower() and figures:
            words = BRACKETED_FIGURES.sub("", text[: text.find(figures[-1] + "x")])
            words = TIME.sub(" ", words)
            words = re.sub(r"\bratio\b", " ", words, flags=re.IGNORECASE)
            value = float(figures[-1])
            head, slash, tail = words.partition("/")
            if slash and "docgen" in tail.lower() and "docgen" not in head.lower():
                head, tail, value = tail, head, 1 / value if value else value
            label = f"{head} / {tail}" if slash else words
            add(label, "ratio", round(value, 4))
            continue
        found_time = TIME.search(text)
        if found_time and text[: found_time.start()].strip(" :"):
            value = float(found_time.group(1)) / (1000 if found_time.group(2) == "ms" else 1)
            add(BRACKETED_FIGURES.sub("", text[: found_time.start()]), "seconds", round(value, 6))
    return found


def bencher_json(results: list[dict[str, object]]) -> dict[str, dict[str, dict[str, float]]]:
    """All scripts' figures in Bencher Metric Format; a failed script gives none."""
    payload: dict[str, dict[str, dict[str, float]]] = {}
    for result in results:
        if result["returncode"]:
            continue
        name = str(result["name"])
        payload.update(measures(name, str(result["stdout"])))
        payload[f"{name}/total"] = {"seconds": {"value": float(result["seconds"])}}  # type: ignore[arg-type]
    return payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results to this file (BMF)")
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
    if args.json:
        payload = bencher_json(results)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["returncode"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
