"""What the Rasa builder does with its steps once they are all built, before it writes them.

* a response that announces a transfer right before the handoff action is the handoff step's
  message: one step, as a customer experiences it (and as CX04 reads it);
* a response the bot sends after an agreement, before the customer speaks again, that says a
  confirmation went out by e-mail, SMS or letter confirms in writing on that channel (the
  agreement step itself keeps ``confirm: {channel: undeclared}``: its code may confirm on the
  other ways on).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from cxaudit.evidence import written_confirmation
from cxaudit.importers.build import Flow, Intent, Step

_NEAR = 64  # the bot's own steps after an agreement in which a confirmation is looked for


def fold_announcements(flows: list[Flow], intents: Iterable[Intent]) -> dict[str, str]:
    """Fold each announcement into the handoff after it; returns the folded ids -> their
    handoff (every reference to a folded step now names the handoff)."""
    steps = {step.id: step for flow in flows for step in flow.steps}
    pointed: dict[str, int] = {}
    for step in steps.values():
        for name in targets(step.data):
            pointed[name] = pointed.get(name, 0) + 1
    folded: dict[str, str] = {}
    for flow in flows:
        for step in list(flow.steps):
            target = steps.get(step.data.get("next", ""))
            if (
                target is None
                or "handoff" not in target.data
                or "say" in target.data
                or {k for k in step.data if not k.startswith("x-")} - {"say", "next"}
                or "say" not in step.data
                or pointed.get(target.id, 0) != 1
            ):
                continue
            target.data = {"say": step.data["say"], **target.data}
            for rel, origin in step.origins.items():
                if rel and rel[0] == "say":
                    target.origins[rel] = origin
            flow.steps.remove(step)
            folded[step.id] = target.id
    if folded:  # one pass: a folded step is never the handoff another one folds into
        for flow in flows:
            for step in flow.steps:
                _rewrite(step.data, folded)
        for intent in intents:
            goto = intent.data.get("goto")
            if isinstance(goto, str) and goto in folded:
                intent.data["goto"] = folded[goto]
    return folded


def written_confirmations(flows: list[Flow]) -> None:
    """Mark the responses after an agreement that say a written confirmation went out (looked
    for among the first steps the bot runs by itself after it, before the customer's turn)."""
    steps = {step.id: step for flow in flows for step in flow.steps}
    steps.update({flow.id: flow.steps[0] for flow in flows if flow.steps})
    for agreement in [s for s in steps.values() if "agreement" in s.data]:
        seen: set[str] = set()
        queue = deque(_onward(agreement.data))
        while queue and len(seen) < _NEAR:
            current = steps.get(queue.popleft())
            if current is None or current.id in seen or "agreement" in current.data:
                continue
            seen.add(current.id)
            _confirms(current)
            if not _is_turn(current.data):
                queue.extend(_onward(current.data))


def _confirms(step: Step) -> None:
    if "confirm" in step.data:
        return
    for key in ("say", "ask"):
        text = step.data.get(key)
        if not isinstance(text, dict):
            continue
        for language, value in text.items():
            channel = None if language.startswith("x-") else written_confirmation(value, language)
            if channel is not None:
                step.set("confirm", {"channel": channel}, step.origins.get((key, language)))
                return


def _is_turn(data: dict[str, Any]) -> bool:
    return "ask" in data or "generate" in data or "handoff" in data


def _onward(data: dict[str, Any]) -> Iterator[str]:
    """Where the bot goes on by itself from a step: its next and its conditions' branches."""
    if isinstance(data.get("next"), str):
        yield data["next"]
    for option in data.get("options", []):
        if set(option["label"]) == {"x-if"}:
            yield option["goto"]


def targets(data: dict[str, Any]) -> Iterator[str]:
    """The step ids a built step leads to."""
    if isinstance(data.get("next"), str):
        yield data["next"]
    for option in data.get("options", []):
        yield option["goto"]
    yield from data.get("on", {}).values()


def _rewrite(data: dict[str, Any], renamed: dict[str, str]) -> None:
    if isinstance(data.get("next"), str) and data["next"] in renamed:
        data["next"] = renamed[data["next"]]
    for option in data.get("options", []):
        option["goto"] = renamed.get(option["goto"], option["goto"])
    for intent, target in list(data.get("on", {}).items()):
        data["on"][intent] = renamed.get(target, target)
