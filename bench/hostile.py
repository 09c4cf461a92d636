"""Hostile bot texts: does reading them stay linear in their length?

    python bench/hostile.py                 # 50k and 200k characters, 5 rounds
    python bench/hostile.py --size 20000 --rounds 3

Every text reader of the evidence layer and the importers' content reader runs on texts built to
make a backtracking pattern quadratic (long runs of blanks, quotes, emphasis, digits, repeated
phrases), at a size n and at 4n, interleaved round by round. Reported is the median time of each
at both sizes and their ratio: linear is about 4, quadratic about 16. The target: every ratio
below 8 (timings on a shared machine are noisy, so a ratio, never a time, is the measure).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxaudit.evidence import (
    agreement_of_text,
    contacts_in,
    hours_in,
    personal_category,
    promises_transfer,
    secret_of,
)
from cxaudit.lexicon import ANY_LANGUAGE, find

TEXTS: dict[str, Callable[[int], str]] = {
    "blanks": lambda n: " " * n + "x",
    "tabs and returns": lambda n: "\t\r" * (n // 2) + "x",
    "blank lines": lambda n: " \n" * (n // 2),
    "quotes": lambda n: '"' * n + "a",
    "emphasis": lambda n: "*_~" * (n // 3) + "a",
    "digits": lambda n: "0" * n,
    "phone-like": lambda n: "+31 (0)20 " * (n // 10),
    "dots": lambda n: "a." * (n // 2),
    "at signs": lambda n: "a@" * (n // 2),
    "hours": lambda n: "mo-fr 08:00-" * (n // 12),
    "your payment": lambda n: "your payment " * (n // 13),
    "I'm": lambda n: "I'm " * (n // 4),
}
READERS: dict[str, Callable[[str], object]] = {
    "promises_transfer": lambda t: promises_transfer(t, "en"),
    "agreement_of_text": lambda t: agreement_of_text(t, "en"),
    "contacts_in": contacts_in,
    "hours_in": lambda t: hours_in(t, "en"),
    "personal_category": lambda t: personal_category("field", question=t, language="en"),
    "secret_of": lambda t: secret_of("field", question=t, language="en"),
    "CX01 phrases": lambda t: find("CX01", ANY_LANGUAGE, t),
    "CX10 phrases": lambda t: find("CX10", ANY_LANGUAGE, t),
}


def seconds(reader: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    reader(text)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    small = {name: make(args.size) for name, make in TEXTS.items()}
    large = {name: make(args.size * 4) for name, make in TEXTS.items()}
    times: dict[tuple[str, str, str], list[float]] = {}
    for _ in range(args.rounds):
        for text in TEXTS:
            for reader_name, reader in READERS.items():
                for size, texts in (("n", small), ("4n", large)):
                    key = (text, reader_name, size)
                    times.setdefault(key, []).append(seconds(reader, texts[text]))
    worst = 0.0
    print(f"{'text':<18} {'reader':<18} {'n (ms)':>9} {'4n (ms)':>9} {'ratio':>6}")
    for text in TEXTS:
        for reader_name in READERS:
            n = statistics.median(times[(text, reader_name, "n")])
            four = statistics.median(times[(text, reader_name, "4n")])
            ratio = four / n if n > 1e-4 else 1.0  # below 0.1 ms the ratio is noise
            worst = max(worst, ratio)
            flag = "  <- not linear" if ratio >= 8 else ""
            print(
                f"{text:<18} {reader_name:<18} {n * 1e3:9.2f} {four * 1e3:9.2f} {ratio:6.1f}{flag}"
            )
    print(f"worst ratio {worst:.1f} (target: below 8)")
    return 0 if worst < 8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
