"""The hostile inputs of tests/attacks.py, each run as its own process: time and peak memory.

    python bench/attacks.py                  # every attack
    python bench/attacks.py --only zip       # those whose name contains "zip"

The targets (issue 10): every input gives, within 10 s and 500 MiB, exit 2 with a message naming
the file, or a report; never a traceback, a raw escape or a workflow command from the input.
Time is wall-clock on a shared machine: read it as an order of magnitude, not a measurement.
Building an input is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.attacks import ATTACKS, UNDER_THE_LIMITS, Attack  # noqa: E402
from tests.attacks import problems as problems_of  # noqa: E402

TIME_LIMIT = 10.0  # seconds
MEMORY_LIMIT = 500  # MiB


def run(attack: Attack, timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="cxaudit-attack-") as folder:
        tmp = Path(folder)
        # Built in a process of its own: a child inherits its parent's peak memory, which
        # building a 50 MB input would raise.
        build = (
            f"import json; from tests.attacks import ATTACKS; from pathlib import Path; "
            f"from tests.attacks import UNDER_THE_LIMITS as U; "
            f"print(json.dumps([a for a in (*ATTACKS, *U) if a.name == {attack.name!r}][0]"
            f".build(Path('.'))))"
        )
        made = subprocess.run(
            [sys.executable, "-c", build],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        args = json.loads(made.stdout)
        out_path = attack.stdout or str(tmp / "stdout.txt")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        with Path(out_path).open("wb") as out, (tmp / "stderr.txt").open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "cxaudit", *args], cwd=tmp, stdout=out, stderr=err, env=env
            )
            deadline = start + timeout
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    process.kill()
                    pid, status, usage = os.wait4(process.pid, 0)
                    status = -1
                    break
                time.sleep(0.01)
            seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status) if status != -1 else None
        stderr = (tmp / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        stdout = "" if attack.stdout else Path(out_path).read_text("utf-8", errors="replace")
        output = stdout + stderr
        problems = []
        if code is None:
            problems.append("timed out")
        else:
            problems.extend(problems_of(attack, code, output, stderr))
        if seconds > TIME_LIMIT:
            problems.append("slow")
        mib = usage.ru_maxrss / 1024
        if mib > MEMORY_LIMIT:
            problems.append("memory")
        first = next((line for line in stderr.splitlines() if line.strip()), "")
        return {
            "seconds": seconds,
            "mib": mib,
            "code": code,
            "problems": problems,
            "said": first[:110],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    failed = 0
    worst: dict[str, tuple[float, float]] = {}
    print(f"{'attack':58} {'class':9} {'exit':>4} {'s':>6} {'MiB':>6}  problems / first line")
    for attack in (*ATTACKS, *UNDER_THE_LIMITS):
        if args.only.lower() not in attack.name.lower():
            continue
        result = run(attack, args.timeout)
        seconds, mib = float(result["seconds"]), float(result["mib"])  # type: ignore[arg-type]
        old = worst.get(attack.kind, (0.0, 0.0))
        worst[attack.kind] = (max(old[0], seconds), max(old[1], mib))
        problems = result["problems"]
        failed += bool(problems)
        flag = ", ".join(problems) if problems else "ok"  # type: ignore[arg-type]
        print(
            f"{attack.name[:58]:58} {attack.kind:9} {result['code']!s:>4} {seconds:6.2f} "
            f"{mib:6.0f}  {flag}: {result['said']}",
            flush=True,
        )
    print("\nworst per class:")
    for kind, (seconds, mib) in sorted(worst.items()):
        print(f"  {kind:9} {seconds:6.2f} s {mib:6.0f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
