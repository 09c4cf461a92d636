"""CX06: sensitive matters (fraud, bereavement, debt, ...) go to a person, quickly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome, report_missing_lexicons
from cxaudit.lexicon import find
from cxaudit.locations import DataPath
from cxaudit.model import Intent

RULE = "CX06"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    limit = int(options["max_turns"])
    direct = bool(options["direct_handoff"])
    out = Collector()
    sensitive: list[tuple[Intent, str]] = []
    examples_seen = False
    for intent in bot.intents:
        if intent.topic is not None:
            sensitive.append((intent, intent.topic))
            continue
        found = _detected_topic(intent, bot.sector)
        if intent.examples:
            examples_seen = True
            out.checked("declared")
        if found is not None:
            topic, phrase, path = found
            out.add(
                "undeclared-topic",
                path,
                subject=intent.id,
                unit="declared",
                intent=intent.id,
                topic=topic,
                phrase=phrase,
            )
            sensitive.append((intent, topic))
    if examples_seen:
        report_missing_lexicons(out, bot, RULE)

    def routed(step_id: str) -> bool:
        i = bot.step_index[step_id]
        if direct:
            return graph.is_handoff(i)
        return graph.turns_to_handoff_in_flow[i] <= limit

    for intent, topic in sensitive:
        out.checked("routed")
        # Where it leads, and where to report a way that fails: its goto or the flows it
        # triggers; for an intent that only steps route (`on`), each reachable route.
        ways: list[tuple[str, DataPath]] = [
            (target, (*intent.path, "goto") if intent.goto is not None else intent.path)
            for target in graph.intent_targets[intent.id]
        ]
        if not ways:
            ways = [
                (bot.resolve(t), (*s.path, "on", intent.id))
                for i, s in enumerate(bot.steps)
                if graph.reachable[i]
                for name, t in s.on
                if name == intent.id
            ]
        if not ways:
            out.add(
                "sensitive-nowhere",
                intent.path,
                subject=intent.id,
                unit="routed",
                intent=intent.id,
                topic=topic,
            )
            continue
        for target, where in ways:
            if not routed(target):
                out.add(
                    "sensitive-intent-direct" if direct else "sensitive-intent",
                    where,
                    subject=intent.id,
                    step=target,
                    unit="routed",
                    intent=intent.id,
                    topic=topic,
                    limit=str(limit),
                )
                break
    for i, step in enumerate(bot.steps):
        if not graph.reachable[i]:
            continue  # an unreachable step is CX03's finding, not a pass here
        for option in step.options:
            # A button is the customer's own words: "I suspect fraud on my account".
            found = _sensitive_phrase(option.label.variants, bot.sector)
            if found is None:
                continue
            topic, phrase, path = found
            out.checked("routed")
            target = bot.resolve(option.goto)
            if not routed(target):
                out.add(
                    "sensitive-option-direct" if direct else "sensitive-option",
                    path,
                    subject=f"{step.id}:{phrase}",
                    step=step.id,
                    unit="routed",
                    topic=topic,
                    phrase=phrase,
                    target=target,
                    limit=str(limit),
                )
        if step.topic is None:
            continue
        out.checked("routed")
        if not routed(step.id):
            out.add(
                "sensitive-step-direct" if direct else "sensitive-step",
                (*step.path, "topic"),
                subject=step.id,
                step=step.id,
                unit="routed",
                topic=step.topic,
                limit=str(limit),
            )
    return out.outcome()


def _detected_topic(intent: Intent, sector: str) -> tuple[str, str, Any] | None:
    """The first sensitive topic the intent's examples talk about, for this sector."""
    return _sensitive_phrase(intent.examples, sector)


def _sensitive_phrase(
    texts: Iterable[tuple[str, str, Any]], sector: str
) -> tuple[str, str, Any] | None:
    """The first sensitive topic that (language, text, path) triples talk about, for this sector."""
    for language, phrase, path in texts:
        for match in find(RULE, language, phrase):
            sectors = match.entry.attrs.get("sectors")
            if sectors and sector not in sectors.split():
                continue
            return match.entry.attrs.get("topic", "sensitive"), match.phrase, path
    return None
