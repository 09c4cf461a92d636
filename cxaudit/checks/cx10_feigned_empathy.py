"""CX10: no feigned empathy: acknowledge and act, don't claim feelings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome, report_missing_lexicons, text_items
from cxaudit.lexicon import find
from cxaudit.locations import format_path

RULE = "CX10"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot = ctx.bot
    out = Collector()
    report_missing_lexicons(out, bot, RULE)
    reachable = ctx.graph.reachable
    for item in text_items(bot):
        if not reachable[bot.step_index[item.step.id]]:
            continue  # a part no customer reaches: CX03 reports it once
        out.checked("texts")
        matches = find(RULE, item.language, item.text)
        if item.kind == "prompt":
            # A prompt instructs the model; "never say X" forbids X.
            matches = [m for m in matches if not m.negated]
        if not matches:
            continue
        strong = [m for m in matches if m.entry.attrs.get("strength") == "strong"]
        match = (strong or matches)[0]
        out.add(
            "feigned-empathy" if strong else "emotional-phrase",
            item.path,
            subject=format_path(item.path),
            step=item.step.id,
            unit="texts",
            cause=match.entry.id,
            phrase=match.phrase,
            label=match.entry.label,
        )
    return out.outcome()
