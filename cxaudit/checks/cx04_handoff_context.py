"""CX04: a handoff carries the context, and tells the customer what is happening.

A bot without any handoff (that a conversation reaches) is skipped here: there is nothing to
carry context, and CX02 reports the missing person; it scores 0 all the same, so that having no
person never scores better than handing over badly. Context the files cannot show (an export
whose handoff is made by code or an integration that could pass a summary: ``handoff.context:
undeclared``) is unknown, not a pass. A handoff step announces the transfer when its text says
so in the CX04 phrase list's words or in the evidence layer's (``promises_transfer``): on a
handoff, "Let me connect you" connects the customer to a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks._texts import lacks_phrase, report_missing_lexicons
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.evidence import promises_transfer
from cxaudit.i18n import either
from cxaudit.lexicon import can_read
from cxaudit.locations import DataPath
from cxaudit.model import Step

RULE = "CX04"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    out = Collector()
    handoffs = [
        step for i, step in enumerate(bot.steps) if step.handoff is not None and graph.reachable[i]
    ]
    if not handoffs:
        # Nothing to hand over: skipped (CX02 reports the missing person), and scored 0.
        return out.outcome(blocked=True)
    report_missing_lexicons(out, bot, RULE)
    required = set(options["context"])
    out.checked("context")
    given = set(bot.handoff_context or ())
    path: DataPath = ("handoff", "context") if bot.handoff_context is not None else ("handoff",)
    if bot.context_undeclared:
        out.add(
            "context-undeclared",
            path,
            subject="handoff.context",
            unit="context",
            key=True,
            required=either(sorted(required)),
        )
    elif not required & given:
        out.add(
            "no-context",
            path,
            subject="handoff.context",
            unit="context",
            key=True,
            required=either(sorted(required)),
        )
    for i, step in enumerate(bot.steps):
        if step.handoff is None or not graph.reachable[i]:
            continue
        out.checked("announce")
        where = lacks_phrase(RULE, "transfer", step)
        if where is not None and _promised(step):
            where = None  # "Let me connect you. One moment.": on a handoff, that is to a person
        if where is not None:
            check = "unclear-announcement" if step.messages() else "no-announcement"
            out.add(check, where, subject=step.id, step=step.id, unit="announce", cause=check)
    return out.outcome()


def _promised(step: Step) -> bool:
    """Does every readable message of a handoff step tell the customer they are being
    connected, in the evidence layer's words (which a handoff makes a connection to a person)?"""
    readable = [(t, lang) for lang, (t, _) in step.messages().items() if can_read(RULE, lang)]
    return bool(readable) and all(promises_transfer(text, lang) for text, lang in readable)
