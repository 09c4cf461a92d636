"""The text rules on labelled real texts (tests/texts/, issue 11): recall and false alarms per
rule and language, with the lexicons as they are.

    python bench/text_rules.py

- CX10 (bot replies): `strong` should give feigned-empathy, `mild` at least emotional-phrase,
  `fine` nothing. Recall counts strong and mild texts found at all; "strong as strong" counts
  strong texts found as strong.
- CX01 (bot self-descriptions): `claim` should be taken for a claim to be a person (a
  claims-human entry, or a persona without a disclosure in the same text); `disclosure` should
  be accepted as one (as the first message is judged); neither may be taken for a claim.
- CX06 (customer utterances): `sensitive` should match an entry of the rule, `not-sensitive`
  none.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cxaudit.checks.cx01_disclosure import _claims, _discloses  # noqa: E402
from cxaudit.lexicon import find  # noqa: E402

TEXTS = ROOT / "tests" / "texts"


def load(name: str) -> list[dict[str, str]]:
    data = yaml.safe_load((TEXTS / f"{name}.yaml").read_text(encoding="utf-8"))
    return list(data)


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.2f}" if total else "-"


def cx10() -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in load("cx10"):
        matches = find("CX10", item["lang"], item["text"])
        strong = any(m.entry.attrs.get("strength") == "strong" for m in matches)
        c = counts[item["lang"]]
        c[item["label"]] += 1
        if item["label"] in ("strong", "mild") and matches:
            c["found"] += 1
        if item["label"] == "strong" and strong:
            c["strong as strong"] += 1
        if item["label"] == "fine" and matches:
            c["false alarms"] += 1
    print("CX10  lang  recall (strong+mild)     strong as strong     false alarms (fine)")
    for lang, c in sorted(counts.items()):
        print(
            f"      {lang}    {rate(c['found'], c['strong'] + c['mild']):22} "
            f"{rate(c['strong as strong'], c['strong']):20} {rate(c['false alarms'], c['fine'])}"
        )


def cx01() -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in load("cx01"):
        lang, text = item["lang"], item["text"]
        matches = find("CX01", lang, text)
        claims = any(_claims(m, matches) for m in matches)
        c = counts[lang]
        c[item["label"]] += 1
        if item["label"] == "claim" and claims:
            c["claims found"] += 1
        if item["label"] == "disclosure" and _discloses(text, lang, ""):
            c["disclosures accepted"] += 1
        if item["label"] != "claim" and claims:
            c["false claims"] += 1
    print("CX01  lang  claims found          disclosures accepted   false claims")
    for lang, c in sorted(counts.items()):
        print(
            f"      {lang}    {rate(c['claims found'], c['claim']):21} "
            f"{rate(c['disclosures accepted'], c['disclosure']):22} "
            f"{rate(c['false claims'], c['disclosure'] + c['neither'])}"
        )


def cx06() -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in load("cx06"):
        matches = [m for m in find("CX06", item["lang"], item["text"]) if not m.negated]
        c = counts[item["lang"]]
        c[item["label"]] += 1
        if item["label"] == "sensitive" and matches:
            c["found"] += 1
        if item["label"] == "not-sensitive" and matches:
            c["false alarms"] += 1
    print("CX06  lang  recall                false alarms")
    for lang, c in sorted(counts.items()):
        print(
            f"      {lang}    {rate(c['found'], c['sensitive']):21} "
            f"{rate(c['false alarms'], c['not-sensitive'])}"
        )


if __name__ == "__main__":
    cx10()
    cx01()
    cx06()
