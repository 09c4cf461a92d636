"""Benchmark cxaudit against its floor and its neighbours, in one run, interleaved.

    pip install -e '.[bench]'
    python bench/run.py                 # 1k, 10k and 100k steps, 5 rounds; writes docs/performance.md
    python bench/run.py --sizes 1000 --rounds 3 --no-write

Every command runs as its own process, one round at a time across all commands (so that a busy
moment on a shared machine hits them all alike), and is measured for wall time and peak memory
(maximum resident set size, from wait4). Reported are medians and ratios within the same run:

- floor: the PyYAML compose of the same file with libyaml's CSafeLoader (the least any YAML tool
  must do);
- cxaudit: `cxaudit check FILE --format json`;
- yamllint: `yamllint -d relaxed FILE`;
- check-jsonschema: `check-jsonschema --schemafile cxaudit/schemas/flow.schema.json FILE`.

Targets (issue 4): at 10k steps cxaudit takes at most 2x the floor's time and memory; 10k to 100k
grows at most 11x; on the examples cxaudit finishes before yamllint does.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import write as generate  # noqa: E402

FLOOR = "import sys, yaml; yaml.compose(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"


@dataclass
class Sample:
    seconds: list[float]
    kilobytes: list[int]
    codes: list[int]

    @property
    def time(self) -> float:
        return statistics.median(self.seconds)

    @property
    def memory(self) -> float:
        return statistics.median(self.kilobytes) / 1024


def measure(command: list[str]) -> tuple[float, int, int]:
    """Wall time, peak resident memory (KiB) and exit code of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, int(usage.ru_maxrss), process.returncode


def commands(path: Path) -> dict[str, list[str]]:
    tools = {
        "floor": [sys.executable, "-c", FLOOR, str(path)],
        "cxaudit": [sys.executable, "-m", "cxaudit", "check", str(path), "--format", "json"],
    }
    if shutil.which("yamllint"):
        tools["yamllint"] = ["yamllint", "-d", "relaxed", str(path)]
    if shutil.which("check-jsonschema"):
        schema = ROOT / "cxaudit" / "schemas" / "flow.schema.json"
        tools["check-jsonschema"] = ["check-jsonschema", "--schemafile", str(schema), str(path)]
    return tools


def bench(files: dict[str, Path], rounds: int) -> dict[str, dict[str, Sample]]:
    results: dict[str, dict[str, Sample]] = {}
    for label, path in files.items():
        tools = commands(path)
        results[label] = {name: Sample([], [], []) for name in tools}
        for _ in range(rounds):
            for name, command in tools.items():  # interleaved: one round of every tool at a time
                seconds, kilobytes, code = measure(command)
                sample = results[label][name]
                sample.seconds.append(seconds)
                sample.kilobytes.append(kilobytes)
                sample.codes.append(code)
            print(f"  {label}: round done", file=sys.stderr)
    return results


def report(results: dict[str, dict[str, Sample]], sizes: dict[str, int], rounds: int) -> str:
    lines = [
        "# Performance",
        "",
        "Measured by `python bench/run.py` (see its docstring), which writes this page. All numbers",
        "come from one run: medians of "
        f"{rounds} interleaved rounds, each command a fresh process (start-up included).",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; PyYAML with libyaml",
        "",
        "| input | size | tool | time (s) | peak memory (MiB) | time / floor | memory / floor |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for label, tools in results.items():
        floor = tools["floor"]
        for name, sample in tools.items():
            lines.append(
                f"| {label} | {sizes[label]:,} B | {name} | {sample.time:.2f} | {sample.memory:.0f} | "
                f"{sample.time / floor.time:.2f} | {sample.memory / floor.memory:.2f} |"
            )
    lines += ["", "## Targets", ""]
    for line in targets(results):
        lines.append(f"- {line}")
    lines += ["", "Reproduce: `pip install -e '.[bench]' && python bench/run.py`.", ""]
    return "\n".join(lines)


def targets(results: dict[str, dict[str, Sample]]) -> list[str]:
    out = []
    if "10k steps" in results:
        cx, floor = results["10k steps"]["cxaudit"], results["10k steps"]["floor"]
        t, m = cx.time / floor.time, cx.memory / floor.memory
        out.append(
            f"10k steps, time: {t:.2f}x the floor (target at most 2x): {'met' if t <= 2 else 'NOT met'}"
        )
        out.append(
            f"10k steps, memory: {m:.2f}x the floor (target at most 2x): {'met' if m <= 2 else 'NOT met'}"
        )
    if "10k steps" in results and "100k steps" in results:
        growth = results["100k steps"]["cxaudit"].time / results["10k steps"]["cxaudit"].time
        out.append(
            f"10k to 100k steps: {growth:.1f}x (target at most 11x): {'met' if growth <= 11 else 'NOT met'}"
        )
    for label, tools in results.items():
        if label.startswith("example") and "yamllint" in tools:
            ratio = tools["cxaudit"].time / tools["yamllint"].time
            out.append(
                f"{label}: cxaudit {ratio:.2f}x yamllint's time (target below 1): {'met' if ratio < 1 else 'NOT met'}"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark cxaudit (see the module docstring).")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--no-write", action="store_true", help="print, do not write docs/performance.md"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, Path] = {}
        for name in ("webshop", "bank"):
            files[f"example {name}"] = ROOT / "examples" / f"{name}.flow.yaml"
        for steps in args.sizes:
            path = Path(folder) / f"bot-{steps}.flow.yaml"
            with path.open("w", encoding="utf-8") as handle:
                generate(steps, handle)
            files[f"{steps // 1000}k steps"] = path
        sizes = {label: path.stat().st_size for label, path in files.items()}
        text = report(bench(files, args.rounds), sizes, args.rounds)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
