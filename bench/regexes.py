"""Every regular expression cxaudit uses, on adversarial texts of its own alphabet (issue 10).

    python bench/regexes.py                   # 100,000 characters, the 20 slowest
    python bench/regexes.py --size 20000 --tokens 16

For each pattern (see tests/regex_audit.py for how they are found and how the texts are built)
the slowest text is timed at n and at 4n characters in one interleaved run: a linear pattern
takes about 4 times as long at 4n, a quadratic one 16. Reported are the slowest patterns and
their ratio; the target is every pattern under 1 s at 100,000 characters and a ratio below 8.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.regex_audit import adversarial, collect, exercise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--tokens", type=int, default=12)
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--verbose", action="store_true", help="print each pattern as it is done")
    args = parser.parse_args()
    patterns = collect()
    print(f"{len(patterns)} patterns", flush=True)
    results = []
    probe = max(1000, args.size // 20)
    for (source, flags), compiled in sorted(patterns.items()):
        # Find the slowest text on a small size first (a quadratic pattern at full size would
        # take minutes per text), then time that one at n and 4n.
        worst, worst_time = "", -1.0
        for description, text in adversarial(source, flags, probe, args.tokens):
            start = time.perf_counter()
            exercise(compiled, text)
            took = time.perf_counter() - start
            if args.verbose and took > 0.05:
                print(
                    f"   slow probe {took:.3f}s {source[:70]!r} <- {description[:40]}", flush=True
                )
            if took > worst_time:
                worst, worst_time = description, took
        if worst_time > 0.05:  # already slow at a twentieth of the size: do not wait for it
            results.append((float("inf"), worst_time, source, worst))
            print(f"     inf  probe {worst_time:.3f}s  {source[:90]!r}", flush=True)
            continue
        small = dict(adversarial(source, flags, args.size // 4, args.tokens))[worst]
        large = dict(adversarial(source, flags, args.size, args.tokens))[worst]
        times: dict[str, list[float]] = {"n/4": [], "n": []}
        for _ in range(3):
            for label, text in (("n/4", small), ("n", large)):
                start = time.perf_counter()
                exercise(compiled, text)
                times[label].append(time.perf_counter() - start)
        at_n = min(times["n"])
        ratio = at_n / max(min(times["n/4"]), 1e-7)
        results.append((at_n, ratio, source, worst))
        if args.verbose:
            print(f"{at_n:8.4f} {ratio:6.1f}  {source[:90]!r}", flush=True)
    results.sort(reverse=True)
    failed = 0
    print(f"{'s at n':>8} {'ratio':>6}  pattern / slowest text")
    for at_n, ratio, source, worst in results[: args.show]:
        bad = at_n > 1.0 or (ratio > 8 and at_n > 0.01)
        failed += bad
        print(f"{at_n:8.4f} {ratio:6.1f}  {'!! ' if bad else ''}{source[:90]!r}  <- {worst[:40]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
