"""CX04: a handoff carries the context, and tells the customer what is happening."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome, lacks_phrase, report_missing_lexicons
from cxaudit.i18n import either
from cxaudit.locations import DataPath

RULE = "CX04"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot = ctx.bot
    out = Collector()
    handoffs = [step for step in bot.steps if step.handoff is not None]
    if not handoffs:
        return out.outcome()  # nothing to hand over: skipped (CX02 reports the missing human)
    report_missing_lexicons(out, bot, RULE)
    required = set(options["context"])
    out.checked("context")
    given = set(bot.handoff_context or ())
    if not required & given:
        path: DataPath = ("handoff", "context") if bot.handoff_context is not None else ("handoff",)
        out.add(
            "no-context",
            path,
            subject="handoff.context",
            unit="context",
            key=True,
            required=either(sorted(required)),
        )
    for step in handoffs:
        out.checked("announce")
        where = lacks_phrase(RULE, "transfer", step)
        if where is not None:
            check = "unclear-announcement" if step.messages() else "no-announcement"
            out.add(check, where, subject=step.id, step=step.id, unit="announce")
    return out.outcome()
