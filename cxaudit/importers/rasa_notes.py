"""What a Rasa project's files cannot tell cxaudit, as notes (after the flow is emitted).

* a response that promises a transfer from a step no path leads to a handoff from
  (``says-transfer-without-handoff``, CX02); without any handoff, also the responses only
  custom code sends;
* a handoff host of ``actions/handoff_config.yml`` that is another bot
  (``hands-off-to-a-bot``, CX02);
* a response a language model rephrases at run time (``generated-text``);
* the custom actions, whose words and decisions are Python code (``custom-code``).

What the project never says (the team's hours, what an agent receives, the privacy policy, who
confirms in writing) is no note: the rules say it, in Rasa's terms, naming the overlay section.
"""

from __future__ import annotations

from cxaudit.evidence import promises_transfer
from cxaudit.importers.base import Origin
from cxaudit.importers.build import Step
from cxaudit.importers.rasa_common import Builder
from cxaudit.importers.rasa_steps import targets


def add_notes(builder: Builder) -> None:
    """Record the notes of a built Rasa project (see the module docstring)."""
    project = builder.project
    steps = [step for flow in builder.flows for step in flow.steps]
    # Handoffs to a person: one to another bot (a "bot" humans entry) keeps no promise.
    bots = {h for h, entry in builder.flow.humans.items() if entry.data.get("channel") == "bot"}
    handoffs = {
        step.id for step in steps if "handoff" in step.data and step.data["handoff"] not in bots
    }
    reaches = _reaching(steps, handoffs)
    used: set[str] = set()
    for step in steps:
        if not isinstance(step.data.get("say") or step.data.get("ask"), dict):
            continue
        name = step.data.get("x-response") or step.id
        for key in ("say", "ask"):
            text = step.data.get(key)
            if not isinstance(text, dict):
                continue
            for language, value in text.items():
                if language.startswith("x-") or step.id in reaches:
                    continue
                if promises_transfer(value, language):
                    origin = step.origins.get((key, language)) or step.origins[()]
                    project.note("says-transfer-without-handoff", "CX02", origin, name=str(name))
                    break
        used.add(str(name))
    # Responses that only custom code sends: their promises can't lead to a handoff either.
    if not handoffs:
        for name in sorted(builder.domain.responses):
            text = builder.text(name)
            if name in used or text is None or name in builder.domain_asks():
                continue
            if any(promises_transfer(v, lang) for lang, v in text.values.items()):
                origin = next(iter(text.origins.values()))
                project.note("says-transfer-without-handoff", "CX02", origin, name=name)
    for name, origin in sorted(builder.bot_hosts.items()):
        project.note("hands-off-to-a-bot", "CX02", origin, host=name)
    if builder.rephrased:  # one cause (rephrasing on), one note naming every response
        names = sorted(builder.rephrased)
        source = builder.domain.responses[names[0]].source
        project.note("generated-text", None, Origin(source, ("responses", names[0])), name=names)
    if builder.custom_actions:
        project.unsupported("custom-code", names=sorted(builder.custom_actions))


def _reaching(steps: list[Step], handoffs: set[str]) -> set[str]:
    """Steps from which the bot's own edges lead to a handoff (flow ids count as their start)."""
    by_id = {step.id: step for step in steps}
    into: dict[str, set[str]] = {}
    for step in steps:
        for target in targets(step.data):
            into.setdefault(target, set()).add(step.id)
    reached = set(handoffs)
    queue = list(handoffs)
    while queue:
        current = queue.pop()
        for source in sorted(into.get(current, ())):
            if source not in reached and source in by_id:
                reached.add(source)
                queue.append(source)
    return reached
