"""The text rules on the labelled real texts of tests/texts/ (issue 11): per rule, language and
measure, how many came out right (see tests/text_measure.py for the measures).

    python bench/text_rules.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.text_measure import measure


def main() -> None:
    counts = measure()
    print(f"{'rule':5} {'lang':4} {'measure':13} {'right':>9}  rate")
    for (rule, lang, what), (right, total) in sorted(counts.items()):
        print(f"{rule:5} {lang:4} {what:13} {right:>4}/{total:<4}  {right / total:.2f}")


if __name__ == "__main__":
    main()
