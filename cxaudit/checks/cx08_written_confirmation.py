"""CX08: what is agreed is confirmed in writing, after an explicit yes/no question.

One cause per kind of agreement: every payment without a written confirmation is one finding
that lists the steps. A confirmation a back end may send, which the files cannot show
(``confirm: {channel: undeclared}``), is unknown: not a pass, not a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks._answers import Answer, answers
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.evidence.texts import is_question, sentences
from cxaudit.graph import EdgeKind, FlowGraph
from cxaudit.i18n import agreement
from cxaudit.model import UNDECLARED, Step

RULE = "CX08"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    written = set(options["written_channels"])
    out = Collector()
    agreements = [i for i, step in enumerate(bot.steps) if step.agreement is not None]
    if not agreements:
        return out.outcome()
    unconfirmed = _can_end_unconfirmed(graph, written)
    unseen = _can_end_unconfirmed(graph, written | {UNDECLARED})
    unasked = _reachable_unasked(graph)
    live = [i for i in agreements if graph.reachable[i]]  # unreachable ones are CX03's
    for i in live:
        step = bot.steps[i]
        kind = step.agreement or ""
        out.checked("confirmation")
        if unseen[i]:
            out.add(
                "no-confirmation",
                (*step.path, "agreement"),
                subject=step.id,
                step=step.id,
                unit="confirmation",
                cause=kind,
                agreement=agreement(kind),
            )
        elif unconfirmed[i]:
            out.add(
                "confirmation-undeclared",
                (*step.path, "agreement"),
                subject=step.id,
                step=step.id,
                unit="confirmation",
                cause=kind,
                agreement=agreement(kind),
            )
        out.checked("question")
        if unasked[i] and not _offers_choice(graph, i, answers(graph, i)):
            out.add(
                "no-question",
                (*step.path, "agreement"),
                subject=step.id,
                step=step.id,
                unit="question",
                cause=kind,
                agreement=agreement(kind),
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


def _reachable_unasked(graph: FlowGraph) -> list[bool]:
    """Steps a conversation can reach without having answered a question with a choice.

    From where conversations start, along every edge but a fallback, and through the answers
    (options, ``on``) of a question that offers at least two different ones only where the
    answer is a "no": beyond a yes (or an answer cxaudit cannot read) the customer has agreed.
    Steps between the question and the agreement (a code sent by SMS, a lookup) keep it asked; a
    way around the question, or on from its "no", does not.
    """

    def onward(i: int) -> list[int]:
        found = answers(graph, i)
        if not _offers_choice(graph, i, found):
            return [e.target for e in graph.out[i] if e.kind is not EdgeKind.FALLBACK]
        # Past the question only along a "no": a refusal agrees to nothing.
        declined = {target for target, answer in found if answer == "no"}
        return [
            e.target
            for e in graph.out[i]
            if e.kind is not EdgeKind.FALLBACK
            and (e.kind not in (EdgeKind.OPTION, EdgeKind.ON) or e.target in declined)
        ]

    return graph.reach(onward)


def _offers_choice(graph: FlowGraph, i: int, found: list[tuple[int, Answer]]) -> bool:
    """A question with a yes and a no that lead to different places: a menu ("Pay a bill",
    "Check my balance") or a branch on a condition the customer never sees asks for no
    agreement."""
    step = graph.steps[i]
    if not step.is_turn:
        return False
    yes = {target for target, answer in found if answer == "yes"}
    no = {target for target, answer in found if answer == "no"}
    if yes and no and yes != no:
        return True
    # A closed question whose ways on are conditions on the answer, which no label shows (Rasa
    # CALM's `if: slots.confirm_payment` / `else`): the customer answers it all the same.
    targets = {target for target, _ in found}
    unlabelled = bool(step.options) and not step.on
    unlabelled = unlabelled and all(not option.label.variants for option in step.options)
    return unlabelled and len(targets) >= 2 and _asks_a_question(step)


def _asks_a_question(step: Step) -> bool:
    """Does the step's text end in a question, in some language?"""
    return any(
        is_question(sentence)
        for text, _ in step.messages().values()
        for sentence in sentences(text)[-1:]
    )
