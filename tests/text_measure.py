"""How the text rules do on the labelled texts of tests/texts/ (issue 11): per rule, language
and measure, the count of texts that came out right and of those it was taken on.

- CX10 (bot replies): ``recall``: strong and mild texts found at all; ``strong``: strong
  texts found as strong; ``false alarms``: fine texts found.
- CX01 (what a bot says it is): ``claims``: claims taken for a claim to be a person (a
  claims-human entry, or a persona without a disclosure in the same text); ``disclosures``:
  disclosures accepted as the first message is judged; ``false claims``: the others taken
  for a claim.
- CX06 (customer utterances): ``recall``: sensitive texts matched; ``false alarms``:
  not-sensitive texts matched.

Used by tests/test_text_rules.py (floors) and bench/text_rules.py (the table).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from cxaudit.checks.cx01_disclosure import _discloses, claims_in
from cxaudit.checks.cx06_sensitive_topics import sensitive_matches
from cxaudit.checks.cx10_feigned_empathy import claims as cx10_claims

TEXTS = Path(__file__).resolve().parent / "texts"

Counts = dict[tuple[str, str, str], list[int]]  # (rule, language, measure) -> [right, total]


def load(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((TEXTS / f"{name}.yaml").read_text(encoding="utf-8")))


def measure() -> Counts:
    counts: Counts = defaultdict(lambda: [0, 0])

    def count(rule: str, lang: str, what: str, right: bool) -> None:
        counts[(rule, lang, what)][0] += right
        counts[(rule, lang, what)][1] += 1

    for item in load("cx10"):
        lang, label = item["lang"], item["label"]
        matches = cx10_claims(lang, item["text"])
        if label in ("strong", "mild"):
            count("CX10", lang, "recall", bool(matches))
        if label == "strong":
            strong = any(m.entry.attrs.get("strength") == "strong" for m in matches)
            count("CX10", lang, "strong", strong)
        if label == "fine":
            count("CX10", lang, "false alarms", bool(matches))
    for item in load("cx01"):
        lang, label, text = item["lang"], item["label"], item["text"]
        claims = bool(claims_in(text, lang))
        if label == "claim":
            count("CX01", lang, "claims", claims)
        else:
            count("CX01", lang, "false claims", claims)
        if label == "disclosure":
            count("CX01", lang, "disclosures", _discloses(text, lang, ""))
    for item in load("cx06"):
        lang, label = item["lang"], item["label"]
        found = bool(sensitive_matches(lang, item["text"]))
        count("CX06", lang, "recall" if label == "sensitive" else "false alarms", found)
    return dict(counts)


def flagged(rule: str, language: str, text: str, sector: str | None = None) -> list[str]:
    """The entries that take a text for what its rule looks for, as the check would: CX10
    claims, CX01 claims to be a person (a bare first name only counts in a first message),
    CX06 sensitive matters (entries of another sector left out)."""
    if rule == "CX10":
        return [m.entry.id for m in cx10_claims(language, text)]
    if rule == "CX01":
        return [m.entry.id for m in claims_in(text, language) if m.entry.attrs.get("bare") != "yes"]
    return [
        m.entry.id
        for m in sensitive_matches(language, text)
        if not m.entry.attrs.get("sectors") or sector in m.entry.attrs["sectors"].split()
    ]
