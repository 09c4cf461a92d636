"""CX08: what is agreed is confirmed in writing, after an explicit yes/no question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.graph import EdgeKind, FlowGraph
from cxaudit.i18n import agreement

RULE = "CX08"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    written = set(options["written_channels"])
    out = Collector()
    agreements = [i for i, step in enumerate(bot.steps) if step.agreement is not None]
    if not agreements:
        return out.outcome()
    unconfirmed = _can_end_unconfirmed(graph, written)
    for i in agreements:
        step = bot.steps[i]
        out.checked("confirmation")
        if unconfirmed[i]:
            out.add(
                "no-confirmation",
                (*step.path, "agreement"),
                subject=step.id,
                step=step.id,
                unit="confirmation",
                agreement=agreement(step.agreement or ""),
            )
        out.checked("question")
        if not _asked_first(graph, i):
            out.add(
                "no-question",
                (*step.path, "agreement"),
                subject=step.id,
                step=step.id,
                unit="question",
                agreement=agreement(step.agreement or ""),
            )
    return out.outcome()


def _can_end_unconfirmed(graph: FlowGraph, written: set[str]) -> list[bool]:
    """Steps from which the conversation can end without passing a written confirmation.

    Backwards from every step where a conversation ends (an end, a handoff, a step with no way
    on), never crossing a step that confirms in writing. Global intents are left out: a
    customer who asks for a person after agreeing is a different conversation.
    """
    steps = graph.steps
    ends = [i for i in range(len(steps)) if not graph.out[i]]
    return graph.reach_back(ends, blocked=lambda i: steps[i].confirm in written)


def _asked_first(graph: FlowGraph, i: int) -> bool:
    """Is every way into step ``i`` a customer's choice in a question that also offered "no"?"""
    if _offers_choice(graph, i):
        return True  # the agreement step asks the yes/no question itself
    if i in graph.entries:
        return False  # a conversation can start here (an intent leads here): nothing was asked
    into = [
        e
        for e in graph.predecessors[i]
        if graph.reachable[e.source] and e.kind is not EdgeKind.FALLBACK
    ]
    return bool(into) and all(
        e.kind in (EdgeKind.OPTION, EdgeKind.ON) and _offers_choice(graph, e.source) for e in into
    )


def _offers_choice(graph: FlowGraph, i: int) -> bool:
    """A question with at least two different answers (a yes and a no)."""
    step = graph.steps[i]
    if not step.is_turn:
        return False
    targets = {e.target for e in graph.out[i] if e.kind in (EdgeKind.OPTION, EdgeKind.ON)}
    return len(targets) >= 2
