"""Import a Rasa 3 project: NLU, rules, stories and forms (the shared parts: rasa_common.py).

* an intent that starts a rule or story is a global intent that leads to its first action (the
  RulePolicy applies such rules at any turn); an ``action, intent, action`` sequence is an ``on``
  edge; consecutive actions are ``next``; where a rule or story ends the bot listens, so that
  step is a customer turn (its text is asked) and the conversation may end there; end-to-end
  steps (``user:``, ``bot:``) are read as ``rasa_stories.py`` says;
* the bot speaks first only where the files show it: a rule or story that goes on from
  ``action_session_start`` to what the bot says, or a ``conversation_start`` rule that begins
  with the bot; otherwise the customer does (see ``rasa_common.py``);
* a form is a flow of its own (its id is the form's name, so ``action: cc_payment_form`` leads
  into it), one ``ask`` step per required slot, and its last step goes on where the rule that
  submits the form goes on;
* the fallback is the ``nlu_fallback`` rule (else Rasa's ``action_default_fallback`` when the
  config has a FallbackClassifier or RulePolicy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxaudit.evidence import is_machine
from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import Flow, Step, Text
from cxaudit.importers.rasa_buttons import form_buttons, intent_buttons
from cxaudit.importers.rasa_common import MARKERS, Builder
from cxaudit.importers.rasa_names import SESSION_START
from cxaudit.importers.rasa_notes import add_notes
from cxaudit.importers.rasa_stories import Event, expand, is_bot_text, slug
from cxaudit.locations import DataPath

__all__ = ["MARKERS", "build"]

_FALLBACK_INTENT = "nlu_fallback"
_RASA_DEFAULT_FALLBACK = "Sorry I didn't get that. Can you rephrase?"
# Rasa's template names the customer's greeting so (rasa init): where a start that the customer
# makes is placed, when the project has a rule for it. It decides nothing else.
_GREETING = "greet"


@dataclass
class _Edge:
    target: str
    origin: Origin


class Rasa3:
    """Rules and stories as edges between one step per response or action."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.first_use: dict[str, Origin] = {}
        self.flow_of: dict[str, Source] = {}
        self.entry: dict[str, tuple[_Edge, Origin]] = {}  # intent -> first action, intent place
        self.bot_next: dict[str, list[_Edge]] = {}
        self.on: dict[str, dict[str, _Edge]] = {}
        self.listens: dict[str, Origin] = {}
        self.bot_texts: dict[str, Text] = {}  # bot text key -> the text, where it is written
        self.opening: str | None = None  # what the bot runs first, when the files show it
        self.said: set[tuple[str, str]] = set()  # (intent, words) of end-to-end user steps

    def build(self) -> None:
        b = self.b
        self._handoff_hosts()
        for source in b.data_sources:
            data = source.data
            assert isinstance(data, dict)
            b.nlu(source, data.get("nlu"))
            for key in ("rules", "stories"):
                fragments = data.get(key)
                if fragments is None:
                    continue
                if not isinstance(fragments, list):
                    b.project.note(
                        "section-not-a-list",
                        None,
                        Origin(source, (key,)),
                        file=source.display,
                        key=key,
                    )
                    continue
                for i, fragment in enumerate(fragments):
                    if isinstance(fragment, dict) and isinstance(fragment.get("steps"), list):
                        waits = fragment.get("wait_for_user_input", True) is not False
                        opens = fragment.get("conversation_start") is True
                        for events in expand(fragment["steps"], (key, i, "steps")):
                            self._walk(source, events, waits, opens)
            if data.get("flows") is not None:
                b.project.unsupported("calm-flows-in-rasa3", Origin(source, ("flows",)))
        self._steps()

    def _handoff_hosts(self) -> None:
        """financial-demo's handoff skill: actions/handoff_config.yml lists the hosts that
        action_handoff transfers to; hosts that are bots are no handoff to a person."""
        b = self.b
        for name in ("handoff_config.yml", "handoff_config.yaml"):
            path = b.project.root / "actions" / name
            if not path.is_file():
                continue
            source = b.project.read(path, required=False)
            hosts = (
                source.data.get("handoff_hosts")
                if source is not None and isinstance(source.data, dict)
                else None
            )
            if not isinstance(hosts, dict) or source is None:
                continue
            for host, raw in sorted(hosts.items()):
                title = raw.get("title", "") if isinstance(raw, dict) else ""
                b.handoff_hosts[f"{host}"] = Origin(source, ("handoff_hosts", host))
                if is_machine(f"{host} {title}"):
                    b.bot_hosts[f"{host}"] = Origin(source, ("handoff_hosts", host))

    def _walk(self, source: Source, events: list[Event], waits: bool, opens: bool) -> None:
        prev: str | None = None
        pending: Event | None = None
        for event in events:
            if event.kind == "intent":
                pending = event
                self._customer_says(source, event)
            elif event.kind in ("action", "bot"):
                name = event.name
                if name == "action_listen":
                    continue
                if event.kind == "bot":
                    where = Origin(source, (*event.at, "bot"))
                    text = Text({self.b.language: event.text}, {self.b.language: where})
                    self.bot_texts.setdefault(name, text)
                if prev is None and pending is None and (opens or name == SESSION_START):
                    self.opening = self.opening or name  # the bot begins the conversation
                self.first_use.setdefault(name, Origin(source, event.at))
                self.flow_of.setdefault(name, source)
                edge = _Edge(name, Origin(source, event.at))
                if pending is not None:
                    if prev is None:
                        self.entry.setdefault(pending.name, (edge, Origin(source, pending.at)))
                    else:
                        self.on.setdefault(prev, {}).setdefault(
                            pending.name, _Edge(name, Origin(source, pending.at))
                        )
                    pending = None
                elif prev is not None:
                    nexts = self.bot_next.setdefault(prev, [])
                    if all(e.target != name for e in nexts):
                        nexts.append(edge)
                prev = name
        if prev is not None and pending is None and waits and prev not in self.b.domain.forms:
            self.listens.setdefault(prev, self.first_use[prev])

    def _customer_says(self, source: Source, event: Event) -> None:
        """An intent of a rule or story; an end-to-end step's words are one of its examples."""
        intent = self.b.intent(event.name)
        if not event.text:
            return
        if (event.name, event.text) in self.said:
            return
        self.said.add((event.name, event.text))
        where = Origin(source, (*event.at, "user"))
        intent.origins.setdefault((), where)
        examples = intent.data.setdefault("examples", {}).setdefault(self.b.language, [])
        examples.append(event.text)
        intent.origins.setdefault(("examples",), where)

    def _steps(self) -> None:
        b = self.b
        forms = [name for name in self.first_use if name in b.domain.forms]
        for name in forms:
            b.ids.claim(name)
        ids = {
            name: b.ids.claim(slug("bot", self.bot_texts[name].values[b.language]))
            if is_bot_text(name)
            else b.ids.claim(name)
            for name in self.first_use
            if name not in b.domain.forms
        }
        ids.update({name: name for name in forms})
        # Where each intent that starts a rule or story leads (a button may name one).
        starts = {
            intent: ids.get(edge.target, edge.target)
            for intent, (edge, _) in self.entry.items()
            if intent != _FALLBACK_INTENT
        }
        flows: dict[str, Flow] = {}
        for source in b.data_sources:
            if any(self.flow_of.get(n) is source for n in ids if n not in b.domain.forms):
                flow = Flow(b.ids.claim(Path(source.display).stem), Origin(source))
                flows[source.display] = flow
                b.flows.append(flow)
        for name, origin in self.first_use.items():
            if name in b.domain.forms:
                continue
            step = Step(ids[name], origins={(): origin})
            if is_bot_text(name):
                step.set_text("say", self.bot_texts[name])
            else:
                b.action_step(step, name, origin)
            handoff = "handoff" in step.data
            on = self.on.get(name, {})
            if name in self.listens or on:
                if "say" in step.data:
                    step.data["ask"] = step.data.pop("say")
                    step.origins = {
                        (("ask", *rel[1:]) if rel and rel[0] == "say" else rel): o
                        for rel, o in step.origins.items()
                    }
                elif on and not handoff:
                    step.data["ask"] = {"x-rasa": f"{name} answers in code cxaudit cannot read"}
            nexts = self.bot_next.get(name, [])
            if len(nexts) == 1 and not handoff:
                step.set("next", ids.get(nexts[0].target, nexts[0].target), nexts[0].origin)
            elif nexts and not handoff:
                # Rules and stories go on differently from here: slots and code decide which
                # way. Options whose labels hold no words, like CALM's conditions, keep every way.
                for edge in nexts:
                    target = ids.get(edge.target, edge.target)
                    step.add_option({"x-if": "decided by slots or code"}, target, edge.origin)
            if on and not handoff:
                step.data["on"] = {}
                for intent, edge in on.items():
                    step.data["on"][intent] = ids.get(edge.target, edge.target)
                    step.origins[("on", intent)] = edge.origin
            if name in self.listens and not handoff:
                step.set("end", True, self.listens[name])
            if "ask" in step.data and not handoff:
                intent_buttons(b, step, name, starts)
            flows[self.flow_of[name].display].steps.append(step)
        for name in forms:
            b.flows.append(self._form(name, ids))
        for intent, (edge, origin) in self.entry.items():
            if intent == _FALLBACK_INTENT:
                b.fallback = (ids.get(edge.target, edge.target), edge.origin)
                continue
            b.make_global(intent, ids.get(edge.target, edge.target), origin)
        self._default_fallback(flows)
        self._start(flows, ids)

    def _start(self, flows: dict[str, Flow], ids: dict[str, str]) -> None:
        """Where the conversation starts: what the bot runs first when the files show it (and it
        goes on to say something), else the customer's turn (see ``Builder.customer_first``)."""
        b = self.b
        if self.opening is not None and self.opening in ids:
            step = next(s for f in b.flows for s in f.steps if s.id == ids[self.opening])
            if self.opening != SESSION_START or "next" in step.data or "options" in step.data:
                b.start = step.id
                return
            b.customer_first(step)
            return
        if _GREETING in self.entry:
            b.start_origin = self.entry[_GREETING][1]
        elif SESSION_START not in b.domain.actions:  # else at the custom action_session_start
            b.start_origin = next(
                (
                    Origin(source, ("session_config",))
                    for source in b.domain.sources
                    if isinstance(source.data, dict) and "session_config" in source.data
                ),
                None,
            )

    def _default_fallback(self, flows: dict[str, Flow]) -> None:
        """Without an nlu_fallback rule, Rasa's action_default_fallback sends utter_default."""
        b = self.b
        if b.fallback is not None or not b.flows:
            return
        pipeline = self.b.config.get("pipeline") or []
        policies = self.b.config.get("policies") or []
        names = {p.get("name") for p in [*pipeline, *policies] if isinstance(p, dict)}
        if not names & {"FallbackClassifier", "RulePolicy"}:
            return
        step = Step(b.ids.claim("action_default_fallback"))
        text = b.text("utter_default")
        if text is not None:
            b.use(step, "ask", "utter_default", text)
        else:
            step.data["ask"] = {b.language: _RASA_DEFAULT_FALLBACK}
        step.data["end"] = True
        if b.config_source is not None:
            step.mark((), Origin(b.config_source, ("pipeline",) if pipeline else ()))
        b.flows[0].steps.append(step)
        b.fallback = (step.id, step.origins.get(()))

    def _form(self, name: str, ids: dict[str, str]) -> Flow:
        b = self.b
        source, raw = b.domain.forms[name]
        flow = Flow(name, Origin(source, ("forms", name)))
        required: Any = raw.get("required_slots") if isinstance(raw, dict) else None
        slots = list(required) if isinstance(required, (list, dict)) else []
        on = self.on.get(name, {})
        for i, slot in enumerate(slots):
            slot = str(slot)
            at: DataPath = (
                "forms",
                name,
                "required_slots",
                i if isinstance(required, list) else slot,
            )
            candidates = [
                f"utter_ask_{name}_{slot}",
                f"utter_ask_{slot}",
                f"action_ask_{name}_{slot}",
                f"action_ask_{slot}",
            ]
            known = [c for c in candidates if c in b.domain.responses or c in b.domain.actions]
            step = Step(
                b.ids.claim(known[0] if known else f"{name}_{slot}"),
                origins={(): Origin(source, at)},
            )
            b.ask_of(step, known)
            b.collect(step, slot, Origin(source, at))
            if on:
                step.data["on"] = {intent: ids.get(e.target, e.target) for intent, e in on.items()}
                for intent, edge in on.items():
                    step.origins[("on", intent)] = edge.origin
            flow.steps.append(step)
        if not flow.steps:
            flow.steps.append(
                Step(b.ids.claim(f"{name}_submit"), origins={(): Origin(source, ("forms", name))})
            )
        for step, following in zip(flow.steps, flow.steps[1:], strict=False):
            step.data["next"] = following.id
        last = flow.steps[-1]
        nexts = self.bot_next.get(name, [])
        if nexts:
            last.set("next", ids.get(nexts[0].target, nexts[0].target), nexts[0].origin)
        else:
            last.data["end"] = True
        for step in list(flow.steps):
            form_buttons(b, flow, step)
        return flow


def build(project: Project) -> None:
    """Import a Rasa 3 project into ``project.data`` (flow format 1)."""
    builder = Builder(project)
    Rasa3(builder).build()
    builder.emit()
    add_notes(builder)
